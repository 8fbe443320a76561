// Identity in the browser: signing up, in and out; a session that survives a reload through the
// refresh cookie and nothing else; route guards that fetch nothing they turn away; field errors;
// password reset by mail; TOTP enrolment for an administrator; the silent refresh.
//
// One server over a private database (so enrolling the administrator's authenticator touches no
// other test file) and a private mail folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, watch } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { DEMO, mainHeading, openPage, serveShop, signedInAs, signInByApi } from './helpers.mjs';
import { stepNow, totp } from './totp.mjs';

const ADMIN = { email: 'root@bazaar.test', password: 'root-admin-e2e-pass', name: 'Root Admin' };
const PASSWORD = 'correct horse battery staple';

const ctx = serveShop('auth', { admin: ADMIN });

let accounts = 0;
const newEmail = (tag) => `${tag}-${Date.now()}-${++accounts}@bazaar.test`;

/** Fills the sign-in form the page shows and submits it. */
async function signIn(page, { email, password }) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.locator('[data-slot="main"]').getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function signUp(page, { name, email, password }) {
  await page.goto(`${ctx.url}/signup`);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** The header shows the sign-in button, once the shell has decided who is signed in. */
async function signedOut(page) {
  await page.getByTestId('sign-in').waitFor();
  assert.equal(await page.getByTestId('account').count(), 0);
}

/** The path and `next` parameter of the page's address. */
function where(page) {
  const url = new URL(page.url());
  return { path: url.pathname, next: url.searchParams.get('next') };
}

test('the test computes TOTP codes as RFC 6238 says', () => {
  // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082, of which an app shows the last six digits.
  assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1), '287082');
});

test('signing up signs in; signing out and in again; a reload restores the session; signing out everywhere ends it on every device', async () => {
  const { page, close } = await openPage(ctx.browser);
  const account = { name: 'Asha Rao', email: newEmail('asha'), password: PASSWORD };
  await signUp(page, account);
  await signedInAs(page, 'Asha Rao');
  assert.equal(await page.getByTestId('account-role').innerText(), 'Customer');
  assert.equal(where(page).path, '/');

  // The access token lives in the shell's memory only; the refresh token in an httpOnly cookie
  // scoped to the auth endpoints. (Chromium keeps Secure cookies on http://127.0.0.1: it counts
  // loopback as potentially trustworthy.)
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
  assert.deepEqual([stored.local, stored.session], [0, 0]);
  assert.match(stored.cookie, /^bazaar_csrf=[\w-]+$/);
  const cookies = Object.fromEntries((await page.context().cookies()).map((c) => [c.name, c]));
  assert.deepEqual(
    [cookies.bazaar_refresh.httpOnly, cookies.bazaar_refresh.secure, cookies.bazaar_refresh.sameSite, cookies.bazaar_refresh.path],
    [true, true, 'Strict', '/api/v1/auth'],
  );

  // Another device of the same account, to see "everywhere" reach it.
  const other = await openPage(ctx.browser);
  await signInByApi(other.page, ctx.url, account);
  await other.page.goto(`${ctx.url}/products`);
  await signedInAs(other.page, 'Asha Rao');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signedOut(page);
  await page.getByTestId('toast').getByText('Signed out', { exact: true }).waitFor();
  await page.getByTestId('sign-in').click();
  assert.equal(where(page).path, '/login');
  await signIn(page, account);
  await signedInAs(page, 'Asha Rao');

  await page.reload();
  await signedInAs(page, 'Asha Rao');

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.getByTestId('toast').getByText('Signed out on every device').waitFor();
  await signedOut(page);
  await page.reload();
  await page.locator('[data-slot="main"] h1', { hasText: 'Products' }).waitFor();
  await signedOut(page);
  await other.page.reload();
  await other.page.locator('[data-slot="main"] h1', { hasText: 'Products' }).waitFor();
  await signedOut(other.page);
  await other.close();
  await close();
});

test('a customer opening an administrator route is told no, and the admin widget is never fetched', async () => {
  const { page, requests, widgetsFetched, close } = await openPage(ctx.browser);
  await signInByApi(page, ctx.url, DEMO.customer);
  await page.goto(`${ctx.url}/admin/users`);
  const refused = page.locator('[data-slot="main"] [data-state="forbidden"]');
  await refused.waitFor();
  assert.equal(await mainHeading(page), 'Not allowed');
  await signedInAs(page, DEMO.customer.name);
  // Links to what a customer cannot open are not shown, nor is their code preloaded.
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Products', 'Orders']);
  await nav.getByRole('link', { name: 'Orders' }).hover();
  await page.getByRole('link', { name: 'Products' }).click();
  await page.locator('[data-slot="main"] h1', { hasText: 'Products' }).waitFor();
  assert.deepEqual(requests.filter((p) => p.startsWith('/widgets/admin/')), []);
  assert.deepEqual(widgetsFetched(), ['auth', 'cart', 'orders', 'product']);
  await close();
});

test('a signed-out visitor opening /orders signs in first and lands on /orders', async () => {
  const { page, widgetsFetched, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/orders`);
  await page.locator('[data-slot="main"] h1', { hasText: 'Sign in' }).waitFor();
  assert.deepEqual(where(page), { path: '/login', next: '/orders' });
  assert.ok(!widgetsFetched().includes('orders'), 'the guarded widget was fetched before sign-in');
  await signIn(page, DEMO.customer);
  await page.locator('[data-slot="main"] h1', { hasText: 'Your orders' }).waitFor();
  assert.deepEqual(where(page), { path: '/orders', next: null });
  await signedInAs(page, DEMO.customer.name);
  // The detour replaced the guarded entry: Back does not bounce through the guard again.
  await page.goBack();
  assert.notEqual(where(page).path, '/orders');
  await close();
});

test('a next parameter that leaves the site is ignored after signing in', async () => {
  const { page, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/login?next=${encodeURIComponent('//evil.example/x')}`);
  await signIn(page, DEMO.customer);
  await signedInAs(page, DEMO.customer.name);
  assert.equal(page.url(), `${ctx.url}/`);
  await close();
});

test('field errors sit next to their field; a wrong password is a form error', async () => {
  const { page, close } = await openPage(ctx.browser);
  await signUp(page, { name: 'Short', email: newEmail('short'), password: 'too-short' });
  const password = page.getByLabel('Password');
  await page.locator('#auth-password-error').waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  const described = (await password.getAttribute('aria-describedby')).split(' ');
  assert.deepEqual(described, ['auth-password-hint', 'auth-password-error']);
  assert.equal(await page.locator('#auth-password-error').innerText(), 'must be at least 12 characters');
  assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), null);
  assert.equal(await password.getAttribute('autocomplete'), 'new-password');
  assert.equal(await page.getByTestId('form-error').innerText(), 'Please correct the marked fields.');

  await page.goto(`${ctx.url}/login`);
  assert.equal(await page.getByLabel('Password').getAttribute('autocomplete'), 'current-password');
  await signIn(page, { email: DEMO.customer.email, password: 'not-the-password' });
  await page.getByTestId('form-error').getByText('The email or the password is not right.').waitFor();
  assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), null);
  await signedOut(page);
  await close();
});

test('a forgotten password is reset through the mailed link, and the new one signs in', async () => {
  const { page, close } = await openPage(ctx.browser);
  const account = { name: 'Ravi', email: newEmail('ravi'), password: PASSWORD };
  await signUp(page, account);
  await signedInAs(page, 'Ravi');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signedOut(page);

  await page.goto(`${ctx.url}/forgot-password`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  const sent = await page.getByTestId('forgot-sent').innerText();
  assert.match(sent, /^If an account exists for .*, we sent it a link/);
  // The same words for an address without an account.
  await page.goto(`${ctx.url}/forgot-password`);
  await page.getByLabel('Email').fill('nobody@bazaar.test');
  await page.getByRole('button', { name: 'Send the link' }).click();
  assert.equal(
    await page.getByTestId('forgot-sent').innerText(),
    sent.replace(account.email, 'nobody@bazaar.test'),
  );

  const link = await mailedResetLink(account.email);
  // PUBLIC_URL is the default (port 8080); the link's path and token are what matter.
  const target = new URL(link);
  await page.goto(`${ctx.url}${target.pathname}${target.search}`);
  const newPassword = 'a different long passphrase';
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByTestId('toast').getByText('Your password is changed. Sign in with the new one.').waitFor();
  assert.equal(where(page).path, '/login');
  await signIn(page, { email: account.email, password: newPassword });
  await signedInAs(page, 'Ravi');
  await close();
});

/**
 * The reset link of the newest mail to `email` in the server's mail folder, once one is there:
 * woken by each change of the folder (the mail is written by the API's outbox, after the page
 * answered), given up after 30 s.
 */
async function mailedResetLink(email) {
  mkdirSync(ctx.mail, { recursive: true });
  // Watching before the first look: a mail written in between still wakes the loop.
  const watcher = watch(ctx.mail);
  const signal = AbortSignal.timeout(30_000);
  try {
    for (;;) {
      const mails = readdirSyncSafe(ctx.mail)
        .filter((name) => name.endsWith('.eml'))
        .sort((a, b) => parseInt(b, 10) - parseInt(a, 10))
        .map((name) => readFileSync(join(ctx.mail, name), 'utf8'))
        .filter((mail) => mail.includes(`To: ${email}`));
      const line = mails[0]?.split('\n').find((l) => l.includes('/reset-password?token='));
      if (line) return line.trim();
      await once(watcher, 'change', { signal }).catch(() => {
        throw new Error(`no reset mail to ${email} in ${ctx.mail}`);
      });
    }
  } finally {
    watcher.close();
  }
}
function readdirSyncSafe(dir) {
  try { return readdirSync(dir); } catch { return []; }
}

test('an administrator is sent to set up TOTP, signs in again with a code, and then opens the back office', async () => {
  const { page, widgetsFetched, consoleErrors, close } = await openPage(ctx.browser);
  await page.goto(`${ctx.url}/admin`);
  await page.getByLabel('Email').waitFor();
  assert.deepEqual(where(page), { path: '/login', next: '/admin' });
  await signIn(page, ADMIN);
  // Signed in, but without a second factor: the guard sends the administrator to set one up.
  await page.getByTestId('mfa-secret').waitFor();
  assert.deepEqual(where(page), { path: '/account/mfa', next: '/admin' });
  const qr = page.getByTestId('mfa-qr');
  assert.ok(await qr.locator('rect').count() > 50, 'the QR code is drawn');
  // Drawn as SVG elements under the page's CSP: nothing inline was blocked.
  assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy/i.test(e)), []);
  const secret = (await page.getByTestId('mfa-secret').innerText()).replace(/\s/g, '');
  const activated = stepNow();
  await page.getByLabel('Code from the app').fill(totp(secret, activated));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  const codes = await page.getByTestId('recovery-codes').locator('li').allInnerTexts();
  assert.equal(codes.length, 10);
  assert.match(await page.getByRole('alert').first().innerText(), /shown only this once/);
  assert.ok(!widgetsFetched().includes('admin'), 'the admin widget was fetched before MFA');

  await page.getByTestId('sign-in-again').click();
  await page.getByLabel('Email').waitFor();
  assert.deepEqual(where(page), { path: '/login', next: '/admin' });
  await signIn(page, ADMIN);
  // Each step's code works once: the one activation used is spent.
  await page.getByLabel('Authentication code').fill(totp(secret, Math.max(stepNow(), activated + 1)));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('[data-slot="main"] h1', { hasText: 'Back office' }).waitFor();
  assert.equal(where(page).path, '/admin');
  assert.equal(await page.getByTestId('account-role').innerText(), 'Admin');

  // A recovery code answers the challenge too, once.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signedOut(page);
  await page.goto(`${ctx.url}/admin/audit`);
  await signIn(page, ADMIN);
  await page.getByLabel('Authentication code').fill(codes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('[data-slot="main"] h1', { hasText: 'Audit log' }).waitFor();
  await close();
});

test('the shell refreshes the session silently a minute before it expires, once', async () => {
  const { page, requests, close } = await openPage(ctx.browser);
  // The browser's clock is the test's: fifteen minutes pass in a moment. (The API has no setting
  // for a shorter token lifetime; the server's clock keeps running normally.)
  await page.clock.install();
  await signInByApi(page, ctx.url, DEMO.customer);
  await page.goto(`${ctx.url}/products`);
  await signedInAs(page, DEMO.customer.name);
  await page.evaluate(() => {
    window.__sessions = [];
    window.addEventListener('mfe:event', (event) => {
      const message = JSON.parse(event.detail);
      if (message.event.sessionChanged) window.__sessions.push(message);
    });
  });
  const refreshes = () => requests.filter((p) => p === '/api/v1/auth/refresh').length;
  assert.equal(refreshes(), 1, 'the restore on load');

  await page.clock.fastForward('13:00');
  assert.equal(refreshes(), 1, 'refreshed too early');
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
  // 14:00 of 15:00: the refresh is due. Showing the page at the same time asks for it again.
  await page.clock.fastForward('01:05');
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  assert.equal((await refreshed).status(), 200);
  await page.waitForFunction(() => window.__sessions.length === 1);
  const [news] = await page.evaluate(() => window.__sessions);
  assert.equal(news.source, 'shell');
  assert.equal(news.event.sessionChanged.session.user.displayName, DEMO.customer.name);
  assert.equal(refreshes(), 2, 'one refresh in flight, whoever asks');
  await signedInAs(page, DEMO.customer.name);
  await close();
});

test('two tabs restoring at once both stay signed in, and signing out in one signs out the other', async () => {
  const { page, close } = await openPage(ctx.browser);
  await signInByApi(page, ctx.url, DEMO.seller);
  const second = await page.context().newPage();
  // Both present the refresh cookie at the same moment; without the cross-tab lock the second
  // would spend an already spent token, and the API would revoke the whole sign-in.
  await Promise.all([page.goto(`${ctx.url}/products`), second.goto(`${ctx.url}/seller`)]);
  await signedInAs(page, DEMO.seller.name);
  await signedInAs(second, DEMO.seller.name);
  await second.locator('[data-slot="main"] h1', { hasText: 'Your shop' }).waitFor();
  await page.reload();
  await signedInAs(page, DEMO.seller.name);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signedOut(page);
  // The other tab hears of it at once; its guarded page sends it to sign in.
  await signedOut(second);
  await second.locator('[data-slot="main"] h1', { hasText: 'Sign in' }).waitFor();
  assert.deepEqual(where(second), { path: '/login', next: '/seller' });
  await close();
});
