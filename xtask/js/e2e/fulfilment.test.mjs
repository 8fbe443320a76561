// Fulfilment (issue 10): the demo customer buys (through the API, paid on the mock gateway);
// the demo seller packs and ships it with a tracking number on the seller's orders page; the
// customer's order page shows the timeline with the shipment. A second order is cancelled by
// the customer before shipping, and its page shows the refund and the credit note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, apiCall, openPage, orderByApi, serveShop, signedInAs, signInByApi } from './helpers.mjs';

const ctx = serveShop('fulfilment');

const api = (path, options) => apiCall(ctx, path, options);

async function token(account) {
  const answer = await api('/auth/login', { method: 'POST', body: { email: account.email, password: account.password } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.session.accessToken;
}

/** A paid order of the demo customer (one unit of the first product). */
async function paidOrder(prefix) {
  const { order } = await orderByApi(ctx, await token(DEMO.customer), prefix);
  const approved = await fetch(`${ctx.url}${order.paymentUrl}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=approve',
    redirect: 'manual',
  });
  assert.equal(approved.status, 303);
  return order;
}

test('the seller packs and ships an order, and the customer sees it in the timeline', async () => {
  const order = await paidOrder('e2e-fulfil');

  const seller = await openPage(ctx.browser);
  await signInByApi(seller.page, ctx.url, DEMO.seller);
  await seller.page.goto(`${ctx.url}/seller/orders`);
  await signedInAs(seller.page, DEMO.seller.name);
  const card = seller.page.locator(`[data-testid="seller-order"][data-order-id="${order.id}"]`);
  await card.waitFor();
  assert.equal(await card.getByTestId('order-status').getAttribute('data-status'), 'ORDER_CONFIRMED');
  await card.getByTestId('pack').click();
  await card.locator('[data-testid="order-status"][data-status="PACKED"]').waitFor();
  await card.getByTestId('ship').click();
  // A tracking number that is not one: the field error, and nothing shipped.
  await card.getByLabel('Carrier').fill('Delhivery');
  await card.getByLabel('Tracking number').fill('no spaces');
  await card.getByTestId('ship-submit').click();
  await card.getByTestId('error-trackingNumber').waitFor();
  await card.getByLabel('Tracking number').fill('AWB-77001');
  await card.getByTestId('ship-submit').click();
  await card.locator('[data-testid="order-status"][data-status="SHIPPED"]').waitFor();
  assert.match(await card.getByTestId('shipment').innerText(), /Delhivery, tracking number AWB-77001/);
  assert.deepEqual(seller.consoleErrors, []);
  await seller.close();

  const customer = await openPage(ctx.browser);
  await signInByApi(customer.page, ctx.url, DEMO.customer);
  await customer.page.goto(`${ctx.url}/orders/${order.id}`);
  await signedInAs(customer.page, DEMO.customer.name);
  const timeline = customer.page.getByTestId('order-history');
  await timeline.waitFor();
  const steps = await timeline.getByTestId('timeline-step').evaluateAll((items) => items.map((li) => li.dataset.status));
  assert.deepEqual(steps, ['INITIATED', 'PAYMENT_PENDING', 'SUCCESS', 'ORDER_CONFIRMED', 'PACKED', 'SHIPPED']);
  assert.match(await timeline.locator('[data-status="SHIPPED"]').innerText(), /Delhivery, tracking number AWB-77001/);
  assert.equal(await customer.page.getByTestId('order-status').first().getAttribute('data-status'), 'SHIPPED');
  // Shipped: no longer cancellable.
  assert.equal(await customer.page.getByTestId('cancel-order').count(), 0);
  assert.deepEqual(customer.consoleErrors, []);
  await customer.close();
});

test('the customer cancels an order before shipping and sees the refund and the credit note', async () => {
  const order = await paidOrder('e2e-cancel');

  const { page, consoleErrors, close } = await openPage(ctx.browser);
  await signInByApi(page, ctx.url, DEMO.customer);
  await page.goto(`${ctx.url}/orders/${order.id}`);
  await signedInAs(page, DEMO.customer.name);
  await page.getByTestId('cancel-order').click();
  await page.getByLabel(/Why are you cancelling/).fill('ordered by mistake');
  await page.getByTestId('confirm-cancel').click();
  await page.locator('[data-testid="order-status"][data-status="CANCELLED"]').first().waitFor();
  const timeline = page.getByTestId('order-history');
  assert.match(await timeline.locator('[data-status="CANCELLED"]').innerText(), /ordered by mistake/);
  assert.match(await timeline.locator('[data-status="REFUNDED"]').innerText(), /Refunded ₹/);
  assert.equal(await page.getByTestId('order-money').getByTestId('refund').getAttribute('data-state'), 'DONE');
  const note = page.getByTestId('credit-note');
  await note.waitFor();
  assert.match(await note.innerText(), /^CN-\d{4}-\d{6} · /);
  assert.equal(await page.getByTestId('cancel-order').count(), 0);

  // The seller sees the cancellation with its reason.
  const seen = await api(`/orders/${order.id}`, { token: await token(DEMO.seller) });
  assert.equal(seen.body.status, 'CANCELLED');
  assert.equal(seen.body.cancellation.reason, 'ordered by mistake');
  assert.deepEqual(consoleErrors, []);
  await close();
});
