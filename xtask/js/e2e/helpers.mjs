// Shared setup of the browser tests: a private copy of the built front end, the real API binary
// serving it on a free 127.0.0.1 port, and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { stepNow, totp } from './totp.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through \`cargo xtask test\``);
  return value;
};

/** A throwaway copy of the built dist folder, so each test may break its own manifest. */
export function copyDist() {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
  cpSync(env('E2E_DIST'), dir, { recursive: true });
  return dir;
}

export function readManifest(dist) {
  return JSON.parse(readFileSync(join(dist, 'federation.json'), 'utf8'));
}

/** Rewrites one widget's manifest entry in place. */
export function editEntry(dist, name, edit) {
  const manifest = readManifest(dist);
  const entry = manifest.widgets.find((w) => w.name === name);
  if (!entry) throw new Error(`no ${name} in the manifest`);
  edit(entry, manifest);
  writeFileSync(join(dist, 'federation.json'), JSON.stringify(manifest, null, 2));
}

/**
 * Settings of every server the tests start: no rate limits, since the tests sign in dozens of
 * times from one address within seconds (the limits have their own API tests).
 */
const SERVER_ENV = {
  RATE_LIMIT_API_PER_MINUTE: '0',
  RATE_LIMIT_LOGIN: '0',
  RATE_LIMIT_LOGIN_ACCOUNT: '0',
  RATE_LIMIT_MFA: '0',
  RATE_LIMIT_PASSWORD_RESET: '0',
  RATE_LIMIT_REGISTER: '0',
  RATE_LIMIT_ORDERS: '0',
};

/**
 * Starts the API binary on a free port; resolves once it says where it listens. `extraEnv`
 * overrides its settings (a private DATABASE_URL, MAIL_DIR).
 */
export async function startServer(dist, extraEnv = {}) {
  const child = spawn(env('E2E_API_BIN'), ['serve', '--addr', '127.0.0.1:0', '--dist', dist], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...SERVER_ENV, ...extraEnv },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const url = await new Promise((resolve, reject) => {
    // A bound on waiting for the state "listening", not a wait for time.
    AbortSignal.timeout(15_000).addEventListener('abort', () => reject(new Error(`API did not start in 15 s:\n${stderr}`)));
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`API exited (${code}):\n${stderr}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Flags measured to keep Chromium quiet on a machine without general network access.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh page that records what it fetched, which requests failed (`failedRequests`) and what
 * the page logged as errors.
 * `widgetsFetched()` names the widgets whose code (module or wasm) was requested.
 */
export async function openPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const requests = [];
  const consoleErrors = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  page.on('console', (message) => {
    // The browser's own "Failed to load resource" lines are not the shell's messages.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  // Every answer of 400 or more and every request that got none, as "METHOD path status".
  const failedRequests = [];
  page.on('response', (response) => {
    if (response.status() >= 400) {
      failedRequests.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
    }
  });
  page.on('requestfailed', (request) => {
    failedRequests.push(`${request.method()} ${new URL(request.url()).pathname} ${request.failure()?.errorText}`);
  });
  return {
    page,
    requests,
    consoleErrors,
    failedRequests,
    widgetsFetched() {
      const names = new Set();
      for (const path of requests) {
        const found = path.match(/^\/widgets\/([a-z0-9-]+)\/[0-9a-f]{16}\//);
        if (found) names.add(found[1]);
      }
      return [...names].sort();
    },
    close: () => context.close(),
  };
}

/** Runs `cargo xtask ...` in the workspace (the redeploy test drives the real commands). */
export function xtask(args, extraEnv = {}) {
  const result = spawnSync(env('E2E_CARGO'), ['xtask', ...args], {
    cwd: env('E2E_WORKSPACE'),
    env: { ...process.env, ...extraEnv },
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`cargo xtask ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  return result;
}

/** Runs an `api` command (`seed-demo`, `create-admin`) against the database `extraEnv` names (default: DATABASE_URL). */
export function apiCommand(args, extraEnv = {}) {
  const result = spawnSync(env('E2E_API_BIN'), args, {
    env: { ...process.env, ...extraEnv },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`api ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  return result.stdout;
}

/** The accounts `api seed-demo` creates (api/src/cli.rs). */
export const DEMO = {
  customer: { email: 'customer@bazaar.test', password: 'demo-customer-pass', name: 'Demo Customer' },
  seller: { email: 'seller@bazaar.test', password: 'demo-seller-pass', name: 'Demo Seller' },
  admin: { email: 'admin@bazaar.test', password: 'demo-admin-pass', name: 'Demo Admin' },
};

/**
 * Signs `account` in through the API from a page of the origin that runs no shell, so the
 * browser holds its refresh cookie and the next page load restores the session. (On a shell
 * page, the shell's own restore could answer 401 after the sign-in and clear the new cookies.)
 */
export async function signInByApi(page, baseUrl, { email, password }) {
  // A static file: no shell, and no API response's `default-src 'none'` CSP to block fetch.
  await page.goto(`${baseUrl}/federation.json`);
  const status = await page.evaluate(async ([email, password]) => {
    const response = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return response.status;
  }, [email, password]);
  if (status !== 200) throw new Error(`signing in ${email} answered HTTP ${status}`);
}

/** Waits until the header says `name` is signed in. */
export async function signedInAs(page, name) {
  await page.getByTestId('account-name').getByText(name, { exact: true }).waitFor();
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Waits for the main slot's ready state: a widget (or a panel of the shell) has drawn its page
 * heading, and nothing in the slot is loading (the shell's loading panel, a widget's loading
 * status, a busy region). Every test acts on a page only after this, or after waiting for the
 * element it acts on, never after a time.
 */
export async function mainReady(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('[data-slot="main"]');
    return main?.querySelector('h1')
      && !main.querySelector('[data-state="loading"], [data-testid="loading"], [aria-busy="true"]');
  });
}

/** The main slot's heading text once a widget (or panel) rendered one. */
export async function mainHeading(page) {
  return page.locator('[data-slot="main"] h1').first().innerText();
}

/**
 * For a test file whose tests share one server over a private copy of the build and one browser,
 * with the demo accounts in the database: registers the hooks and returns the context they fill
 * (`dist`, `server`, `browser`).
 */
export function serveBuild() {
  const ctx = {};
  before(async () => {
    // The demo accounts, for tests that open guarded routes (kept if they exist).
    apiCommand(['seed-demo']);
    ctx.dist = copyDist();
    ctx.server = await startServer(ctx.dist);
    ctx.browser = await launchBrowser();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
    removeDir(ctx.dist);
  });
  return ctx;
}

/**
 * For a test file whose tests share one server over a private database (under a fresh folder
 * named `e2e-<prefix>-...`), seeded with the demo shop, and one browser; with `admin`
 * (`{ email, password, name }`) created by `api create-admin` first when given, and the
 * settings `await serverEnv()` answers added when given (awaited in the hook, so it may start a
 * stand-in whose address they name: node runs a file's `before` hooks concurrently). Registers
 * the hooks and returns the context they fill (`dir`, `env`, `mail`, `dist`, `server`, `url`,
 * `browser`).
 */
export function serveShop(prefix, { admin, serverEnv = async () => ({}) } = {}) {
  const ctx = {};
  before(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), `e2e-${prefix}-`));
    ctx.mail = join(ctx.dir, 'mail');
    ctx.env = {
      DATABASE_URL: `sqlite://${join(ctx.dir, 'bazaar.db')}`, MAIL_DIR: ctx.mail, DEV_KEY_DIR: ctx.dir, ...(await serverEnv()),
    };
    if (admin) apiCommand(['create-admin', admin.email, admin.name], { ...ctx.env, ADMIN_PASSWORD: admin.password });
    apiCommand(['seed-demo'], ctx.env);
    ctx.dist = copyDist();
    ctx.server = await startServer(ctx.dist, ctx.env);
    ctx.url = ctx.server.url;
    ctx.browser = await launchBrowser();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
    removeDir(ctx.dist);
    removeDir(ctx.dir);
  });
  return ctx;
}

/** A JSON call to the API of `ctx.url` from the test itself; the status and the decoded body. */
export async function apiCall(ctx, path, { method = 'GET', token, body, headers = {} } = {}) {
  const response = await fetch(`${ctx.url}/api/v1${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/**
 * Enrols and activates an authenticator for the signed-in account of `token`, through the API
 * of `ctx.url` (the enrolment page has its own test in auth.test.mjs): its base32 `secret`, the
 * time step whose code `activated` it (a code counts once: sign in with a later step's) and the
 * `recoveryCodes` the activation handed out.
 */
export async function enrolAuthenticator(ctx, token) {
  const enrollment = await apiCall(ctx, '/auth/mfa/enroll', { method: 'POST', token });
  if (enrollment.status !== 200) throw new Error(`enrolling answered HTTP ${enrollment.status}`);
  const { secret } = enrollment.body;
  const activated = stepNow();
  const activation = await apiCall(ctx, '/auth/mfa/activate', { method: 'POST', token, body: { code: totp(secret, activated) } });
  if (activation.status !== 200) throw new Error(`activating answered ${JSON.stringify(activation.body)}`);
  return { secret, activated, recoveryCodes: activation.body.codes };
}

/**
 * Places, through the API of `ctx.url`, an order of one unit of the catalog's first product as
 * the customer of `token`, delivered in Pune, under a fresh `Idempotency-Key` starting with
 * `keyPrefix`; the order as placed (payment pending).
 */
export async function orderByApi(ctx, token, keyPrefix) {
  const products = await apiCall(ctx, '/products?limit=1');
  const product = products.body.items[0];
  const cart = await apiCall(ctx, '/cart', { token });
  await apiCall(ctx, `/carts/${cart.body.cartId}/items`, { method: 'POST', token, body: { productId: product.id, quantity: 1 } });
  const order = await apiCall(ctx, '/orders', {
    method: 'POST',
    token,
    headers: { 'idempotency-key': `${keyPrefix}-${Date.now()}` },
    body: {
      cartId: cart.body.cartId,
      address: { name: 'Demo Customer', phone: '9876543210', line1: '12 MG Road', city: 'Pune', stateCode: '27', pincode: '411001' },
    },
  });
  if (order.status !== 201) throw new Error(`an order answered ${JSON.stringify(order.body)}`);
  return { order: order.body, product };
}

// The text of a downloaded PDF as a reader gets it (poppler's `pdftotext`, installed by the
// test command): the PDFs embed subset fonts, so their bytes do not hold the text as written.
export function pdfText(path) {
  const result = spawnSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pdftotext failed: ${result.stderr}`);
  return result.stdout;
}
