// A refund as the customer sees it: an administrator (password and TOTP, through the API)
// refunds part of the demo customer's paid order; the customer's order page then lists the
// payment and the refund, and the seller's credit note, whose PDF downloads.
//
// One server over a private database (the administrator's authenticator is enrolled here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DEMO, apiCall, enrolAuthenticator, openPage, orderByApi, serveShop, signedInAs, signInByApi, pdfText,
} from './helpers.mjs';
import { stepNow, totp } from './totp.mjs';

const ADMIN = { email: 'refunds@bazaar.test', password: 'refunds-admin-e2e-pass', name: 'Refunds Admin' };

const ctx = serveShop('refunds', { admin: ADMIN });

const api = (path, options) => apiCall(ctx, path, options);

async function login(account) {
  const answer = await api('/auth/login', { method: 'POST', body: { email: account.email, password: account.password } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

/** The administrator's access token with a second factor just passed (refunds want it fresh). */
async function adminWithFreshSecondFactor() {
  const first = (await login(ADMIN)).session;
  const { secret, activated } = await enrolAuthenticator(ctx, first.accessToken);
  const challenge = (await login(ADMIN)).mfaRequired;
  // A code counts once: the next step's, which the server takes within its window.
  const verified = await api('/auth/mfa/verify', {
    method: 'POST',
    body: { challengeToken: challenge.challengeToken, code: totp(secret, Math.max(stepNow(), activated + 1)) },
  });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  return verified.body.accessToken;
}

/** The demo customer's order of one unit of the first product, paid on the mock gateway. */
async function paidOrder() {
  const customer = (await login(DEMO.customer)).session;
  const { order } = await orderByApi(ctx, customer.accessToken, 'e2e-refunds');
  // The shopper's Approve on the gateway's page; the gateway calls the shop's webhook before
  // it sends the shopper back.
  const approved = await fetch(`${ctx.url}${order.paymentUrl}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'decision=approve',
    redirect: 'manual',
  });
  assert.equal(approved.status, 303);
  const paid = await api(`/orders/${order.id}`, { token: customer.accessToken });
  assert.equal(paid.body.status, 'ORDER_CONFIRMED');
  return paid.body;
}

test('a customer sees an administrator\'s partial refund, and downloads its credit note', async () => {
  const admin = await adminWithFreshSecondFactor();
  const order = await paidOrder();
  const half = Math.floor(order.totals.total / 2);
  const refunded = await api(`/orders/${order.id}/refunds`, {
    method: 'POST',
    token: admin,
    headers: { 'idempotency-key': `e2e-refund-${order.id}` },
    body: { amount: half, reason: 'one item arrived damaged' },
  });
  assert.equal(refunded.status, 200, JSON.stringify(refunded.body));

  const { page, consoleErrors, close } = await openPage(ctx.browser);
  await signInByApi(page, ctx.url, DEMO.customer);
  await page.goto(`${ctx.url}/orders/${order.id}`);
  await signedInAs(page, DEMO.customer.name);
  const money = page.getByTestId('order-money');
  await money.waitFor();
  assert.equal(await money.getByTestId('payment').getAttribute('data-disposition'), 'APPLIED');
  assert.equal(await money.getByTestId('refund').getAttribute('data-state'), 'DONE');
  assert.match(await page.getByTestId('refunded').innerText(), /^Refunded ₹/);

  const note = page.getByTestId('credit-note');
  await note.waitFor();
  const number = (await note.innerText()).split(' · ')[0];
  assert.match(number, /^CN-\d{4}-\d{6}$/);
  const [download] = await Promise.all([page.waitForEvent('download'), note.getByTestId('credit-note-pdf').click()]);
  assert.equal(download.suggestedFilename(), `${number}.pdf`);
  const file = await download.path();
  assert.ok(readFileSync(file).toString('latin1').startsWith('%PDF-'), 'a PDF file');
  assert.ok(pdfText(file).includes(number), 'the PDF carries the credit note\'s number');
  assert.deepEqual(consoleErrors, []);
  await close();
});
