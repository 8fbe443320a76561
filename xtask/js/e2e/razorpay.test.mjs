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
 * /checkout with `product` (search words, name) in the cart and the address filled.
 */
async function checkoutWith(words, name) {
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
  return opened;
}

const checkoutFrame = (page) => page.frameLocator('[data-testid="razorpay-checkout"]');

/** Waits for the result page's final status; the order id and that status. */
async function paymentResult(page) {
  await page.waitForURL(/\/checkout\/result\?order=/);
  await page.locator('[data-testid="order-status"]:not([data-status="PAYMENT_PENDING"])').waitFor({ timeout: 20_000 });
  const status = await page.getByTestId('order-status').getAttribute('data-status');
  return { orderId: new URL(page.url()).searchParams.get('order'), status };
}

test('Pay in Razorpay Checkout confirms the order, with its invoice; the captured webhook after it changes nothing', async () => {
  const token = await customerToken();
  const ordersBefore = await orderCount(token);
  const gatewayOrdersBefore = razorpay.orders.size;
  const { page, close, consoleErrors } = await checkoutWith('kurta', 'Cotton kurta');

  await page.getByTestId('pay').click();
  // The stand-in's window over the page, on the Razorpay order the API created.
  await checkoutFrame(page).getByTestId('razorpay-amount').waitFor();
  assert.equal(razorpay.orders.size, gatewayOrdersBefore + 1);
  const gatewayOrder = [...razorpay.orders.values()].at(-1);
  assert.equal(gatewayOrder.currency, 'INR');
  await checkoutFrame(page).getByTestId('razorpay-pay').click();

  const result = await paymentResult(page);
  assert.equal(result.status, 'ORDER_CONFIRMED');
  await page.getByTestId('invoice-link').first().waitFor();
  const order = await apiCall(ctx, `/orders/${result.orderId}`, { token });
  assert.equal(order.body.status, 'ORDER_CONFIRMED');
  assert.equal(order.body.totals.total, gatewayOrder.amount, 'Razorpay was asked for the order total in paise');
  assert.equal(order.body.checkout, undefined, 'a paid order offers no checkout');

  // Razorpay's own webhook for the same payment lands after the return: absorbed.
  const [payment] = [...razorpay.payments.values()].filter((p) => p.order_id === gatewayOrder.id);
  const hook = await razorpay.sendWebhook(`${ctx.url}/api/v1/webhooks/razorpay`, 'payment.captured', payment.id);
  assert.ok(hook.status >= 200 && hook.status < 300, `the webhook answered ${hook.status} ${hook.body}`);

  // The order page: paid once, confirmed, its invoice listed.
  await page.goto(`${ctx.url}/orders/${result.orderId}`);
  await page.getByTestId('invoice-link').first().waitFor();
  assert.equal(await page.getByTestId('order-status').first().getAttribute('data-status'), 'ORDER_CONFIRMED');
  assert.deepEqual(await page.getByTestId('payment').evaluateAll((rows) => rows.map((r) => r.dataset.disposition)), ['APPLIED']);
  assert.equal(await orderCount(token), ordersBefore + 1);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(razorpay.mistakes, []);
  await close();
});

test('closing the Razorpay window keeps the order: Pay opens it again on the same order, and paying confirms it', async () => {
  const token = await customerToken();
  const ordersBefore = await orderCount(token);
  const gatewayOrdersBefore = razorpay.orders.size;
  const { page, close, consoleErrors } = await checkoutWith('speaker', 'Bluetooth speaker');

  await page.getByTestId('pay').click();
  await checkoutFrame(page).getByTestId('razorpay-cancel').click();
  // Back on the checkout page, told what happened, free to pay again; the address is the order's.
  await page.getByTestId('payment-notice').waitFor();
  assert.match(await page.getByTestId('payment-notice').innerText(), /closed the payment window/);
  assert.equal(await page.locator('[data-testid="razorpay-checkout"]').count(), 0, 'the window is gone');
  assert.ok(await page.getByTestId('pay').isEnabled());
  assert.ok(await page.getByTestId('address-line1').isDisabled(), 'the address is locked');
  assert.equal(await orderCount(token), ordersBefore + 1);

  await page.getByTestId('pay').click();
  await checkoutFrame(page).getByTestId('razorpay-pay').click();
  const result = await paymentResult(page);
  assert.equal(result.status, 'ORDER_CONFIRMED');
  await page.getByTestId('invoice-link').first().waitFor();
  // One order, one Razorpay order: the second Pay resumed the first.
  assert.equal(await orderCount(token), ordersBefore + 1);
  assert.equal(razorpay.orders.size, gatewayOrdersBefore + 1);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(razorpay.mistakes, []);
  await close();
});

test('a Razorpay script that does not load says so on the checkout page; Pay tries again on the same order', async () => {
  const token = await customerToken();
  const ordersBefore = await orderCount(token);
  const { page, close, consoleErrors } = await checkoutWith('tiffin', 'Steel tiffin box');
  await page.route(razorpay.checkoutUrl, (route) => route.abort('connectionrefused'));

  await page.getByTestId('pay').click();
  await page.getByTestId('problem').waitFor();
  assert.match(await page.getByTestId('problem').innerText(), /Razorpay Checkout did not load/);
  assert.ok(await page.getByTestId('pay').isEnabled());
  assert.equal(await page.locator('[data-testid="razorpay-checkout"]').count(), 0);

  await page.unroute(razorpay.checkoutUrl);
  await page.getByTestId('pay').click();
  await checkoutFrame(page).getByTestId('razorpay-pay').click();
  const result = await paymentResult(page);
  assert.equal(result.status, 'ORDER_CONFIRMED');
  assert.equal(await orderCount(token), ordersBefore + 1);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(razorpay.mistakes, []);
  await close();
});
