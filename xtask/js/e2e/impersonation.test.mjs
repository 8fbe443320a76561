// Support sessions in the browser (seed 000 section 6): an administrator signs in with TOTP,
// starts a support session as the demo customer with a reason, sees the banner on every page
// and the customer's data masked, fills the cart as the customer, and ends the session, after
// which the audit API lists those actions flagged and the customer's access history shows it.
//
// One server over a private database (the administrator's authenticator is enrolled here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, apiCall, enrolAuthenticator, openPage, orderByApi, serveShop, signedInAs,
} from './helpers.mjs';
import { addToCart, openProduct } from './shop-fixtures.mjs';
import { stepNow, totp } from './totp.mjs';

const ADMIN = { email: 'support@bazaar.test', password: 'support-admin-e2e-pass', name: 'Support Admin' };
const REASON = 'Support ticket #12345';

const ctx = serveShop('impersonation', { admin: ADMIN });

const api = (path, options) => apiCall(ctx, path, options);

async function signInByApi({ email, password }) {
  const login = await api('/auth/login', { method: 'POST', body: { email, password } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return login.body.session;
}

test('an administrator with TOTP acts as the demo customer: banner, masked data, a cart action, and End', async () => {
  // The administrator's authenticator, enrolled through the API.
  const first = await signInByApi(ADMIN);
  const { secret, activated, recoveryCodes } = await enrolAuthenticator(ctx, first.accessToken);

  // The demo customer has an order with a delivery address, so there is personal data to mask.
  const customer = await signInByApi(DEMO.customer);
  const { product } = await orderByApi(ctx, customer.accessToken, 'e2e-impersonation');

  const { page, consoleErrors, close } = await openPage(ctx.browser);
  // Signing in with the password and a TOTP code.
  await page.goto(`${ctx.url}/admin`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.locator('[data-slot="main"]').getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Authentication code').fill(totp(secret, Math.max(stepNow(), activated + 1)));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('impersonate-form').waitFor();
  assert.equal(await page.getByTestId('impersonation-banner').count(), 0);

  // Starting the support session.
  await page.getByLabel('User id').fill(customer.user.id);
  await page.getByLabel('Reason').fill(REASON);
  await page.getByLabel('Minutes').fill('30');
  await page.getByRole('button', { name: 'Start support session' }).click();
  const banner = page.getByTestId('impersonation-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /IMPERSONATION MODE \[Admin: Support Admin\] \[Expires: \d\d:\d\d\]/);
  await signedInAs(page, DEMO.customer.name);

  // A customer action: the cart.
  await openProduct(page, product.name.split(' ')[0], product.name);
  await addToCart(page, 1, 1);
  assert.ok(await banner.isVisible(), 'the banner stays on the product page');
  const filled = await api('/cart', { token: customer.accessToken });
  assert.equal(filled.body.lines.length, 1, 'the line is in the customer\'s own cart');

  // Masked personal data, on another page, banner still there.
  await page.locator('.shell-nav').getByRole('link', { name: 'Orders' }).click();
  await page.getByTestId('order-list').waitFor();
  await page.getByTestId('order-list').getByRole('link').first().click();
  const shown = page.getByTestId('order');
  await shown.waitFor();
  const text = await shown.innerText();
  assert.match(text, /\+91-9\*\*\*-\*\*\*\*10/);
  assert.match(text, /\[MASKED\]/);
  assert.ok(!text.includes('411001') && !text.includes('9876543210'), text);
  assert.ok(await banner.isVisible(), 'the banner stays on the order page');

  // Ending it: the banner goes, the administrator's own session comes back.
  await page.getByTestId('end-impersonation').click();
  await signedInAs(page, ADMIN.name);
  assert.equal(await page.getByTestId('impersonation-banner').count(), 0);
  assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy/i.test(e)), []);
  await close();

  // The customer's access history shows the session, ended.
  const fresh = await signInByApi(DEMO.customer);
  const history = await api('/users/me/access-history', { token: fresh.accessToken });
  assert.equal(history.status, 200);
  assert.equal(history.body.items.length, 1);
  const [session] = history.body.items;
  assert.equal(session.adminName, ADMIN.name);
  assert.equal(session.reason, REASON);
  assert.equal(session.active, false);
  assert.ok(session.endedAt, 'ended by the End button');

  // The audit viewer's API (an administrator's session with a second factor: a recovery code,
  // so no TOTP step is used twice) lists the support session's actions, flagged with the
  // administrator who acted.
  const login = await api('/auth/login', { method: 'POST', body: { email: ADMIN.email, password: ADMIN.password } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const verified = await api('/auth/mfa/verify', {
    method: 'POST',
    body: { challengeToken: login.body.mfaRequired.challengeToken, code: recoveryCodes[0] },
  });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  const audited = await api('/audit?preset=impersonations', { token: verified.body.accessToken });
  assert.equal(audited.status, 200, JSON.stringify(audited.body));
  const actions = audited.body.items.map((row) => row.action);
  assert.ok(actions.includes('carts:set_item'), `the cart action is flagged: ${actions}`);
  assert.ok(actions.includes('impersonation:end'), `the End is flagged: ${actions}`);
  for (const row of audited.body.items) {
    assert.equal(row.impersonationFlag, true);
    assert.equal(row.actorId, customer.user.id);
    assert.equal(row.impersonatedBy, first.user.id);
  }
});
