// The shopping journey in the browser, on the demo shop (Maharashtra, state 27): browse and
// search, a guest cart merged at sign-in, the cart's GST breakup, checkout with field errors, the
// mock gateway, the order's outcome, the invoice (CGST + SGST inside Maharashtra, IGST to another
// state) and its PDF; a declined payment gives the stock back.
//
// One server over a private database with the demo data, so the stock this file spends touches
// no other test file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEMO, openPage, serveShop, signedInAs, signInByApi, pdfText } from './helpers.mjs';
import {
  addToCart, address, fillAddress, openProduct, payAndAnswer, productFromApi,
} from './shop-fixtures.mjs';

const ctx = serveShop('shop');

const rupees = (text) => Number(text.replace(/[₹,]/g, ''));

test('a guest fills a cart of two GST slabs, signs in, pays, and gets a CGST + SGST invoice as a PDF; an order to another state is IGST', async () => {
  const { page, close, consoleErrors, failedRequests } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/products`);
  // Browse: the demo catalog lists its products, a page at a time.
  await page.getByTestId('product-card').first().waitFor();
  assert.ok(await page.getByTestId('product-card').count() >= 12);
  await page.getByTestId('load-more').click();
  await page.getByTestId('product-card').nth(13).waitFor();

  // As a guest: a 5% kurta.
  await openProduct(page, 'kurta', 'Cotton kurta');
  assert.equal(await page.getByTestId('gst-rate').innerText(), '5%');
  assert.equal(await page.getByTestId('price').innerText(), '₹1,299.00');
  assert.equal(await page.getByTestId('price-with-tax').innerText(), '₹1,363.95');
  await addToCart(page, 1, 1);
  assert.ok(await page.evaluate(() => localStorage.getItem('bazaar.cart')), 'the guest cart id is kept');
  // The guest's journey so far asked nothing the server refused: no refresh without a cookie.
  assert.deepEqual(failedRequests, []);
  assert.deepEqual(consoleErrors, []);

  // Signing in folds the guest cart into the customer's, once.
  await signInByApi(page, ctx.url, DEMO.customer);
  await page.goto(`${ctx.url}/products`);
  await signedInAs(page, DEMO.customer.name);
  await page.getByTestId('cart-badge').getByText('Cart \u00b7 1').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('bazaar.cart')), null, 'the merged guest cart is forgotten');

  // An 18% speaker.
  await openProduct(page, 'speaker', 'Bluetooth speaker');
  assert.equal(await page.getByTestId('gst-rate').innerText(), '18%');
  await addToCart(page, 1, 2);

  // The cart: one breakup row per slab; a stepper changes the totals from the server's answer.
  await page.getByTestId('cart-badge').click();
  await page.getByTestId('cart-lines').waitFor();
  const rates = await page.getByTestId('gst-rate-row').evaluateAll((rows) => rows.map((r) => r.dataset.rate));
  assert.deepEqual(rates, ['500', '1800']);
  const before = rupees(await page.getByTestId('total-price').innerText());
  await page.getByTestId('cart-line').filter({ hasText: 'Cotton kurta' }).getByTestId('increase').click();
  await page.getByTestId('cart-badge').getByText('Cart \u00b7 3').waitFor();
  await page.waitForFunction((b) => {
    const text = document.querySelector('[data-testid="total-price"]').innerText;
    return Number(text.replace(/[₹,]/g, '')) !== b;
  }, before);
  assert.equal(rupees(await page.getByTestId('total-price').innerText()), before + 1363.95);
  await page.getByTestId('cart-line').filter({ hasText: 'Cotton kurta' }).getByTestId('decrease').click();
  await page.getByTestId('cart-badge').getByText('Cart \u00b7 2').waitFor();

  // Checkout: a wrong phone number comes back next to its field.
  await page.getByTestId('checkout').click();
  await page.getByTestId('address-form').waitFor();
  await fillAddress(page, { ...address('27', 'Pune'), phone: '12345' });
  await page.getByTestId('pay').click();
  await page.getByTestId('error-address.phone').waitFor();
  await page.getByTestId('address-phone').fill('9876543210');
  const first = await payAndAnswer(page, 'approve');
  assert.equal(first.status, 'ORDER_CONFIRMED');

  // The invoice: inside Maharashtra, CGST and SGST; no IGST.
  await page.getByTestId('invoice-link').first().getByRole('link').click();
  await page.getByTestId('invoice').waitFor();
  const number = await page.getByTestId('invoice-number').innerText();
  assert.match(number, /^INV-\d{4}-\d{6}$/);
  assert.notEqual(await page.getByTestId('invoice-cgst').innerText(), '₹0.00');
  assert.equal(await page.getByTestId('invoice-cgst').innerText(), await page.getByTestId('invoice-sgst').innerText());
  assert.equal(await page.getByTestId('invoice-igst').innerText(), '₹0.00');
  assert.match(await page.getByTestId('place-of-supply').innerText(), /Maharashtra \(27\)/);
  assert.match(await page.getByTestId('total-in-words').innerText(), /^Rupees .* Only$/);
  assert.match(await page.getByTestId('supplier-gstin').innerText(), /GSTIN: 27/);

  // The PDF, fetched with the bearer token and saved from a blob URL.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
  assert.equal(download.suggestedFilename(), `${number}.pdf`);
  const file = await download.path();
  assert.ok(readFileSync(file).toString('latin1').startsWith('%PDF-'), 'a PDF file');
  assert.ok(pdfText(file).includes(number), 'the PDF carries the invoice number');

  // The order page: newest first in the history, lines with CGST and SGST, the status history.
  await page.goto(`${ctx.url}/orders`);
  await page.getByTestId('order-row').first().waitFor();
  assert.equal(await page.getByTestId('order-row').first().getAttribute('data-order-id'), first.orderId);
  await page.getByTestId('order-row').first().getByRole('link').click();
  await page.getByTestId('order-lines').waitFor();
  assert.equal(await page.getByTestId('order-line').count(), 2);
  assert.notEqual(await page.getByTestId('total-sgst').innerText(), '₹0.00');
  assert.ok(await page.getByTestId('order-history').locator('li').count() >= 3);

  // A second order, to Karnataka: IGST only.
  await page.goto(`${ctx.url}/products`);
  await openProduct(page, 'speaker', 'Bluetooth speaker');
  await addToCart(page, 1, 1);
  await page.goto(`${ctx.url}/checkout`);
  await page.getByTestId('address-form').waitFor();
  await fillAddress(page, address('29', 'Bengaluru'));
  const second = await payAndAnswer(page, 'approve');
  assert.equal(second.status, 'ORDER_CONFIRMED');
  await page.getByTestId('invoice-link').first().getByRole('link').click();
  await page.getByTestId('invoice').waitFor();
  assert.notEqual(await page.getByTestId('invoice-igst').innerText(), '₹0.00');
  assert.equal(await page.getByTestId('invoice-cgst').innerText(), '₹0.00');
  assert.match(await page.getByTestId('place-of-supply').innerText(), /Karnataka \(29\)/);
  assert.deepEqual(consoleErrors, []);
  await close();
});

test('a declined payment leaves the order PAYMENT_FAILED and gives the stock back', async () => {
  const { page, close } = await openPage(ctx.browser);
  await signInByApi(page, ctx.url, DEMO.customer);
  await page.goto(`${ctx.url}/products`);
  await signedInAs(page, DEMO.customer.name);
  const id = await openProduct(page, 'tiffin', 'Steel tiffin box');
  const stock = (await productFromApi(ctx.url, id)).stock;
  await addToCart(page, 2, 2);
  await page.getByTestId('cart-badge').click();
  await page.getByTestId('checkout').click();
  await page.getByTestId('address-form').waitFor();
  await fillAddress(page, address('27', 'Mumbai'));
  await page.getByTestId('pay').click();
  await page.waitForURL(/\/mock-gateway\/pay\//);
  // While the payment is open the units are reserved.
  assert.equal((await productFromApi(ctx.url, id)).stock, stock - 2);
  await page.getByTestId('decline').click();
  await page.waitForURL(/\/checkout\/result\?order=/);
  await page.locator('[data-testid="order-status"][data-status="PAYMENT_FAILED"]').waitFor({ timeout: 20_000 });
  assert.equal((await productFromApi(ctx.url, id)).stock, stock);
  await close();
});
