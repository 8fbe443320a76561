// Widgets against the API they are deployed to: a widget built against an operation that the API
// removed is refused at deploy (`cargo xtask deploy --api URL`), its live entry is marked
// incompatible in the manifest, and the shell shows "being updated" in its place without fetching
// any of its code, while the other widgets keep working (docs/CONTRACTS.md, docs/MFE.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mainHeading, openPage, readManifest, serveShop, xtask } from './helpers.mjs';

// A private database: the shared one must stay without the demo catalog (failures.test.mjs).
const ctx = serveShop('compat');

/**
 * The API's next version as far as the check can see: the real server's own OpenAPI document with
 * `GET /products/{id}` removed. The check reads only `<URL>/api/v1/openapi.json`, so the document
 * is published as a static file of the test's own server under `/next` and the check is pointed
 * at `<server>/next`. (`xtask` blocks this process while it runs, so a server in it could not
 * answer.)
 */
async function nextApi() {
  const document = await (await fetch(`${ctx.url}/api/v1/openapi.json`)).json();
  assert.ok(document.paths['/products/{id}']?.get, 'the real API has GET /products/{id}');
  delete document.paths['/products/{id}'].get;
  const folder = join(ctx.dist, 'next', 'api', 'v1');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'openapi.json'), JSON.stringify(document));
  const url = `${ctx.url}/next`;
  const served = await fetch(`${url}/api/v1/openapi.json`);
  assert.equal(served.status, 200, 'the next document is served');
  return url;
}

test('a widget calling an operation the API removed is refused at deploy and shown as being updated', async () => {
  const before = readManifest(ctx.dist).widgets.find((w) => w.name === 'product');
  assert.ok(before.operations.includes('GET /products/{id}'), 'the manifest records what product calls');
  assert.equal(before.incompatible, undefined);

  const next = await nextApi();
  assert.throws(
    () => xtask(['deploy', 'product', '--api', next, '--dist', ctx.dist]),
    /refused: not compatible with the API at .*\n\s+product: calls GET \/products\/\{id\}, which the API does not have/,
  );
  const manifest = readManifest(ctx.dist);
  const product = manifest.widgets.find((w) => w.name === 'product');
  assert.equal(product.build, before.build, 'no new release went live');
  assert.match(product.incompatible, /calls GET \/products\/\{id\}, which the API does not have/);
  // Widgets that do not call it are left as they were.
  for (const name of ['cart', 'auth', 'orders']) {
    assert.equal(manifest.widgets.find((w) => w.name === name).incompatible, undefined, name);
  }

  const { page, widgetsFetched, consoleErrors, close } = await openPage(ctx.browser);
  try {
    await page.goto(`${ctx.url}/products`);
    const updating = page.locator('[data-slot="main"] [data-state="updating"][data-widget="product"]');
    await updating.waitFor();
    assert.equal(await mainHeading(page), 'This part of the page is being updated');
    assert.match(await updating.getAttribute('title'), /GET \/products\/\{id\}/);
    // The header's widgets still load and work; nothing of product was fetched.
    await page.getByTestId('cart-badge').click();
    await page.locator('[data-slot="main"] h1', { hasText: 'Your cart' }).waitFor();
    assert.deepEqual(widgetsFetched(), ['auth', 'cart']);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await close();
  }
});
