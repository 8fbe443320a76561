// Steps of the shopping journey the browser tests repeat: finding a product, putting it in the
// cart, filling the delivery address, paying on the mock gateway, and reading the API directly.

/** Searches the catalog for `words` and opens the product named `name`. */
export async function openProduct(page, words, name) {
  // The catalog is ready once it has answered (a page of cards, or its empty state).
  await page.locator('[data-testid="product-card"], [data-testid="empty"]').first().waitFor();
  await page.getByRole('searchbox', { name: 'Search products' }).fill(words);
  await page.getByTestId('search-submit').click();
  await page.waitForURL((url) => url.searchParams.get('q') === words);
  await page.getByTestId('product-card').filter({ hasText: name }).getByRole('link', { name }).click();
  await page.getByTestId('product').waitFor();
  return page.getByTestId('product').getAttribute('data-product-id');
}

/** Adds `quantity` of the open product and waits for the header badge to say `expectedCount`. */
export async function addToCart(page, quantity, expectedCount) {
  await page.getByTestId('quantity').fill(String(quantity));
  await page.getByTestId('quantity').dispatchEvent('change');
  await page.getByTestId('add-to-cart').click();
  await page.getByTestId('cart-badge').getByText(`Cart \u00b7 ${expectedCount}`).waitFor();
}

/** A delivery address in the state with GST code `stateCode`. */
export function address(stateCode, city) {
  return { name: 'Asha Rao', phone: '9876543210', line1: '12 MG Road', city, stateCode, pincode: '411001' };
}

/** Fills the checkout's address form. */
export async function fillAddress(page, value) {
  for (const field of ['name', 'phone', 'line1', 'city', 'pincode']) {
    await page.getByTestId(`address-${field}`).fill(value[field]);
  }
  await page.getByTestId('address-stateCode').selectOption(value.stateCode);
}

/**
 * Pays on /checkout and answers the mock gateway with `decision` (`approve` or `decline`);
 * resolves with the order id once the result page shows a final status.
 */
export async function payAndAnswer(page, decision) {
  await page.getByTestId('pay').click();
  await page.waitForURL(/\/mock-gateway\/pay\//);
  await page.getByTestId(decision).click();
  await page.waitForURL(/\/checkout\/result\?order=/);
  const status = page.getByTestId('order-status');
  await page.locator('[data-testid="order-status"]:not([data-status="PAYMENT_PENDING"])').waitFor({ timeout: 20_000 });
  return { orderId: new URL(page.url()).searchParams.get('order'), status: await status.getAttribute('data-status') };
}

/**
 * `GET /api/v1/products/{id}`, as anyone may; from the test, not a page (the gateway's page
 * may not call the shop).
 */
export async function productFromApi(baseUrl, id) {
  const response = await fetch(`${baseUrl}/api/v1/products/${id}`);
  if (!response.ok) throw new Error(`product ${id}: HTTP ${response.status}`);
  return response.json();
}
