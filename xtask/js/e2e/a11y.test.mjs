// Accessibility (issue 14, item 6): axe-core finds no serious or critical violation on any page
// of the storefront (a guest's, a customer's, a seller's, an administrator's), a purchase can
// be made with the keyboard alone, each change of page titles the document and moves focus to
// its heading, toasts stay while the pointer holds them, and at 360 px the header slots sit
// clear of the navigation.
//
// One server over a private database with the demo shop and an administrator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  DEMO, apiCall, enrolAuthenticator, mainReady, openPage, orderByApi, serveShop, signedInAs, signInByApi,
} from './helpers.mjs';
import { stepNow, totp } from './totp.mjs';

const ADMIN = { email: 'a11y-admin@bazaar.test', password: 'a11y-admin-e2e-pass', name: 'Access Admin' };
const ctx = serveShop('a11y', { admin: ADMIN });
const api = (path, options) => apiCall(ctx, path, options);
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function login(account) {
  const answer = await api('/auth/login', { method: 'POST', body: { email: account.email, password: account.password } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.session;
}

/** An order of the demo customer, paid on the mock gateway. */
async function paidOrder() {
  const customer = await login(DEMO.customer);
  const { order, product } = await orderByApi(ctx, customer.accessToken, 'e2e-a11y');
  const approved = await fetch(`${ctx.url}${order.paymentUrl}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=approve',
    redirect: 'manual',
  });
  assert.equal(approved.status, 303);
  return { order, product };
}

/**
 * The serious and critical violations axe-core finds on the page once its main slot and header
 * are ready, one line each with the elements concerned.
 */
async function seriousViolations(page) {
  await mainReady(page);
  await page.getByTestId('cart-badge').waitFor();
  await page.locator('[data-testid="sign-in"], [data-testid="account-name"]').first().waitFor();
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => (await window.axe.run(document)).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`));
}

/** Opens each of `paths` and collects what axe finds, by path; fails naming every one. */
async function checkPages(page, paths) {
  const found = [];
  for (const path of paths) {
    await page.goto(`${ctx.url}${path}`);
    for (const violation of await seriousViolations(page)) found.push(`${path}: ${violation}`);
    // The page itself was checked, not a guard's detour.
    const landed = new URL(page.url()).pathname;
    if (landed !== path.split('?')[0]) found.push(`${path}: landed on ${landed}`);
  }
  assert.deepEqual(found, []);
}

// axe's script is added to each page, which the shell's CSP (no inline script) would refuse.
const AXE_CONTEXT = { bypassCSP: true };

test('axe finds no serious or critical violation on a guest\'s pages', async () => {
  const { page, close } = await openPage(ctx.browser, AXE_CONTEXT);
  const products = await api('/products?limit=1');
  await checkPages(page, ['/', `/products/${products.body.items[0].id}`, '/products?q=velvet+umbrella', '/cart', '/login',
    '/signup', '/forgot-password', '/nowhere']);
  await close();
});

test('axe finds no serious or critical violation on a customer\'s pages', async () => {
  const { order, product } = await paidOrder();
  const { page, close } = await openPage(ctx.browser, AXE_CONTEXT);
  await signInByApi(page, ctx.url, DEMO.customer);
  // Something in the cart, for the cart and checkout pages.
  const session = await login(DEMO.customer);
  const cart = await api('/cart', { token: session.accessToken });
  await api(`/carts/${cart.body.cartId}/items`, { method: 'POST', token: session.accessToken, body: { productId: product.id, quantity: 1 } });
  // The invoice's address, read from the order page once its invoice is listed.
  await page.goto(`${ctx.url}/orders/${order.id}`);
  const invoice = await page.getByTestId('invoice-link').first().getByRole('link').getAttribute('href');
  await checkPages(page, ['/cart', '/checkout', '/orders', `/orders/${order.id}`, invoice,
    `/checkout/result?order=${order.id}`]);
  await close();
});

test('axe finds no serious or critical violation on a seller\'s pages', async () => {
  const { order, product } = await paidOrder();
  const { page, close } = await openPage(ctx.browser, AXE_CONTEXT);
  await signInByApi(page, ctx.url, DEMO.seller);
  await checkPages(page, ['/seller', '/seller/products', `/seller/products/${product.id}`, '/seller/orders',
    `/seller/orders/${order.id}`, '/seller/shop']);
  await close();
});

test('axe finds no serious or critical violation on an administrator\'s pages', async () => {
  const first = await login(ADMIN);
  const { secret, activated } = await enrolAuthenticator(ctx, first.accessToken);
  const { page, close } = await openPage(ctx.browser, AXE_CONTEXT);
  await page.goto(`${ctx.url}/admin`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.locator('[data-slot="main"]').getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Authentication code').fill(totp(secret, Math.max(stepNow(), activated + 1)));
  await page.getByRole('button', { name: 'Verify' }).click();
  await signedInAs(page, ADMIN.name);
  await checkPages(page, ['/admin', '/admin/sellers', '/admin/users', '/admin/figures', '/admin/refunds', '/admin/audit']);
  await close();
});

/**
 * Presses Tab (Shift+Tab with `back`) until the focused element matches `selector`; fails if
 * it never does within `limit` presses.
 */
async function tabTo(page, selector, { back = false, limit = 80 } = {}) {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** After a change of page: focus is on the main slot's heading, and the title names it. */
async function landedOnHeading(page) {
  await page.waitForFunction(() => document.activeElement?.matches('[data-slot="main"] h1'));
  const { heading, title } = await page.evaluate(() => ({ heading: document.activeElement.textContent.trim(), title: document.title }));
  assert.equal(title, `${heading} · Bazaar`);
  return heading;
}

test('a guest buys with the keyboard alone: Tab, Enter and Space, no click', async () => {
  const email = `keys-${Date.now()}@example.com`;
  const password = 'a-long-keyboard-password';
  const registered = await api('/auth/register', { method: 'POST', body: { email, password, displayName: 'Kiran Keys' } });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  const { page, close, consoleErrors } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/`);
  await page.getByTestId('product-card').first().waitFor();

  // A product from the catalog, opened with Enter: its page's heading has the focus.
  await tabTo(page, '[data-testid="product-card"] a');
  await page.keyboard.press('Enter');
  await page.getByTestId('product').waitFor();
  await landedOnHeading(page);
  await tabTo(page, '[data-testid="add-to-cart"]');
  await page.keyboard.press('Enter');
  await page.getByTestId('cart-badge').getByText('Cart \u00b7 1').waitFor();

  // Back up to the header's cart button, pressed with Space.
  await tabTo(page, '[data-testid="cart-badge"]', { back: true });
  await page.keyboard.press('Space');
  await page.getByTestId('cart-lines').waitFor();
  assert.match(await landedOnHeading(page), /Your cart/);
  await tabTo(page, '[data-testid="checkout"]');
  await page.keyboard.press('Enter');

  // Checkout asks a guest to sign in first; the form is sent with Enter.
  await page.getByLabel('Email').waitFor();
  await landedOnHeading(page);
  await tabTo(page, 'input[type="email"]');
  await page.keyboard.type(email);
  await tabTo(page, 'input[type="password"]');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');

  // The delivery address, field by field.
  await page.getByTestId('address-form').waitFor();
  await signedInAs(page, 'Kiran Keys');
  const fields = { name: 'Kiran Keys', phone: '9876543210', line1: '12 MG Road', city: 'Pune', pincode: '411001' };
  for (const [field, value] of Object.entries(fields)) {
    await tabTo(page, `[data-testid="address-${field}"]`, { limit: 20 });
    await page.keyboard.type(value);
  }
  // A closed select picks the option whose name is typed.
  await tabTo(page, '[data-testid="address-stateCode"]', { back: true, limit: 20 });
  await page.keyboard.type('Maharashtra');
  assert.equal(await page.getByTestId('address-stateCode').inputValue(), '27');
  await tabTo(page, '[data-testid="pay"]');
  await page.keyboard.press('Enter');

  // The mock gateway's page, then the result.
  await page.waitForURL(/\/mock-gateway\/pay\//);
  await tabTo(page, '[data-testid="approve"]');
  await page.keyboard.press('Space');
  await page.waitForURL(/\/checkout\/result\?order=/);
  await page.locator('[data-testid="order-status"][data-status="ORDER_CONFIRMED"]').waitFor({ timeout: 20_000 });
  // Known and open: sending the sign-in form with Enter (not a click) leaves one wasm-bindgen
  // "closure invoked recursively or after being dropped" page error as the auth widget gives
  // way to checkout. Any other error fails the test.
  const known = /closure invoked recursively or after being dropped/;
  assert.deepEqual(consoleErrors.filter((error) => !known.test(error)), []);
  await close();
});

test('a change of search keeps focus in the search box; a change of page moves it', async () => {
  const { page, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/products`);
  await page.getByTestId('product-card').first().waitFor();
  assert.equal(await page.title(), 'Products · Bazaar');
  const search = page.getByRole('searchbox', { name: 'Search products' });
  await search.focus();
  await page.keyboard.type('velvet umbrella');
  await page.keyboard.press('Enter');
  await page.getByText('No products match \u201cvelvet umbrella\u201d.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'search');
  await page.getByRole('link', { name: 'Orders' }).focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Email').waitFor();
  assert.equal(await landedOnHeading(page), await page.locator('[data-slot="main"] h1').innerText());
  await close();
});

test('a toast stays while the pointer is on it, and its button dismisses it', async () => {
  const { page, close } = await openPage(ctx.browser);
  // Playwright's clock: the toast's five seconds pass on demand, not in real time.
  await page.clock.install();
  await page.goto(`${ctx.url}/products`);
  const card = page.getByTestId('product-card').first();
  await card.waitFor();
  await card.getByRole('link').first().click();
  await page.getByTestId('add-to-cart').click();
  const toast = page.getByTestId('toast');
  await toast.waitFor();
  await toast.hover();
  await page.clock.runFor(10_000);
  assert.equal(await toast.count(), 1, 'held by the pointer, the toast stays');
  await page.mouse.move(0, 400);
  await toast.waitFor({ state: 'detached' });
  // Another one, dismissed from the keyboard (focus holds it too).
  await page.getByTestId('add-to-cart').click();
  await toast.waitFor();
  await page.getByTestId('dismiss-toast').focus();
  await page.clock.runFor(10_000);
  assert.equal(await toast.count(), 1, 'held by focus, the toast stays');
  await page.keyboard.press('Enter');
  await toast.waitFor({ state: 'detached' });
  await close();
});

test('at 360 px the header slots sit clear of the navigation, for a guest and a customer', async () => {
  for (const customer of [false, true]) {
    const { page, close } = await openPage(ctx.browser, { viewport: { width: 360, height: 740 } });
    if (customer) await signInByApi(page, ctx.url, DEMO.customer);
    await page.goto(`${ctx.url}/products`);
    await mainReady(page);
    await page.getByTestId('cart-badge').waitFor();
    await page.getByTestId(customer ? 'account-name' : 'sign-in').waitFor();
    await page.locator('nav[aria-label="Main"] a').first().waitFor();
    const boxes = await page.evaluate(() => {
      const box = (element) => {
        const r = element.getBoundingClientRect();
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, what: element.textContent.trim() };
      };
      const all = (selector) => [...document.querySelectorAll(selector)].map(box);
      return {
        nav: all('.shell-brand, nav[aria-label="Main"] a'),
        slots: all('[data-slot^="header-"] button, [data-slot^="header-"] [data-testid="account-name"]'),
        width: document.documentElement.scrollWidth,
      };
    });
    const who = customer ? 'customer' : 'guest';
    assert.ok(boxes.nav.length >= 2 && boxes.slots.length >= 2, JSON.stringify(boxes));
    for (const slot of boxes.slots) {
      for (const link of boxes.nav) {
        const overlap = slot.left < link.right && link.left < slot.right && slot.top < link.bottom && link.top < slot.bottom;
        assert.ok(!overlap, `${who}: "${slot.what}" overlaps "${link.what}": ${JSON.stringify([slot, link])}`);
      }
      assert.ok(slot.right <= 360, `${who}: "${slot.what}" runs off the screen: ${JSON.stringify(slot)}`);
    }
    assert.ok(boxes.width <= 360, `${who}: the page is ${boxes.width} px wide`);
    await close();
  }
});
