// Shared helpers of the browser tests: configuration from the environment, Debian's chromium
// through playwright-core (no browser download), axe-core checks, screenshots.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before } from 'node:test';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export const SCREENSHOTS = join(here, 'screenshots');
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

/**
 * Reads PALERMO_URL, PALERMO_ADMIN_LOGIN, PALERMO_ADMIN_PASSWORD. Throws (so that every test
 * fails, loudly) when the server to test is not given: these tests never skip silently.
 * PALERMO_ADMIN2_LOGIN and PALERMO_ADMIN2_PASSWORD (a second administrator, with its one-time
 * password) are read too; signInSecondAdmin() asks for them.
 */
export function config() {
  const missing = ['PALERMO_URL', 'PALERMO_ADMIN_LOGIN', 'PALERMO_ADMIN_PASSWORD'].filter((n) => !process.env[n]);
  if (missing.length > 0) {
    throw new Error(
      `The browser tests need a running Palermo server: set ${missing.join(', ')} ` +
        '(PALERMO_URL is its base URL, e.g. http://127.0.0.1:8080; PALERMO_ADMIN_PASSWORD is the ' +
        'one-time password of the freshly created administrator).',
    );
  }
  return {
    baseUrl: process.env.PALERMO_URL.replace(/\/+$/, ''),
    login: process.env.PALERMO_ADMIN_LOGIN,
    password: process.env.PALERMO_ADMIN_PASSWORD,
    admin2Login: process.env.PALERMO_ADMIN2_LOGIN,
    admin2Password: process.env.PALERMO_ADMIN2_PASSWORD,
  };
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * A browser with a profile of its own in `dir` (IndexedDB, the service worker, cookies): closed
 * and launched again on the same `dir`, it is the same browser restarted. Azerbaijani, 1280×900,
 * CSP bypassed for axe, as pageOpener's contexts.
 */
export async function launchWithProfile(dir) {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    bypassCSP: true,
    locale: 'az-AZ',
    viewport: { width: 1280, height: 900 },
  });
}

/** Saves a full-page screenshot as e2e/screenshots/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Runs axe-core on the page; throws listing every violation of impact serious or critical.
 * The page's context must bypass CSP (axe is injected as an inline script).
 */
export async function assertAccessible(page, label) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const lines = bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.join(', ')})`);
    throw new Error(`axe-core found ${bad.length} serious/critical violation(s) on ${label}:\n${lines.join('\n')}`);
  }
  return violations; // minor/moderate ones, for the caller to report if it likes
}

/** Text of the page's main heading. */
export async function heading(page) {
  return (await page.locator('main h1').textContent())?.trim();
}

/** The RFC 6238 time step (30 s) `stepsAhead` steps from now. */
export function totpStep(stepsAhead = 0) {
  return Math.floor(Date.now() / 1000 / 30) + stepsAhead;
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) for a base32 secret, `stepsAhead` steps from now. */
export function totp(secretBase32, stepsAhead = 0) {
  return totpAt(secretBase32, totpStep(stepsAhead));
}

/** The TOTP code of a base32 secret for the time step `step`. */
export function totpAt(secretBase32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = secretBase32.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const ch of clean) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const counter = BigInt(step);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac('sha1', Buffer.from(bytes)).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

// The administrator's password and TOTP secret after auth.test.mjs changed them, for the test
// files that run after it against the same server (files run one at a time, in name order).
// `who` is 'admin' (the first administrator) or 'admin2' (the second, after its first sign-in
// in signInSecondAdmin).
function adminStatePath(baseUrl, who = 'admin') {
  const key = createHmac('sha1', 'palermo-e2e').update(baseUrl).digest('hex').slice(0, 12);
  return join(tmpdir(), `palermo-e2e-${who}-${key}.json`);
}

export function saveAdminState(baseUrl, state, who = 'admin') {
  writeFileSync(adminStatePath(baseUrl, who), JSON.stringify(state), { mode: 0o600 });
}

export function forgetAdminState(baseUrl, who = 'admin') {
  rmSync(adminStatePath(baseUrl, who), { force: true });
}

/**
 * Called in `after` by a file that may be the last of e2e/ (path.test.mjs, search.test.mjs): when
 * it is the last test file by name (files run one at a time, in name order), the administrators'
 * saved secrets are removed, as they need not outlive the run. `fileUrl` is the caller's
 * import.meta.url. A run of some files that does not end with the last one leaves them (in the
 * temporary directory, readable by their owner only; the next auth.test.mjs writes new ones).
 */
export function forgetAdminStateAfterLastFile(baseUrl, fileUrl) {
  const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
  if (basename(fileURLToPath(fileUrl)) !== files[files.length - 1]) return;
  forgetAdminState(baseUrl);
  forgetAdminState(baseUrl, 'admin2');
}

export function loadAdminState(baseUrl, who = 'admin') {
  try {
    return JSON.parse(readFileSync(adminStatePath(baseUrl, who), 'utf8'));
  } catch {
    return undefined;
  }
}

// The last time step the server accepted for each secret, in this process. The server accepts a
// step once, and none before the last it accepted; every refusal counts against the address (30
// failures in 15 minutes, across logins, and every sign-in from it is throttled), and all these
// tests sign in from one address: a code known to be spent is never tried.
const acceptedSteps = new Map();

/**
 * Types a TOTP code into `input` and submits it with Enter until the server accepts one, then
 * waits for `done`; returns the time step accepted. Steps up to `usedStep` (the last known to be
 * used, e.g. by a sign-in in an earlier test file) and up to the last accepted in this process
 * are skipped: the next step's code is tried, and when that one is spent too, the step after it
 * is waited for.
 */
export async function enterTotp(page, input, secret, done, usedStep = -1) {
  const tried = new Set();
  const deadline = Date.now() + 95_000;
  while (Date.now() < deadline) {
    const spent = Math.max(usedStep ?? -1, acceptedSteps.get(secret) ?? -1);
    const step = [0, 1].map((k) => totpStep(k)).find((s) => s > spent && !tried.has(s));
    if (step === undefined) {
      await page.waitForTimeout(1000); // the next 30-second step
      continue;
    }
    tried.add(step);
    await input.fill(totpAt(secret, step));
    const [response] = await Promise.all([
      page.waitForResponse((r) => /\/api\/v1\/auth\/(login|totp\/confirm)$/.test(new URL(r.url()).pathname) && r.request().method() === 'POST'),
      input.press('Enter'),
    ]);
    if (response.ok()) {
      acceptedSteps.set(secret, Math.max(step, acceptedSteps.get(secret) ?? -1));
      await done();
      return step;
    }
  }
  throw new Error('no TOTP code was accepted');
}

/**
 * Signs an administrator in on `page` with the state saved for `who` ('admin': by auth.test.mjs;
 * 'admin2': by signInSecondAdmin), password and TOTP code, and waits for the home page. The
 * code's step is saved with the state, so that the next file does not try a spent code.
 */
export async function signInWithState(page, baseUrl, who = 'admin') {
  const state = loadAdminState(baseUrl, who);
  if (!state) throw new Error('run after auth.test.mjs (scripts/e2e.sh runs every file against one server)');
  await page.goto(baseUrl + '/');
  await page.locator('#login').fill(state.login);
  await page.locator('#password').fill(state.password);
  await page.keyboard.press('Enter');
  await page.locator('#totp').waitFor();
  const step = await enterTotp(page, page.locator('#totp'), state.secret, () => h1(page, 'Əsas səhifə'), state.lastStep);
  saveAdminState(baseUrl, { ...state, lastStep: step }, who);
}

// ---- Steps on the generated record pages, shared by the path tests ----

/** Waits for the page's main heading to show `text`. */
export async function h1(page, text) {
  await page.locator('main h1', { hasText: text }).waitFor();
}

/** Saves the form of a record's "new" page and returns the new record's id from the address. */
export async function createRecord(page, type) {
  await page.locator('form button[type=submit]').first().click();
  await page.waitForURL(new RegExp(`/records/${type}/\\d+`));
  await page.locator('[data-alert=success]').first().waitFor();
  return Number(new URL(page.url()).pathname.split('/').pop());
}

/**
 * From the victim case page shown: a new referral of the case from its relations tab, sent to the
 * agency picked by its type and its picker entry ("name (region)"). The rest is the caller's.
 */
export async function startReferral(page, caseId, agencyType, agencyLabel) {
  await page.locator('#tab-relations').click();
  await page.locator('a[data-create=referral]').click();
  await page.locator(`a#f-victim_case[data-ref-id="${caseId}"]`).waitFor();
  await page.locator('#f-to_agency_type').selectOption(agencyType);
  await page.locator('#f-to_agency_id').selectOption({ label: agencyLabel });
}

/** Picks a record in a reference field by typing its number. */
export async function pickRecord(page, id, recordId) {
  await page.locator(`#${id}`).fill(String(recordId));
  await page.locator(`#${id}-results button`).first().click();
  await page.locator(`a#${id}[data-ref-id="${recordId}"]`).waitFor();
}

/** Ticks a value of a multi-choice field (its checkboxes) on a record form. */
export async function checkValue(page, id, code) {
  await page.locator(`#${id} input[type=checkbox][value="${code}"]`).check();
}

/**
 * Opens the record page's details for editing: a type without sections is read as one part with
 * its Edit button (a type with sections: the part named `section`). Waits for the part's form.
 */
export async function editRecord(page, section) {
  const part = section ? page.locator(`.tab-panel [data-section=${section}]`) : page.locator('.tab-panel .record-section').first();
  await part.locator('[data-action=edit-section]').click();
  await part.locator('form').waitFor();
}

/** A field's value as the record page reads it (details in read mode), trimmed; '' when not shown. */
export async function readField(page, name) {
  const dd = page.locator(`.tab-panel [data-field=${name}] dd`);
  if ((await dd.count()) === 0) return '';
  return (await dd.first().textContent()).trim();
}

/** Saves the part being edited on the record page (editRecord) and waits for the server's confirmation. */
export async function saveRecord(page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'PATCH' && /\/api\/v1\/records\//.test(r.url())),
    page.locator('.tab-panel form button[type=submit]').click(),
  ]);
  if (!response.ok()) throw new Error(`saving the record failed: ${response.status()} ${await response.text()}`);
  await page.locator('[data-alert=success]', { hasText: 'Dəyişikliklər saxlanıldı' }).waitFor();
}

/** Runs `action` (a click) and returns the text of the file the page downloads. */
export async function downloadedText(page, action) {
  const [download] = await Promise.all([page.waitForEvent('download'), action()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** A YYYY-MM-DD day as a date field shows it (dd.mm.yyyy, in every language). */
export function shownDate(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** A day `days` from today (UTC), as YYYY-MM-DD. */
export function dayFromToday(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Takes a workflow transition from the record page: opens its panel, fills it, submits it. */
export async function takeTransition(page, name, fill = async () => {}) {
  await page.locator(`[data-transition=${name}]`).click();
  await page.locator('.transition-panel').waitFor();
  await fill();
  await page.locator('.transition-panel button[type=submit]').click();
  await page.locator('.transition-panel').waitFor({ state: 'detached' });
}

/**
 * A user's first sign-in: the one-time password, a new password, and the second factor when the
 * role needs one (`withTotp`). Returns the new password and the TOTP secret.
 */
export async function firstSignIn(page, baseUrl, login, oneTime, withTotp, homeTitle, changeTitle, totpTitle, startLabel) {
  await page.goto(baseUrl + '/');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(oneTime);
  await page.keyboard.press('Enter');
  await h1(page, changeTitle);
  const password = `Sınaq ${randomBytes(9).toString('base64url')} Pw!`;  // never the login in it
  await page.locator('#current_password').fill(oneTime);
  await page.locator('#new_password').fill(password);
  await page.locator('#repeat').fill(password);
  await page.locator('form button[type=submit]').click();
  if (!withTotp) {
    await h1(page, homeTitle);
    return { password };
  }
  await h1(page, totpTitle);
  await page.getByRole('button', { name: startLabel }).click();
  const secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
  const step = await enterTotp(page, page.locator('#code'), secret, () => h1(page, homeTitle));
  return { password, secret, step };
}

// ---- The second administrator: the two-person rule for roles with identity access ----

const AZ_TITLES = { home: 'Əsas səhifə', change: 'Şifrənin dəyişdirilməsi', totp: 'İkinci amili quraşdırın', start: 'Başla', users: 'İstifadəçilər' };

/**
 * Signs the second administrator (PALERMO_ADMIN2_LOGIN, created by scripts/e2e.sh) in on `page`,
 * which ends on the home page. The first time against a server (no saved state): the one-time
 * password is changed and the second factor set up, and both are saved (loadAdminState(baseUrl,
 * 'admin2')) for the files after; then with the password and a TOTP code.
 */
export async function signInSecondAdmin(page, cfg) {
  if (!cfg.admin2Login || !cfg.admin2Password) {
    throw new Error(
      'Roles with identity access need a second administrator\'s approval: set PALERMO_ADMIN2_LOGIN and ' +
        'PALERMO_ADMIN2_PASSWORD (scripts/e2e.sh creates one with `palermo user add ... --role admin`).',
    );
  }
  const state = loadAdminState(cfg.baseUrl, 'admin2');
  if (!state) {
    const { password, secret, step } = await firstSignIn(
      page, cfg.baseUrl, cfg.admin2Login, cfg.admin2Password, true, AZ_TITLES.home, AZ_TITLES.change, AZ_TITLES.totp, AZ_TITLES.start,
    );
    saveAdminState(cfg.baseUrl, { login: cfg.admin2Login, password, secret, lastStep: step }, 'admin2');
    return;
  }
  await signInWithState(page, cfg.baseUrl, 'admin2');
}

/**
 * Opens the Users page on `page` (an administrator's, freshly loaded: a page already showing it
 * is reloaded) and waits for the list of users.
 */
export async function openUsers(page) {
  const title = page.locator('main h1', { hasText: AZ_TITLES.users });
  if (await title.count()) await page.reload();
  else await page.locator('nav a', { hasText: AZ_TITLES.users }).click();
  await title.waitFor();
  await page.getByTestId('users').waitFor();
}

/**
 * On the Users page of another administrator than the one who asked, approves the roles awaiting
 * approval in the row of each of `logins` that shows some, and waits until the row shows none.
 */
export async function approvePendingRoles(page, logins) {
  await openUsers(page);
  for (const login of logins) {
    const row = page.locator(`tr[data-login="${login}"]`);
    await row.waitFor();
    if ((await row.getByTestId('pending-roles').count()) === 0) continue;
    await row.getByTestId('approve-roles').click();
    await page.getByTestId('users-notice').filter({ hasText: login }).waitFor();
    await row.getByTestId('pending-roles').waitFor({ state: 'detached' });
  }
}

// ---- The setting of the register tests that run after auth.test.mjs ----

/**
 * A page factory for one test file: each page in its own context (Azerbaijani, 1280×900, CSP
 * bypassed for axe), kept in `pages` by name, its uncaught errors collected in `pageErrors`.
 */
export function pageOpener(getBrowser, pages, pageErrors) {
  return async (name) => {
    const context = await getBrowser().newContext({ bypassCSP: true, locale: 'az-AZ', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(`${name}: ${e}`));
    pages[name] = page;
    return page;
  };
}

/**
 * The frame every role-scenario suite shares; call it inside describe(). Before the tests: the
 * configuration (filled into `cfg`, which throws when the server is not given) and a browser;
 * after them, the browser closed; after each, a screenshot of every open page
 * (`<shotPrefix>-last-<page name>`) to see where a failure left it. `newPage(name)` opens a page
 * of its own context, kept in `pages[name]`; page errors gather in `pageErrors`.
 */
export function browserSuite(shotPrefix) {
  const suite = { cfg: {}, browser: null, pages: {}, pageErrors: [] };
  suite.newPage = pageOpener(() => suite.browser, suite.pages, suite.pageErrors);
  before(async () => {
    Object.assign(suite.cfg, config());
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
  });
  afterEach(async () => {
    for (const [name, page] of Object.entries(suite.pages))
      await screenshot(page, `${shotPrefix}-last-${name}`).catch(() => {});
  });
  return suite;
}

/**
 * The administrator (with the state auth.test.mjs saved) creates `agencies` ({key: {name, type}},
 * all in `region`, a code of the region list) and `users` ({key: {login, name, agency, role (or roles: [..]), totp?}}); the second
 * administrator (page 'admin2') approves the roles with identity access; then each user signs in
 * for the first time on a page of its own (named by its key), setting up the second factor unless
 * `totp: false` (roles without identity access or administration need none). Azerbaijani titles.
 */
export async function setUpAgenciesAndUsers(openPage, baseUrl, agencies, users, region) {
  const AZ = { home: 'Əsas səhifə', change: 'Şifrənin dəyişdirilməsi', totp: 'İkinci amili quraşdırın', start: 'Başla' };
  const page = await openPage('admin');
  await signInWithState(page, baseUrl);
  await page.locator('nav a', { hasText: 'Qurumlar' }).click();
  await h1(page, 'Qurumlar');
  for (const a of Object.values(agencies)) {
    await page.locator('#agency-name').fill(a.name);
    await page.locator('#agency-type').selectOption(a.type);
    await page.locator('#agency-region').selectOption(region);
    await page.locator('form button[type=submit]').click();
    await page.locator('[data-alert=success]', { hasText: a.name }).waitFor();
  }
  await page.locator('nav a', { hasText: 'İstifadəçilər' }).click();
  await h1(page, 'İstifadəçilər');
  for (const u of Object.values(users)) {
    await page.locator('#user-login').fill(u.login);
    await page.locator('#user-name').fill(u.name);
    await page.locator('#user-agency').selectOption({ label: agencies[u.agency].name });
    for (const role of u.roles ?? [u.role]) await page.locator(`input[type=checkbox][value=${role}]`).check();
    await page.locator('form button[type=submit]').first().click();
    await page.locator('[data-alert=success]', { hasText: u.login }).waitFor();
    u.oneTime = (await page.getByTestId('one-time-password').textContent()).trim();
  }
  const page2 = await openPage('admin2');
  await signInSecondAdmin(page2, { ...config(), baseUrl });
  await approvePendingRoles(page2, Object.values(users).map((u) => u.login));
  for (const [key, u] of Object.entries(users)) {
    const p = await openPage(key);
    await firstSignIn(p, baseUrl, u.login, u.oneTime, u.totp !== false, AZ.home, AZ.change, AZ.totp, AZ.start);
  }
}

/** A request to the API from the page's session (the CSRF token from /auth/me): status, body, headers. */
export async function apiCall(page, method, path, body, headers = {}) {
  return page.evaluate(
    async ({ method, path, body, headers }) => {
      const me = await (await fetch('/api/v1/auth/me', { headers: { Accept: 'application/json' } })).json();
      const r = await fetch(`/api/v1${path}`, {
        method,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token, ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: r.status, body: json, text, headers: Object.fromEntries(r.headers.entries()) };
    },
    { method, path, body, headers },
  );
}
