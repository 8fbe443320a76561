// The catalog as a shopper sees it (issue 14, item 3): a grid of cards without list bullets,
// a sort control that always names the order the list is in (after a change, back and
// forward), the filters beside the results on a wide screen and folded above them on a phone,
// the demo products' pictures on cards and on the product page (lazy, with `srcset`), an image
// that fails to load giving way to a placeholder, and "Load more" that keeps the
// keyboard focus and can be retried after a failure.
//
// One server over a private database with the demo data (14 products: two pages of 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, serveShop } from './helpers.mjs';

const ctx = serveShop('catalog');

/** The prices of the cards shown, in paise, in display order. */
const prices = (page) => page.getByTestId('card-price')
  .evaluateAll((cells) => cells.map((cell) => Number(cell.dataset.paise)));

/** Waits until the catalog has answered: its first card is there. */
async function catalogReady(page) {
  await page.getByTestId('product-card').first().waitFor();
}

test('the grid has no bullets, and the filters sit beside the results on a wide screen', async () => {
  const { page, close, consoleErrors } = await openPage(ctx.browser);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${ctx.url}/products`);
  await catalogReady(page);
  const bullets = await page.getByTestId('product-list').evaluate((list) => getComputedStyle(list).listStyleType);
  assert.equal(bullets, 'none');
  await page.getByTestId('search').waitFor({ state: 'visible' });
  const filters = await page.getByTestId('filters-panel').boundingBox();
  const results = await page.getByTestId('results').boundingBox();
  assert.ok(filters.x + filters.width <= results.x, `filters ${JSON.stringify(filters)} left of results ${JSON.stringify(results)}`);
  assert.ok(Math.abs(filters.y - results.y) < 2, 'side by side, not stacked');
  assert.deepEqual(consoleErrors, []);
  await close();
});

test('on a phone the filters start folded above the results and open on a tap', async () => {
  const { page, close } = await openPage(ctx.browser);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${ctx.url}/products`);
  await catalogReady(page);
  assert.equal(await page.getByTestId('search').isVisible(), false);
  const filters = await page.getByTestId('filters-panel').boundingBox();
  const results = await page.getByTestId('results').boundingBox();
  assert.ok(filters.y + filters.height <= results.y, 'the folded filters are above the results');
  await page.getByText('Filters', { exact: true }).click();
  await page.getByTestId('search').waitFor({ state: 'visible' });
  await close();
});

test('the sort control always shows the order the list is in', async () => {
  const { page, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/products`);
  await catalogReady(page);
  // No sort asked for: the API lists newest first, and the control says so.
  assert.equal(await page.getByTestId('sort').inputValue(), 'newest');

  // A sort applies as soon as it is picked.
  await page.getByTestId('sort').selectOption('price_desc');
  await page.waitForURL((url) => url.searchParams.get('sort') === 'price_desc');
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-testid="card-price"]')].map((c) => Number(c.dataset.paise));
    return cells.length > 1 && cells.every((p, i) => i === 0 || cells[i - 1] >= p);
  });
  await page.getByTestId('sort').selectOption('price_asc');
  await page.waitForURL((url) => url.searchParams.get('sort') === 'price_asc');
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-testid="card-price"]')].map((c) => Number(c.dataset.paise));
    return cells.length > 1 && cells.every((p, i) => i === 0 || cells[i - 1] <= p);
  });
  assert.equal(await page.getByTestId('sort').inputValue(), 'price_asc');

  // Back: the list and the control both return to high-to-low; and back again to no sort.
  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get('sort') === 'price_desc');
  await page.waitForFunction(() => document.querySelector('[data-testid="sort"]').value === 'price_desc');
  const descending = await prices(page);
  assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has('sort'));
  await page.waitForFunction(() => document.querySelector('[data-testid="sort"]').value === 'newest');

  // "Best match" without search words is the newest order, and the control says that.
  await page.goto(`${ctx.url}/products?sort=relevance`);
  await catalogReady(page);
  assert.equal(await page.getByTestId('sort').inputValue(), 'newest');
  await close();
});

test('cards and the product page show the demo pictures, at a width the screen needs', async () => {
  const { page, close, consoleErrors, failedRequests } = await openPage(ctx.browser);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${ctx.url}/products`);
  await catalogReady(page);
  const first = page.getByTestId('card-image').first();
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid="card-image"]');
    return img?.complete && img.naturalWidth > 0;
  });
  assert.equal(await page.getByTestId('card-image').count(), 12, 'every card has its picture');
  assert.equal(await first.getAttribute('loading'), 'lazy');
  assert.match(await first.getAttribute('srcset'), /\?w=320 320w, .*\?w=640 640w, .*\?w=960 960w/);
  // Half a phone's width on a 1× screen: a copy, never the 1200-pixel original.
  const chosen = await first.evaluate((img) => [img.currentSrc, img.naturalWidth]);
  assert.match(chosen[0], /\?w=(320|640)$/);
  assert.ok(chosen[1] <= 640, `loaded ${chosen[1]} pixels wide`);

  await page.getByTestId('product-card').first().getByRole('link').click();
  const main = page.getByTestId('gallery-image').first();
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid="gallery-image"]');
    return img?.complete && img.naturalWidth > 0;
  });
  const name = await page.locator('[data-slot="main"] h1').first().innerText();
  assert.equal(await main.getAttribute('alt'), name, 'the product page names its picture');
  assert.equal(await main.getAttribute('loading'), 'eager', 'the main picture is not lazy');
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(failedRequests, []);
  await close();
});

test('an image that fails to load gives way to a placeholder', async () => {
  const { page, close } = await openPage(ctx.browser);
  // The first page's answer gives its first product an image that is not there.
  await page.route(/\/api\/v1\/products\?/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.items[0].images = ['/api/v1/images/no-such-image'];
    await route.fulfill({ response, json: body });
  }, { times: 1 });
  await page.goto(`${ctx.url}/products`);
  await catalogReady(page);
  const image = page.getByTestId('card-image').first();
  await page.waitForFunction(() => document.querySelector('[data-testid="card-image"]')?.hidden === true);
  assert.equal(await image.getAttribute('loading'), 'lazy');
  const placeholder = await page.getByTestId('product-card').first().locator('.thumb')
    .evaluate((thumb) => [thumb.getBoundingClientRect().height > 0, getComputedStyle(thumb).backgroundImage]);
  assert.equal(placeholder[0], true);
  assert.match(placeholder[1], /gradient/);
  await close();
});

test('"Load more" keeps the keyboard focus, can be retried after a failure, and hands focus to the new cards', async () => {
  const { page, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/products`);
  await catalogReady(page);
  assert.equal(await page.getByTestId('product-card').count(), 12);

  // The next page fails once.
  await page.route(/\/api\/v1\/products\?.*after=/, (route) => route.abort('connectionreset'), { times: 1 });
  const more = page.getByTestId('load-more');
  await more.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('problem').waitFor();
  await page.getByRole('button', { name: 'Retry' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'load-more');
  assert.equal(await page.getByTestId('product-card').count(), 12, 'the cards shown stay');

  // Retried from the keyboard: the last page arrives, the button goes, the focus moves to the
  // first card it added instead of falling back to the page.
  await page.keyboard.press('Enter');
  await page.getByTestId('product-card').nth(12).waitFor();
  await page.getByTestId('load-more').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.closest('[data-testid="product-card"]') != null);
  const focused = await page.evaluate(() => {
    const card = document.activeElement.closest('[data-testid="product-card"]');
    return [...card.parentElement.children].indexOf(card);
  });
  assert.equal(focused, 12);
  assert.equal(await page.getByTestId('problem').count(), 0);
  await close();
});
