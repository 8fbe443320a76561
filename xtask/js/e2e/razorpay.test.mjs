// Paying through Razorpay Checkout in the browser, against a Razorpay stand-in on 127.0.0.1
// (razorpay-standin.mjs): the API runs with PAYMENT_PROVIDER=razorpay and its RAZORPAY_*
// settings pointing at the stand-in. The checkout widget loads the stand-in's checkout.js,
// opens it on the order's Razorpay order, passes the signed response to
// /orders/{id}/razorpay-return and shows the result; a closed window keeps the order and
// "Pay" opens it again; a script that does not load says so. All under the shell's CSP.
//
// One server over a private database with the demo data, so the stock this file spends touches
// no other test file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, apiCall, openPage, serveShop, signedInAs, signInByApi } from './helpers.mjs';
import { addToCart, address, fillAddress, openProduct } from './shop-fixtures.mjs';
import { startRazorpay } from './razorpay-standin.mjs';

// Test keys of the stand-in only; Razorpay's test keys look like these.
const KEYS = { keyId: 'rzp_test_StandIn0000001', keySecret: 'standin-key-secret', webhookSecret: 'standin-webhook-secret' };

const razorpay = {};
after(async () => {
  await razorpay.stop?.();
});

// The stand-in starts in the server's own hook, which needs its address.
const ctx = serveShop('razorpay', {
  serverEnv: async () => {
    Object.assign(razorpay, await startRazorpay(KEYS));
    return {
      PAYMENT_PROVIDER: 'razorpay',
      RAZORPAY_KEY_ID: KEYS.keyId,
      RAZORPAY_KEY_SECRET: KEYS.keySecret,
      RAZORPAY_WEBHOOK_SECRET: KEYS.webhookSecret,
      RAZORPAY_API_URL: razorpay.url,
      RAZORPAY_CHECKOUT_URL: razorpay.checkoutUrl,
    };
  },
});

/** The customer's access token, for reading orders through the API. */
async function customerToken() {
  const { email, password } = DEMO.customer;
  const answer = await apiCall(ctx, '/auth/login', { method: 'POST', body: { email, password } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.session.accessToken;
}

async function orderCount(token) {
  const page = await apiCall(ctx, '/orders', { token });
  assert.equal(page.status, 200, JSON.stringify(page.body));
  return page.body.items.length;
}

/**
 * A page signed in as the demo customer that reports every CSP violation as a console error, on
 * /checkout with one unit of a product (search `words`, `name`) in the cart and the address
 * filled; with the customer's `token` and the counts `before` it (orders, Razorpay orders).
 */
async function checkoutWith(words, name) {
  const token = await customerToken();
  const before = { orders: await orderCount(token), gatewayOrders: razorpay.orders.size };
  const opened = await openPage(ctx.browser);
  const { page } = opened;
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  await signInByApi(page, ctx.url, DEMO.customer);
  await page.goto(`${ctx.url}/products`);
  await signedInAs(page, DEMO.customer.name);
  await openProduct(page, words, name);
  await addToCart(page, 1, 1);
  await page.goto(`${ctx.url}/checkout`);
  await page.getByTestId('address-form').waitFor();
  await fillAddress(page, address('27', 'Pune'));
  return { ...opened, token, before };
}

const checkoutFrame = (page) => page.frameLocator('[data-testid="razorpay-checkout"]');
const checkoutShown = (page) => page.locator('[data-testid="razorpay-checkout"]').count();

/**
 * Pays in the open Razorpay window and waits for the result page to say the order is
 * confirmed, with its invoice; the order's id.
 */
async function payAndConfirm(page) {
  await checkoutFrame(page).getByTestId('razorpay-pay').click();
  await page.waitForURL(/\/checkout\/result\?order=/);
  await page.locator('[data-testid="order-status"]:not([data-status="PAYMENT_PENDING"])').waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId('order-status').getAttribute('data-status'), 'ORDER_CONFIRMED');
  await page.getByTestId('invoice-link').first().waitFor();
  return new URL(page.url()).searchParams.get('order');
}

/**
 * How every journey here ends: one order more and one Razorpay order more (a retry resumed the
 * first), nothing logged as an error (CSP violations included), nothing the stand-in refused.
 */
async function endsWithOneOrder({ token, before, consoleErrors, close }) {
  assert.equal(await orderCount(token), before.orders + 1);
  assert.equal(razorpay.orders.size, before.gatewayOrders + 1);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(razorpay.mistakes, []);
  await close();
}

test('Pay in Razorpay Checkout confirms the order, with its invoice; the captured webhook after it changes nothing', async () => {
  const journey = await checkoutWith('kurta', 'Cotton kurta');
  const { page, token } = journey;

  await page.getByTestId('pay').click();
  // The stand-in's window over the page, on the Razorpay order the API created.
  await checkoutFrame(page).getByTestId('razorpay-amount').waitFor();
  const gatewayOrder = [...razorpay.orders.values()].at(-1);
  assert.equal(gatewayOrder.currency, 'INR');
  const orderId = await payAndConfirm(page);
  const order = await apiCall(ctx, `/orders/${orderId}`, { token });
  assert.equal(order.body.status, 'ORDER_CONFIRMED');
  assert.equal(order.body.totals.total, gatewayOrder.amount, 'Razorpay was asked for the order total in paise');
  assert.equal(order.body.checkout, undefined, 'a paid order offers no checkout');

  // Razorpay's own webhook for the same payment lands after the return: absorbed.
  const [payment] = [...razorpay.payments.values()].filter((p) => p.order_id === gatewayOrder.id);
  const hook = await razorpay.sendWebhook(`${ctx.url}/api/v1/webhooks/razorpay`, 'payment.captured', payment.id);
  assert.ok(hook.status >= 200 && hook.status < 300, `the webhook answered ${hook.status} ${hook.body}`);

  // The order page: paid once, confirmed, its invoice listed.
  await page.goto(`${ctx.url}/orders/${orderId}`);
  await page.getByTestId('invoice-link').first().waitFor();
  assert.equal(await page.getByTestId('order-status').first().getAttribute('data-status'), 'ORDER_CONFIRMED');
  assert.deepEqual(await page.getByTestId('payment').evaluateAll((rows) => rows.map((r) => r.dataset.disposition)), ['APPLIED']);
  await endsWithOneOrder(journey);
});

test('closing the Razorpay window keeps the order: Pay opens it again on the same order, and paying confirms it', async () => {
  const journey = await checkoutWith('speaker', 'Bluetooth speaker');
  const { page, token, before } = journey;

  await page.getByTestId('pay').click();
  await checkoutFrame(page).getByTestId('razorpay-cancel').click();
  // Back on the checkout page, told what happened, free to pay again; the address is the order's.
  await page.getByTestId('payment-notice').waitFor();
  assert.match(await page.getByTestId('payment-notice').innerText(), /closed the payment window/);
  assert.equal(await checkoutShown(page), 0, 'the window is gone');
  assert.ok(await page.getByTestId('pay').isEnabled());
  assert.ok(await page.getByTestId('address-line1').isDisabled(), 'the address is locked');
  assert.equal(await orderCount(token), before.orders + 1);

  await page.getByTestId('pay').click();
  await payAndConfirm(page);
  await endsWithOneOrder(journey);
});

test('an order whose payment failed while the window was closed is not offered again: Pay shows it failed', async () => {
  const journey = await checkoutWith('tea', 'Darjeeling tea 250 g');
  const { page } = journey;
  await page.getByTestId('pay').click();
  await checkoutFrame(page).getByTestId('razorpay-cancel').click();
  await page.getByTestId('payment-notice').waitFor();
  // Meanwhile Razorpay reports a failed attempt on the order (say, from another tab).
  const gatewayOrder = [...razorpay.orders.values()].at(-1);
  const failed = razorpay.failPayment(gatewayOrder.id);
  const hook = await razorpay.sendWebhook(`${ctx.url}/api/v1/webhooks/razorpay`, 'payment.failed', failed);
  assert.ok(hook.status >= 200 && hook.status < 300, `the webhook answered ${hook.status} ${hook.body}`);

  await page.getByTestId('pay').click();
  await page.waitForURL(/\/checkout\/result\?order=/);
  await page.locator('[data-testid="order-status"][data-status="PAYMENT_FAILED"]').waitFor({ timeout: 20_000 });
  assert.equal(await checkoutShown(page), 0, 'Checkout did not open on the failed order');
  await endsWithOneOrder(journey);
});

test('a Razorpay script that does not load says so on the checkout page; Pay tries again on the same order', async () => {
  const journey = await checkoutWith('tiffin', 'Steel tiffin box');
  const { page } = journey;
  await page.route(razorpay.checkoutUrl, (route) => route.abort('connectionrefused'));

  await page.getByTestId('pay').click();
  await page.getByTestId('problem').waitFor();
  assert.match(await page.getByTestId('problem').innerText(), /Razorpay Checkout did not load/);
  assert.ok(await page.getByTestId('pay').isEnabled());
  assert.equal(await checkoutShown(page), 0);

  await page.unroute(razorpay.checkoutUrl);
  await page.getByTestId('pay').click();
  await payAndConfirm(page);
  await endsWithOneOrder(journey);
});
