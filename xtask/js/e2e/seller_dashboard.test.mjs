// The seller's back office (issue 10): the demo seller, after a sale paid on the mock gateway,
// sees the sales chart with a bar and the month's GST summary with a row, the order waiting to
// be sent; then edits the shop's display name on the profile page and sees it saved.
//
// One server over a private database seeded with the demo shop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, apiCall, openPage, orderByApi, serveShop, signedInAs, signInByApi } from './helpers.mjs';

const ctx = serveShop('seller-dashboard');

const api = (path, options) => apiCall(ctx, path, options);

async function login(account) {
  const answer = await api('/auth/login', { method: 'POST', body: { email: account.email, password: account.password } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.session;
}

/** The demo customer buys one unit of the first product and pays on the mock gateway. */
async function sale() {
  const customer = await login(DEMO.customer);
  const { order } = await orderByApi(ctx, customer.accessToken, 'e2e-seller-dashboard');
  const approved = await fetch(`${ctx.url}${order.paymentUrl}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=approve',
    redirect: 'manual',
  });
  assert.equal(approved.status, 303);
  return order;
}

test('a seller with a sale sees the chart and the GST summary, and renames the shop', async () => {
  const order = await sale();
  const { page, consoleErrors, close } = await openPage(ctx.browser);
  try {
    await signInByApi(page, ctx.url, DEMO.seller);
    await page.goto(`${ctx.url}/seller`);
    await signedInAs(page, DEMO.seller.name);

    const chart = page.getByTestId('sales-chart');
    await chart.waitFor();
    assert.equal(await chart.getByTestId('chart-empty').count(), 0, 'the sales chart has a bar');
    assert.ok(await chart.locator('svg').count() >= 1);
    assert.ok(await page.getByTestId('orders-chart').locator('svg').count() >= 1);

    const row = page.getByTestId('to-fulfil-row').first();
    await row.waitFor();
    assert.equal(
      await row.locator('a').getAttribute('href'),
      `/seller/orders/${order.id}`,
    );

    const gst = page.getByTestId('gst-table');
    await gst.waitFor();
    assert.ok(await page.getByTestId('gst-row').count() >= 1);
    assert.match(await page.getByTestId('gst-total').innerText(), /₹/);
    assert.ok(await page.getByLabel('Month').inputValue());

    // The profile: edit the display name.
    await page.goto(`${ctx.url}/seller/shop`);
    await page.getByTestId('shop-profile').waitFor();
    await page.getByTestId('edit-shop').click();
    const name = page.getByLabel('Display name');
    await name.fill('Demo Weaves');
    await page.getByTestId('save-shop').click();
    await page.getByTestId('saved').waitFor();
    assert.equal(await page.getByTestId('shop-display-name').innerText(), 'Demo Weaves');

    // An empty name is a field error, and nothing is saved.
    await page.getByTestId('edit-shop').click();
    await page.getByLabel('Display name').fill('   ');
    await page.getByTestId('save-shop').click();
    await page.getByTestId('error-displayName').waitFor();
    const seller = await login(DEMO.seller);
    const mine = await api('/seller/shop', { token: seller.accessToken });
    assert.equal(mine.body.shop.displayName, 'Demo Weaves');

    assert.deepEqual(consoleErrors.filter((text) => !/status of 422/.test(text)), []);
  } finally {
    await close();
  }
});
