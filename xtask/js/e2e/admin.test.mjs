// The administrator's back office in the browser (issue 10's admin journey): signed in with
// TOTP, the administrator approves a pending seller application (the applicant becomes a
// seller), disables a customer (whose sign-in is then refused), acts as another customer in a
// support session (a cart action) and ends it; the audit viewer then shows those acts, the
// support session's flagged, and its chain badge says verified. The back office is several
// widgets (admin, admin-accounts, audit-viewer, ...): the journey crosses them.
//
// One server over a private database (the administrator's authenticator is enrolled here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, enrolAuthenticator, openPage, serveShop, signedInAs } from './helpers.mjs';
import { addToCart, openProduct } from './shop-fixtures.mjs';
import { stepNow, totp } from './totp.mjs';

const ADMIN = { email: 'backoffice@bazaar.test', password: 'backoffice-admin-e2e-pass', name: 'Back Office' };
const PASSWORD = 'a-long-e2e-password';

const ctx = serveShop('admin', { admin: ADMIN });
const api = (path, options) => apiCall(ctx, path, options);

async function register(email, displayName) {
  const answer = await api('/auth/register', { method: 'POST', body: { email, password: PASSWORD, displayName } });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
}

test('an administrator approves an application, disables a customer, acts as another, and the audit log shows it all', async () => {
  const first = (await api('/auth/login', { method: 'POST', body: ADMIN })).body.session;
  const { secret, activated } = await enrolAuthenticator(ctx, first.accessToken);

  // A customer applies to sell, in Karnataka; another customer is to be disabled.
  const applicant = await register('kavya@example.com', 'Kavya Rao');
  const applied = await api('/shops', {
    method: 'POST',
    token: applicant.accessToken,
    body: {
      legalName: 'Kavya Handlooms LLP',
      displayName: 'Kavya Handlooms',
      gstin: '29AAGCB7383J1Z4',
      address: { line1: '4 MG Road', city: 'Bengaluru', stateCode: '29', pincode: '560001' },
    },
  });
  assert.equal(applied.status, 201, JSON.stringify(applied.body));
  await register('rohan@example.com', 'Rohan Mehta');
  // A third customer, whom support acts as.
  const meera = await register('meera@example.com', 'Meera Iyer');

  const { page, consoleErrors, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/admin/sellers`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.locator('[data-slot="main"]').getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Authentication code').fill(totp(secret, Math.max(stepNow(), activated + 1)));
  await page.getByRole('button', { name: 'Verify' }).click();

  // The review queue, with the GSTIN check, and the approval.
  const application = page.getByTestId('application').filter({ hasText: 'Kavya Handlooms LLP' });
  await application.waitFor();
  assert.match(await application.getByTestId('gstin-check').innerText(), /valid; state Karnataka \(matches the address\)/);
  await application.getByTestId('approve').click();
  await page.getByText('No application waits for review.').waitFor();
  const again = await api('/auth/login', { method: 'POST', body: { email: 'kavya@example.com', password: PASSWORD } });
  assert.equal(again.status, 200);
  assert.equal(again.body.session.user.role, 'SELLER', 'the applicant became a seller');

  // Disabling a customer: found by email, disabled, refused at sign-in.
  await page.goto(`${ctx.url}/admin/users`);
  await page.getByLabel('Email or name').fill('rohan@example.com');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByTestId('open-account').filter({ hasText: 'Rohan Mehta' }).click();
  const account = page.getByTestId('account-detail');
  await account.waitFor();
  assert.equal(await account.getByTestId('account-status').innerText(), 'active');
  await account.getByTestId('disable').click();
  await page.locator('[data-testid="account-status"]', { hasText: 'disabled' }).waitFor();
  const refused = await api('/auth/login', { method: 'POST', body: { email: 'rohan@example.com', password: PASSWORD } });
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  assert.equal(refused.body.code, 'account_disabled');

  // A support session as Meera: a cart action as her, then End.
  await page.locator('[data-slot="main"]').getByRole('link', { name: 'Support' }).click();
  await page.getByLabel('User id').fill(meera.user.id);
  await page.getByLabel('Reason').fill('Ticket #4711: cart help');
  await page.getByLabel('Minutes').fill('15');
  await page.getByRole('button', { name: 'Start support session' }).click();
  await page.getByTestId('impersonation-banner').waitFor();
  await signedInAs(page, 'Meera Iyer');
  await openProduct(page, 'kurta', 'Cotton kurta');
  await addToCart(page, 1, 1);
  await page.getByTestId('end-impersonation').click();
  await signedInAs(page, ADMIN.name);
  assert.equal(await page.getByTestId('impersonation-banner').count(), 0);

  // The audit viewer: the approval and the disabling by the administrator by name, the
  // support session's acts flagged as such, and the chain verified.
  await page.goto(`${ctx.url}/admin/audit`);
  await page.locator('[data-testid="chain-badge"][data-verified="true"]').waitFor();
  for (const action of ['shops:approve', 'users:disable']) {
    const row = page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-impersonated'), 'false');
    assert.match(await row.getByTestId('audit-actor').innerText(), /Back Office/);
  }
  for (const action of ['carts:set_item', 'impersonation:end']) {
    const row = page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-impersonated'), 'true', action);
    await row.getByTestId('impersonated-badge').waitFor();
  }
  assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy/i.test(e)), []);
  await close();
});
