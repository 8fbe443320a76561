// The seller's product manager: the demo seller adds a product in the seller widget, is told
// next to the field that a negative price is refused (the API's problem+json), corrects it,
// uploads an image with a preview, and the product appears in the public catalog.
//
// One server over a private database seeded with the demo shop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, openPage, serveShop, signedInAs, signInByApi } from './helpers.mjs';

const ctx = serveShop('seller-products');

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

test('a seller adds a product with an image, after a field error for a bad price, and shoppers find it', async () => {
  const { page, consoleErrors, close } = await openPage(ctx.browser);
  await signInByApi(page, ctx.url, DEMO.seller);
  await page.goto(`${ctx.url}/seller/products`);
  await signedInAs(page, DEMO.seller.name);
  await page.getByTestId('seller-products').waitFor();

  await page.getByTestId('new-product').click();
  const form = page.getByTestId('product-form');
  await form.getByTestId('field-name').fill('Hand-blocked indigo dupatta');
  await form.getByTestId('field-description').fill('Cotton, block printed in Bagru');
  await form.getByTestId('field-category').fill('apparel');
  await form.getByTestId('field-price').fill('-10');
  await form.getByTestId('field-gstRate').selectOption('500');
  await form.getByTestId('field-hsn').fill('6214');
  await form.getByTestId('field-sku').fill('DU-E2E-1');
  await form.getByTestId('field-stock').fill('3');
  await form.getByTestId('save-product').click();
  // The API refuses the negative price; the form says so next to the field.
  await form.getByTestId('error-price').waitFor();

  await form.getByTestId('field-price').fill('1,234.50');
  await form.getByTestId('save-product').click();
  await page.waitForURL(/\/seller\/products\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop();
  await page.getByTestId('product-status').waitFor();
  assert.match(await page.getByTestId('stock-level').innerText(), /3 in stock\s*Low stock/);

  await page.getByTestId('image-file').setInputFiles({ name: 'dupatta.png', mimeType: 'image/png', buffer: PNG });
  await page.getByTestId('image-preview').waitFor();
  assert.match(await page.getByTestId('image-preview').getAttribute('src'), /^blob:/);
  await page.getByTestId('upload-image').click();
  await page.getByTestId('product-image').waitFor();

  // The public catalog lists it, with its image and the price as entered.
  const answer = await fetch(`${ctx.url}/api/v1/products/${id}`);
  assert.equal(answer.status, 200);
  const product = await answer.json();
  assert.equal(product.price, 123450);
  assert.equal(product.gstRate, 500);
  assert.equal(product.images.length, 1);
  await page.goto(`${ctx.url}/products?q=indigo%20dupatta`);
  await page.getByTestId('product-card').filter({ hasText: 'Hand-blocked indigo dupatta' }).waitFor();
  assert.deepEqual(consoleErrors, []);
  await close();
});
