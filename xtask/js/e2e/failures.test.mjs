// A widget that fails a check, times out, or a manifest that is broken: the shell says what is
// wrong where the widget would be, and everything else keeps working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyDist, editEntry, launchBrowser, mainHeading, openPage, readManifest, removeDir, startServer } from './helpers.mjs';

// A well-formed SRI value that matches no file.
const WRONG_SRI = 'sha384-' + 'A'.repeat(64);

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Runs `body` against a server over a copy of dist that `prepare` changed. */
async function withDist(prepare, body) {
  const dist = copyDist();
  prepare(dist);
  const server = await startServer(dist);
  const session = await openPage(browser);
  try {
    await body(server.url, session);
  } finally {
    await session.close();
    await server.stop();
    removeDir(dist);
  }
}

test('a wasm whose integrity does not match gets a fallback while the header widgets work', () =>
  withDist((dist) => editEntry(dist, 'product', (e) => { e.wasmIntegrity = WRONG_SRI; }), async (url, { page }) => {
    await page.goto(`${url}/products`);
    const fallback = page.locator('[data-slot="main"] [data-state="failed"][data-widget="product"]');
    await fallback.waitFor();
    assert.match(await fallback.getByTestId('fallback-reason').innerText(), /integrity check failed for \/widgets\/product\/.*_bg\.wasm/);
    // The cart widget in the header still works: its click navigates through the shell.
    await page.getByTestId('cart-badge').click();
    await page.locator('[data-slot="main"] h1', { hasText: 'Your cart' }).waitFor();
  }));

test('a module whose integrity does not match in a header slot leaves the page widget working', () =>
  withDist((dist) => editEntry(dist, 'cart', (e) => { e.integrity = WRONG_SRI; }), async (url, { page }) => {
    await page.goto(`${url}/products`);
    const fallback = page.locator('[data-slot="header-cart"] [data-state="failed"][data-widget="cart"]');
    await fallback.waitFor();
    assert.match(await fallback.getAttribute('title'), /integrity check failed for \/widgets\/cart\/.*\.js/);
    // The catalog's ready state first (its first answer), then words in no demo product: the
    // shared database may hold the demo catalog, seeded by another file.
    await page.locator('[data-testid="product-card"], [data-testid="empty"]').first().waitFor();
    await page.getByRole('searchbox', { name: 'Search products' }).fill('velvet umbrella');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No products match \u201cvelvet umbrella\u201d.').waitFor();
  }));

test('a widget built for another contract major is refused before any of its code is fetched', () =>
  withDist((dist) => editEntry(dist, 'product', (e) => { e.contractVersion = '2.0.0'; }), async (url, { page, widgetsFetched }) => {
    await page.goto(`${url}/products`);
    const fallback = page.locator('[data-slot="main"] [data-state="failed"][data-widget="product"]');
    await fallback.waitFor();
    assert.match(await fallback.getByTestId('fallback-reason').innerText(), /contract 2\.0\.0.*major versions differ/);
    await page.getByTestId('cart-badge').waitFor();
    assert.deepEqual(widgetsFetched(), ['auth', 'cart']);
  }));

test('a wasm fetched again on every navigation only after Retry: a failed integrity check stays failed until then', () =>
  withDist((dist) => editEntry(dist, 'product', (e) => { e.wasmIntegrity = WRONG_SRI; }), async (url, { page, requests }) => {
    const productFetches = () => requests.filter((path) => path.startsWith('/widgets/product/')).length;
    await page.goto(`${url}/products`);
    const fallback = page.locator('[data-slot="main"] [data-state="failed"][data-widget="product"]');
    await fallback.waitFor();
    assert.equal(productFetches(), 2, 'the module and the wasm, once');
    // Away and back, hovering the link on the way (a preload): the known-bad files are not
    // fetched again, and the page says why at once.
    await page.getByTestId('cart-badge').click();
    await page.locator('[data-slot="main"] h1', { hasText: 'Your cart' }).waitFor();
    await page.getByRole('link', { name: 'Products' }).hover();
    await page.getByRole('link', { name: 'Products' }).click();
    await fallback.waitFor();
    assert.match(await fallback.getByTestId('fallback-reason').innerText(), /integrity check failed/);
    assert.equal(productFetches(), 2, 'nothing fetched again');
    // Retry is a fresh attempt: both files are fetched again (and fail again).
    const refetched = page.waitForResponse((response) => /\/widgets\/product\/.*\.wasm$/.test(response.url()));
    await fallback.getByTestId('retry').click();
    await refetched;
    await fallback.waitFor();
    assert.equal(productFetches(), 4);
  }));

test('a widget that does not load in time gets a fallback, its fetch is aborted, and retry loads it', () =>
  withDist((dist) => {
    const manifest = readManifest(dist);
    manifest.loadTimeoutMs = 1500;
    writeFileSync(join(dist, 'federation.json'), JSON.stringify(manifest));
  }, async (url, { page }) => {
    // The signal of every fetch the page starts, to see the loader abort the stalled one.
    await page.addInitScript(() => {
      const fetch = window.fetch;
      window.fetchSignals = [];
      window.fetch = (resource, init) => {
        window.fetchSignals.push({ url: String(resource), signal: init?.signal });
        return fetch(resource, init);
      };
    });
    // Hold the product wasm back (never answered) until the test lets it through.
    let stall = true;
    await page.route('**/widgets/product/**/*.wasm', (route) => (stall ? undefined : route.continue()));
    const aborted = page.waitForEvent('requestfailed', (request) => /\/widgets\/product\/.*\.wasm$/.test(request.url()));
    await page.goto(`${url}/products`);
    const fallback = page.locator('[data-slot="main"] [data-state="failed"][data-widget="product"]');
    await fallback.waitFor();
    assert.match(await fallback.getByTestId('fallback-reason').innerText(), /loading product timed out after 1500 ms/);
    // The stalled request was cancelled by the loader, not left open.
    await aborted;
    const signals = await page.evaluate(() => window.fetchSignals
      .filter((f) => f.url.includes('/widgets/product/'))
      .map((f) => ({ url: f.url, aborted: f.signal?.aborted, reason: String(f.signal?.reason?.message) })));
    assert.equal(signals.length, 2, JSON.stringify(signals));
    for (const signal of signals) {
      assert.equal(signal.aborted, true, JSON.stringify(signal));
      assert.match(signal.reason, /loading product timed out after 1500 ms/);
    }
    stall = false;
    await fallback.getByTestId('retry').click();
    await page.locator('[data-slot="main"] h1', { hasText: 'Products' }).waitFor();
  }));

test('a missing manifest leaves the shell up, explains itself where the page would be, logs one error, and Retry fetches it again', () => {
  let saved;
  return withDist((dist) => {
    saved = { dist, text: readFileSync(join(dist, 'federation.json'), 'utf8') };
    rmSync(join(dist, 'federation.json'));
  }, async (url, { page, consoleErrors }) => {
    await page.goto(`${url}/products`);
    await page.locator('[data-slot="main"] [data-state="problem"]').waitFor();
    assert.equal(await mainHeading(page), 'The storefront could not load its widgets');
    assert.match(await page.getByTestId('problem-detail').innerText(), /federation\.json is missing \(HTTP 404\)/);
    assert.equal(await page.locator('.shell-brand').innerText(), 'Bazaar');
    assert.equal(consoleErrors.length, 1, consoleErrors.join('\n'));
    assert.match(consoleErrors[0], /federation\.json is missing/);
    // Deployed meanwhile: Retry reads the manifest again, without a reload.
    writeFileSync(join(saved.dist, 'federation.json'), saved.text);
    await page.getByTestId('retry').click();
    await page.locator('[data-slot="main"] h1', { hasText: 'Products' }).waitFor();
    await page.getByTestId('cart-badge').waitFor();
  });
});

test('a manifest that does not answer in time is given up with a reason, and Retry fetches it again', () =>
  withDist(() => {}, async (url, { page }) => {
    // The first request for the manifest is never answered; later ones are.
    let held = 0;
    await page.route('**/federation.json', (route) => (held++ === 0 ? undefined : route.continue()));
    await page.goto(`${url}/products`);
    await page.locator('[data-slot="main"] [data-state="problem"]').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('problem-detail').innerText(), /\/federation\.json did not answer within 10000 ms/);
    await page.getByTestId('retry').click();
    await page.locator('[data-slot="main"] h1', { hasText: 'Products' }).waitFor();
    assert.equal(held, 2);
  }));

test('a malformed manifest is reported the same way', () =>
  withDist((dist) => writeFileSync(join(dist, 'federation.json'), '{"schemaVersion": 1, "widgets": [ oops'), async (url, { page, consoleErrors }) => {
    await page.goto(`${url}/`);
    await page.locator('[data-slot="main"] [data-state="problem"]').waitFor();
    assert.match(await page.getByTestId('problem-detail').innerText(), /federation\.json is malformed/);
    assert.equal(consoleErrors.length, 1, consoleErrors.join('\n'));
  }));

test('an unknown or misconfigured widget entry is named, and the rest of the manifest still works', () =>
  withDist((dist) => {
    const manifest = readManifest(dist);
    const orders = manifest.widgets.find((w) => w.name === 'orders');
    manifest.widgets.push({ ...orders, name: 'wishlist', routes: ['/wishlist'], slots: ['sidebar'], nav: undefined });
    orders.entry = 'https://elsewhere.example/orders.js';
    writeFileSync(join(dist, 'federation.json'), JSON.stringify(manifest));
  }, async (url, { page, consoleErrors, widgetsFetched }) => {
    await page.goto(`${url}/orders`);
    await page.locator('[data-slot="main"] [data-state="problem"]').waitFor();
    assert.equal(await mainHeading(page), 'The orders widget is misconfigured');
    assert.match(await page.getByTestId('problem-detail').innerText(), /entry must be a same-origin absolute path/);
    const notice = await page.getByTestId('manifest-notice').innerText();
    assert.match(notice, /widget "wishlist": unknown slot "sidebar"/);
    assert.match(notice, /widget "orders": entry must be a same-origin/);
    assert.equal(consoleErrors.length, 1, consoleErrors.join('\n'));
    await page.getByRole('link', { name: 'Products' }).click();
    await page.locator('[data-slot="main"] h1', { hasText: 'Products' }).waitFor();
    assert.ok(!widgetsFetched().includes('orders') && !widgetsFetched().includes('wishlist'));
  }));
