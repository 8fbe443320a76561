// A stand-in for Razorpay on 127.0.0.1, for the browser tests (test code: no network). It speaks
// what the shop uses of Razorpay's documented surface:
// - the Orders API, `POST /v1/orders` with basic auth (key id : key secret), answering an order
//   entity (`{"id":"order_...","entity":"order","amount",...,"status":"created"}`), and
//   `GET /v1/orders/{id}`;
// - refunds, `POST /v1/payments/{id}/refund` (once per `X-Refund-Idempotency` key);
// - Checkout: `/v1/checkout.js` defines `window.Razorpay`; `open()` lays an iframe of this
//   server over the page (as Razorpay's own script does, so the shop's CSP must admit the
//   origin in `frame-src`), whose "Pay" (data-testid `razorpay-pay`) captures a payment and
//   hands `handler` the signed response (`razorpay_signature` = hex HMAC-SHA256 of
//   `order_id|payment_id` under the key secret), and whose "Cancel" (`razorpay-cancel`) calls
//   `modal.ondismiss`;
// - webhooks: `sendWebhook` posts an event as Razorpay documents it (`{"entity":"event",
//   "event":"payment.captured","payload":{"payment":{"entity":{...}}}}`), signed in
//   `X-Razorpay-Signature` with the webhook secret over the raw body.
// Anything the shop sends that Razorpay would refuse is answered as Razorpay does and kept in
// `mistakes`, which a test asserts empty.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

/** Razorpay's ids: a prefix and 14 characters. */
const newId = (prefix) => `${prefix}_${randomBytes(10).toString('base64url').replace(/[-_]/g, 'x').slice(0, 14)}`;
const hmac = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');
const now = () => Math.floor(Date.now() / 1000);

/**
 * Starts the stand-in with the given test keys; resolves once it listens. `url` is its base
 * (the API's RAZORPAY_API_URL), `checkoutUrl` its checkout.js (RAZORPAY_CHECKOUT_URL).
 */
export async function startRazorpay({ keyId, keySecret, webhookSecret }) {
  const orders = new Map();
  const payments = new Map();
  const refunds = new Map();
  const mistakes = [];
  const requests = [];
  let base = '';

  const refuse = (response, status, description) => {
    mistakes.push(description);
    json(response, status, { error: { code: 'BAD_REQUEST_ERROR', description, source: 'business', reason: 'input_validation_failed' } });
  };
  const authorised = (request) => {
    const expected = `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString('base64')}`;
    return request.headers.authorization === expected;
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url, base);
    const body = await readBody(request);
    requests.push(`${request.method} ${url.pathname}`);
    const apiCall = url.pathname.startsWith('/v1/orders') || url.pathname.startsWith('/v1/payments');
    if (apiCall && !authorised(request)) {
      mistakes.push(`${request.method} ${url.pathname} without the key's basic auth`);
      return json(response, 401, { error: { code: 'BAD_REQUEST_ERROR', description: 'The api key provided is invalid' } });
    }
    if (request.method === 'POST' && url.pathname === '/v1/orders') {
      const input = parseJson(body);
      if (!input || !Number.isInteger(input.amount) || input.amount < 100 || input.currency !== 'INR') {
        return refuse(response, 400, `an order Razorpay refuses: ${body}`);
      }
      const order = {
        id: newId('order'), entity: 'order', amount: input.amount, amount_paid: 0, amount_due: input.amount,
        currency: input.currency, receipt: input.receipt ?? null, offer_id: null, status: 'created', attempts: 0,
        notes: input.notes ?? [], created_at: now(),
      };
      orders.set(order.id, order);
      return json(response, 200, order);
    }
    let found = url.pathname.match(/^\/v1\/orders\/([^/]+)$/);
    if (request.method === 'GET' && found) {
      const order = orders.get(found[1]);
      return order ? json(response, 200, order) : refuse(response, 400, `no order ${found[1]}`);
    }
    found = url.pathname.match(/^\/v1\/payments\/([^/]+)\/refund$/);
    if (request.method === 'POST' && found) {
      // A repeated `X-Refund-Idempotency` key answers the refund it made, as Razorpay does.
      const key = request.headers['x-refund-idempotency'];
      if (key && refunds.has(key)) return json(response, 200, refunds.get(key));
      const payment = payments.get(found[1]);
      const input = parseJson(body) ?? {};
      const amount = input.amount ?? (payment && payment.amount - payment.amount_refunded);
      if (!payment || payment.status !== 'captured' || !Number.isInteger(amount) || amount > payment.amount - payment.amount_refunded) {
        return refuse(response, 400, `a refund Razorpay refuses: ${found[1]} ${body}`);
      }
      payment.amount_refunded += amount;
      const refund = {
        id: newId('rfnd'), entity: 'refund', amount, currency: payment.currency, payment_id: payment.id,
        notes: input.notes ?? [], receipt: input.receipt ?? null, status: 'processed', speed_processed: 'normal',
        speed_requested: 'normal', created_at: now(),
      };
      if (key) refunds.set(key, refund);
      return json(response, 200, refund);
    }
    found = url.pathname.match(/^\/v1\/payments\/([^/]+)$/);
    if (request.method === 'GET' && found) {
      const payment = payments.get(found[1]);
      return payment ? json(response, 200, payment) : refuse(response, 400, `no payment ${found[1]}`);
    }
    if (request.method === 'GET' && url.pathname === '/v1/checkout.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      return response.end(CHECKOUT_JS);
    }
    if (request.method === 'GET' && url.pathname === '/v1/checkout/frame') {
      const options = Object.fromEntries(url.searchParams);
      const order = orders.get(options.order_id);
      let problem = '';
      if (options.key !== keyId) problem = `Checkout opened with key ${options.key}, not ${keyId}`;
      else if (!order) problem = `Checkout opened on an unknown order ${options.order_id}`;
      else if (String(order.amount) !== options.amount || order.currency !== options.currency) {
        problem = `Checkout opened for ${options.amount} ${options.currency}; the order is ${order.amount} ${order.currency}`;
      }
      // The shop asks for one attempt per window (docs/API.md): Checkout's own retries would pay
      // an order a failed attempt already cancelled.
      if (!problem && options.retry !== 'false') mistakes.push('Checkout opened with its retries on');
      if (problem) mistakes.push(problem);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return response.end(framePage(options, order, problem));
    }
    if (request.method === 'POST' && url.pathname === '/v1/checkout/pay') {
      const input = parseJson(body) ?? {};
      const order = orders.get(input.order_id);
      if (!order || input.key !== keyId) return refuse(response, 400, `a payment on ${input.order_id} with key ${input.key}`);
      const payment = {
        id: newId('pay'), entity: 'payment', amount: order.amount, currency: order.currency, status: 'captured',
        order_id: order.id, invoice_id: null, international: false, method: 'upi', amount_refunded: 0,
        refund_status: null, captured: true, description: null, card_id: null, bank: null, wallet: null,
        vpa: 'success@razorpay', email: 'void@razorpay.com', contact: '+919900000000', notes: [], fee: 0, tax: 0,
        error_code: null, error_description: null, acquirer_data: { rrn: '000000000000' }, created_at: now(),
      };
      payments.set(payment.id, payment);
      order.status = 'paid';
      order.amount_paid = order.amount;
      order.amount_due = 0;
      order.attempts += 1;
      return json(response, 200, {
        razorpay_payment_id: payment.id,
        razorpay_order_id: order.id,
        razorpay_signature: hmac(keySecret, `${order.id}|${payment.id}`),
      });
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;

  return {
    url: base,
    checkoutUrl: `${base}/v1/checkout.js`,
    orders,
    payments,
    mistakes,
    requests,
    /**
     * A payment of the Razorpay order `orderId` that failed (a card declined in Checkout, with
     * its retries off): its id, for a `payment.failed` webhook.
     */
    failPayment(orderId) {
      const order = orders.get(orderId);
      if (!order) throw new Error(`no order ${orderId}`);
      const payment = {
        id: newId('pay'), entity: 'payment', amount: order.amount, currency: order.currency, status: 'failed',
        order_id: order.id, method: 'card', amount_refunded: 0, captured: false, notes: [],
        error_code: 'BAD_REQUEST_ERROR', error_description: 'Your payment has been declined by your bank.',
        error_source: 'bank', error_step: 'payment_authorization', error_reason: 'payment_declined', created_at: now(),
      };
      payments.set(payment.id, payment);
      order.attempts += 1;
      return payment.id;
    },
    /**
     * Posts the event `event` (`payment.captured`, `payment.failed`) of payment `paymentId` to
     * the shop's webhook at `webhookUrl`, as Razorpay signs it; the status and body of the answer.
     */
    async sendWebhook(webhookUrl, event, paymentId) {
      const payment = payments.get(paymentId);
      if (!payment) throw new Error(`no payment ${paymentId}`);
      const raw = JSON.stringify({
        entity: 'event', account_id: 'acc_StandIn000001', event, contains: ['payment'],
        payload: { payment: { entity: payment } }, created_at: now(),
      });
      const answer = await fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-razorpay-signature': hmac(webhookSecret, raw),
          'x-razorpay-event-id': newId('evt'),
        },
        body: raw,
      });
      return { status: answer.status, body: await answer.text() };
    },
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => { text += chunk; });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function json(response, status, value) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

/** `value` as JSON that is safe inside a `<script>` element. */
const scriptJson = (value) => JSON.stringify(value).replace(/</g, '\\u003c');
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page inside Checkout's iframe: the order, Pay and Cancel. It answers the page that opened
 * it with `postMessage`, to that page's origin only.
 */
function framePage(options, order, problem) {
  const rupees = order ? `₹${(order.amount / 100).toFixed(2)}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Razorpay Checkout (stand-in)</title>
<style>body{font-family:sans-serif;margin:0;display:grid;place-items:center;height:100vh;background:rgba(0,0,0,.5)}
div{background:#fff;padding:2em;border-radius:8px}</style></head>
<body><div role="dialog" aria-label="Razorpay Checkout">
<h2>${escapeHtml(options.name ?? '')}</h2>
${problem ? `<p data-testid="razorpay-error">${escapeHtml(problem)}</p>`
    : `<p data-testid="razorpay-amount">Pay ${escapeHtml(rupees)} for ${escapeHtml(order.id)}</p>
<button data-testid="razorpay-pay">Pay</button>`}
<button data-testid="razorpay-cancel">Cancel</button>
</div>
<script>
const options = ${scriptJson(options)};
const answer = (message) => parent.postMessage(message, options.origin);
const pay = document.querySelector('[data-testid="razorpay-pay"]');
if (pay) pay.addEventListener('click', async () => {
  pay.disabled = true;
  const result = await fetch('/v1/checkout/pay', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ order_id: options.order_id, key: options.key }),
  });
  answer({ type: 'paid', response: await result.json() });
});
document.querySelector('[data-testid="razorpay-cancel"]').addEventListener('click', () => answer({ type: 'dismissed' }));
</script></body></html>`;
}

/**
 * `window.Razorpay` as the shop's page uses it: `new Razorpay(options).open()`. The overlay is
 * styled through the CSSOM, which the shop's CSP (no 'unsafe-inline' styles) allows.
 */
const CHECKOUT_JS = `(() => {
  const origin = new URL(document.currentScript.src).origin;
  class Razorpay {
    constructor(options) {
      if (!options || typeof options.key !== 'string' || typeof options.order_id !== 'string') {
        throw new Error('Razorpay: options.key and options.order_id are required');
      }
      if (typeof options.handler !== 'function') throw new Error('Razorpay: options.handler must be a function');
      this.options = options;
    }
    open() {
      const o = this.options;
      const query = new URLSearchParams({
        key: o.key, order_id: o.order_id, amount: String(o.amount), currency: String(o.currency),
        name: String(o.name ?? ''), retry: String(o.retry?.enabled ?? true), origin: location.origin,
      });
      const frame = document.createElement('iframe');
      frame.dataset.testid = 'razorpay-checkout';
      frame.title = 'Razorpay Checkout';
      Object.assign(frame.style, { position: 'fixed', inset: '0', width: '100%', height: '100%', border: '0', zIndex: '2147483647' });
      frame.src = origin + '/v1/checkout/frame?' + query;
      const listen = (event) => {
        if (event.source !== frame.contentWindow || event.origin !== origin) return;
        window.removeEventListener('message', listen);
        frame.remove();
        if (event.data && event.data.type === 'paid') o.handler(event.data.response);
        else if (o.modal && typeof o.modal.ondismiss === 'function') o.modal.ondismiss();
      };
      window.addEventListener('message', listen);
      document.body.appendChild(frame);
    }
  }
  window.Razorpay = Razorpay;
})();
`;
