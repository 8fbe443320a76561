// The audit viewer in the browser (issue 10): an administrator signs in with TOTP and reads the
// log. The chain badge says verified; the support-session preset shows the acts done while
// impersonating, flagged and naming the administrator and the account; the price-change preset
// pages with "Load more" and a row's details show the price before and after; the CSV export
// downloads the filtered rows. A customer's browser is kept out of the route.
//
// One server over a private database (the administrator's authenticator is enrolled here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEMO, apiCall, enrolAuthenticator, openPage, serveShop, signInByApi as browserSignIn } from './helpers.mjs';
import { stepNow, totp } from './totp.mjs';

const ADMIN = { email: 'auditor@bazaar.test', password: 'auditor-admin-e2e-pass', name: 'Audit Admin' };
/** More price changes than the viewer's page of 50, so the preset needs "Load more". */
const PRICE_CHANGES = 55;

const ctx = serveShop('audit-viewer', { admin: ADMIN });
const api = (path, options) => apiCall(ctx, path, options);

async function login({ email, password }) {
  const answer = await api('/auth/login', { method: 'POST', body: { email, password } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

test('an administrator reads the log: verified chain, flagged support acts, a price diff, paging and CSV', async () => {
  const first = (await login(ADMIN)).session;
  const { secret, activated, recoveryCodes } = await enrolAuthenticator(ctx, first.accessToken);
  // A session with a second factor for the API calls (a recovery code: the TOTP steps are the
  // browser's).
  const challenge = (await login(ADMIN)).mfaRequired.challengeToken;
  const staff = await api('/auth/mfa/verify', { method: 'POST', body: { challengeToken: challenge, code: recoveryCodes[0] } });
  assert.equal(staff.status, 200, JSON.stringify(staff.body));

  // A support session as the demo customer, with one act in it.
  const customer = (await login(DEMO.customer)).session;
  const grant = await api('/admin/impersonate', {
    method: 'POST',
    token: staff.body.accessToken,
    body: { targetUserId: customer.user.id, reason: 'Ticket #4242', durationMinutes: 15 },
  });
  assert.equal(grant.status, 201, JSON.stringify(grant.body));
  assert.equal((await api('/cart', { token: grant.body.accessToken })).status, 200);
  assert.equal((await api('/admin/impersonate/end', { method: 'POST', token: grant.body.accessToken })).status, 204);

  // The demo seller changes a price many times.
  const seller = (await login(DEMO.seller)).session;
  const products = await api('/seller/products?limit=1', { token: seller.accessToken });
  const product = products.body.items[0];
  for (let i = 1; i <= PRICE_CHANGES; i += 1) {
    const changed = await api(`/seller/products/${product.id}`, {
      method: 'PATCH', token: seller.accessToken, body: { price: product.price + i * 100 },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
  }

  const { page, consoleErrors, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/admin/audit`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.locator('[data-slot="main"]').getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Authentication code').fill(totp(secret, Math.max(stepNow(), activated + 1)));
  await page.getByRole('button', { name: 'Verify' }).click();

  const badge = page.getByTestId('chain-badge');
  await page.locator('[data-testid="chain-badge"][data-verified="true"]').waitFor();
  assert.match(await badge.innerText(), /Chain verified: [\d,]+ rows/);
  await page.getByTestId('audit-row').first().waitFor();

  // The support session's acts, flagged with who did them.
  await page.getByLabel('Named query').selectOption('impersonations');
  await page.getByRole('button', { name: 'Show rows' }).click();
  await page.locator('[data-testid="audit-row"][data-action="impersonation:end"]').waitFor();
  const flagged = page.locator('[data-testid="audit-row"]');
  const count = await flagged.count();
  assert.ok(count >= 2, `the cart read and the end: ${count}`);
  for (let i = 0; i < count; i += 1) {
    assert.equal(await flagged.nth(i).getAttribute('data-impersonated'), 'true');
    assert.match(await flagged.nth(i).getByTestId('audit-actor').innerText(), /Support session\s+Audit Admin acting as Demo Customer/);
  }

  // Price changes: a page of 50, then the rest; a row's details show before and after.
  await page.getByLabel('Named query').selectOption('price-changes');
  await page.getByRole('button', { name: 'Show rows' }).click();
  await page.locator('[data-testid="audit-row"][data-action="products:update"]').first().waitFor();
  await page.getByTestId('load-more').waitFor();
  assert.equal(await page.getByTestId('audit-row').count(), 50);
  await page.getByTestId('load-more').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="audit-row"]').length === n, PRICE_CHANGES);
  assert.equal(await page.getByTestId('load-more').count(), 0, 'no more pages');
  await page.getByTestId('audit-details').first().click();
  const price = page.getByTestId('audit-diff').locator('tr[data-field="price"]');
  await price.waitFor();
  const last = product.price + PRICE_CHANGES * 100;
  assert.deepEqual(
    await price.locator('td').allInnerTexts(),
    [String(last - 100), String(last)],
    'the newest change: before and after, in paise',
  );

  // The CSV of the filtered rows.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('audit-export').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'audit.csv');
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  assert.match(csv[0], /^"seq","at","actor_type"/);
  assert.equal(csv.length, 1 + PRICE_CHANGES, 'a header and one line per price change');
  assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy/i.test(e)), []);
  await close();
});

test('a customer cannot open the audit viewer', async () => {
  const { page, close } = await openPage(ctx.browser);
  await browserSignIn(page, ctx.url, DEMO.customer);
  await page.goto(`${ctx.url}/admin/audit`);
  await page.locator('[data-slot="main"] [data-state="forbidden"]').waitFor();
  assert.equal(await page.getByTestId('audit-table').count(), 0);
  assert.equal(await page.getByTestId('chain-badge').count(), 0);
  await close();
});
