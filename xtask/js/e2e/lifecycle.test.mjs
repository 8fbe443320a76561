// Widgets talking over the bus, a widget crashing and coming back, and one widget redeployed
// and rolled back while the shell stays as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPage, readManifest, serveBuild, xtask } from './helpers.mjs';

const ctx = serveBuild();

test('an event emitted by one widget updates another widget and the shell', async () => {
  const { page, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.server.url}/probe`);
  await page.getByTestId('probe').waitFor();
  const badge = page.getByTestId('cart-badge');
  assert.equal(await badge.innerText(), 'Cart \u00b7 0');
  await page.getByTestId('emit-cart').click();
  await page.getByTestId('emit-cart').click();
  await page.getByTestId('cart-badge').getByText('Cart \u00b7 2').waitFor();
  // The sender hears its own message too: one bus, every listener.
  await page.getByTestId('probe-received').getByText('probe:CartChanged { item_count: 2 }').waitFor();
  await page.getByTestId('emit-toast').click();
  await page.getByTestId('toast').getByText('hello from probe').waitFor();
  await close();
});

test('a widget that panics after mounting is replaced by a fallback, its listeners and styles go; the rest works and retry brings it back', async () => {
  const { page, consoleErrors, close } = await openPage(ctx.browser);
  // What listens on the bus (every instance's `mfe:event` listeners on window), from DevTools.
  const cdp = await page.context().newCDPSession(page);
  const busListeners = async () => {
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    return listeners.filter((listener) => listener.type === 'mfe:event').length;
  };
  const probeSheets = () => page.evaluate(() => document.adoptedStyleSheets
    .filter((sheet) => [...sheet.cssRules].some((rule) => rule.cssText.includes('.mfe-probe-'))).length);
  await page.goto(`${ctx.server.url}/probe`);
  await page.getByTestId('probe').waitFor();
  await page.getByTestId('cart-badge').waitFor();
  const listening = await busListeners();
  assert.equal(await probeSheets(), 1);
  await page.getByTestId('panic').click();
  const fallback = page.locator('[data-slot="main"] [data-state="failed"][data-widget="probe"]');
  await fallback.waitFor();
  assert.match(await fallback.getByTestId('fallback-reason').innerText(), /crashed: .*probe was told to panic/);
  assert.equal(await page.getByTestId('probe').count(), 0, 'the dead widget DOM is gone');
  // The dead instance's bus listener and stylesheet are gone with it.
  assert.equal(await busListeners(), listening - 1);
  assert.equal(await probeSheets(), 0);
  const errorsAfterCrash = consoleErrors.length;
  // The shell's own UI and another widget still answer.
  await page.getByTestId('sign-in').waitFor();
  assert.equal(await page.getByTestId('cart-badge').innerText(), 'Cart \u00b7 0');
  await fallback.getByTestId('retry').click();
  await page.getByTestId('probe').waitFor();
  assert.equal(await busListeners(), listening);
  assert.equal(await probeSheets(), 1);
  // The new instance works, and the cart badge still hears the bus; no message reaches the dead
  // instance (it would throw into the console).
  await page.getByTestId('emit-cart').click();
  await page.getByTestId('cart-badge').getByText('Cart \u00b7 1').waitFor();
  assert.deepEqual(consoleErrors.slice(errorsAfterCrash), []);
  await page.getByRole('link', { name: 'Products' }).click();
  await page.locator('[data-slot="main"] h1', { hasText: 'Products' }).waitFor();
  await close();
});

test('redeploying one widget is live after a reload, without touching the shell; rollback restores it', async () => {
  const shellBefore = { index: readFileSync(join(ctx.dist, 'index.html'), 'utf8'), builds: readdirSync(join(ctx.dist, 'shell')) };
  const othersBefore = readManifest(ctx.dist).widgets.filter((w) => w.name !== 'probe');
  const releases = () => readdirSync(join(ctx.dist, 'widgets', 'probe')).filter((n) => /^[0-9a-f]{16}$/.test(n)).sort();
  const releasesBefore = releases();
  const liveBefore = readManifest(ctx.dist).widgets.find((w) => w.name === 'probe').build;
  const { page, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.server.url}/probe`);
  await page.getByTestId('probe-label').getByText('probe v1 on /probe').waitFor();

  xtask(['deploy', 'probe', '--dist', ctx.dist], { PROBE_LABEL: 'v2' });
  await page.reload();
  await page.getByTestId('probe-label').getByText('probe v2 on /probe').waitFor();
  assert.equal(readFileSync(join(ctx.dist, 'index.html'), 'utf8'), shellBefore.index, 'the shell page changed');
  assert.deepEqual(readdirSync(join(ctx.dist, 'shell')), shellBefore.builds, 'a shell build was added');
  assert.deepEqual(readManifest(ctx.dist).widgets.filter((w) => w.name !== 'probe'), othersBefore);
  assert.equal(releases().length, releasesBefore.length + 1, 'one new release folder');
  assert.ok(releases().includes(liveBefore), 'the old release stays until pruned');

  xtask(['rollback', 'probe', '--dist', ctx.dist]);
  await page.reload();
  await page.getByTestId('probe-label').getByText('probe v1 on /probe').waitFor();
  await close();
});
