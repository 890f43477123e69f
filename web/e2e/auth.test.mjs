// The sign-in journey of the first administrator, against a running server.
//
// Needs a FRESH server whose administrator still has the one-time password: the test changes it.
//   PALERMO_URL=http://127.0.0.1:8080 PALERMO_ADMIN_LOGIN=admin PALERMO_ADMIN_PASSWORD=... npm run e2e
// Optional: CHROMIUM (default /usr/bin/chromium), PALERMO_NEW_PASSWORD (else a random one).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it, test } from 'node:test';
import { assertAccessible, config, heading, launch, saveAdminState, screenshot, totpAt, totpStep } from './lib.mjs';

// The tests check real wording; keep in step with src/i18n/*.ts.
const AZ = {
  signInTitle: 'Sistemə giriş',
  login: 'İstifadəçi adı',
  password: 'Şifrə',
  submit: 'Daxil ol',
  invalidCredentials: 'İstifadəçi adı və ya şifrə yanlışdır.',
  changeTitle: 'Şifrənin dəyişdirilməsi',
  currentWrong: 'Hazırkı şifrə düzgün deyil.',
  repeatMismatch: 'Şifrələr üst-üstə düşmür.',
  tooShort: 'Ən azı 12 simvol olmalıdır.',
  homeTitle: 'Əsas səhifə',
  loading: 'Yüklənir…',
  totpTitle: 'İkinci amili quraşdırın',
  totpStart: 'Başla',
  totpConfirm: 'Təsdiq et',
  totpWrong: 'Kod düzgün deyil.',
};
const EN = { homeTitle: 'Home', signInTitle: 'Sign in', signOut: 'Sign out' };
const RU = { signInTitle: 'Вход в систему', homeTitle: 'Главная', totp: 'Код из приложения-аутентификатора' };

function newPassword(login) {
  if (process.env.PALERMO_NEW_PASSWORD) return process.env.PALERMO_NEW_PASSWORD;
  for (;;) {
    const p = `e2e ${randomBytes(12).toString('base64url')} Pw!`;
    if (!p.includes(login)) return p;
  }
}

// First, so that a missing configuration is the first failure reported (never a silent skip).
test('PALERMO_URL, PALERMO_ADMIN_LOGIN and PALERMO_ADMIN_PASSWORD name a running server', () => {
  config();
});

describe('sign-in journey', () => {
  let cfg;
  let browser;
  let context;
  let page;
  let newPw;
  let secret = '';
  const pageErrors = [];

  before(async () => {
    cfg = config(); // throws with a clear message when PALERMO_URL & co. are missing
    newPw = newPassword(cfg.login);
    browser = await launch();
    // bypassCSP: axe-core is injected as an inline script. The CSP itself is tested below.
    context = await browser.newContext({ bypassCSP: true, locale: 'az-AZ', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  });

  after(async () => {
    await browser?.close();
  });

  it('shows "Loading…" while /auth/me is pending', async () => {
    const p = await context.newPage();
    let release;
    const held = new Promise((r) => (release = r));
    await p.route('**/api/v1/auth/me', async (route) => {
      await held;
      await route.continue();
    });
    await p.goto(cfg.baseUrl + '/');
    await p.getByText(AZ.loading).first().waitFor();
    release();
    await p.locator('main h1', { hasText: AZ.signInTitle }).waitFor();
    await p.close();
  });

  it('opens on the sign-in page, in Azerbaijani', async () => {
    await page.goto(cfg.baseUrl + '/');
    await page.locator('main h1', { hasText: AZ.signInTitle }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'az');
    // The address bar follows what is shown right after the render (an effect): wait for it.
    await page.waitForURL(/\/sign-in$/, { timeout: 5000 });
    assert.equal(await page.title(), `${AZ.signInTitle} — Palermo`);
    assert.equal(await page.getByLabel(AZ.login, { exact: true }).count(), 1);
    assert.equal(await page.getByLabel(AZ.password, { exact: true }).count(), 1);
    assert.equal(await page.locator('header').getByText('Palermo', { exact: true }).count(), 1);
    await screenshot(page, '01-sign-in');
  });

  it('sign-in page has no serious or critical axe-core violations', async () => {
    await assertAccessible(page, 'the sign-in page');
  });

  it('sign-in form works with the keyboard only, with a visible focus', async () => {
    await page.locator('body').focus();
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'login'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.id ?? '');
    }
    assert.equal(focused, 'login', 'Tab should reach the login field');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focused field must show a focus indicator');
  });

  it('a wrong password shows an error', async () => {
    await page.getByLabel(AZ.login, { exact: true }).fill(cfg.login);
    await page.getByLabel(AZ.password, { exact: true }).fill(cfg.password + '-wrong');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), new RegExp(AZ.invalidCredentials.replace(/\./g, '\\.')));
    await screenshot(page, '02-sign-in-error');
  });

  it('the one-time password leads to the forced password change page', async () => {
    await page.getByLabel(AZ.password, { exact: true }).fill(cfg.password);
    await page.getByRole('button', { name: AZ.submit }).click();
    await page.locator('main h1', { hasText: AZ.changeTitle }).waitFor();
    // The address bar follows what is shown right after the render (an effect): wait for it.
    await page.waitForURL(/\/change-password$/, { timeout: 5000 });
    await screenshot(page, '03-change-password');
    await assertAccessible(page, 'the password change page');
  });

  it('checks the new password in the browser before sending it', async () => {
    await page.locator('#current_password').fill(cfg.password);
    await page.locator('#new_password').fill('short');
    await page.locator('#repeat').fill('different');
    await page.locator('form button[type=submit]').click();
    await page.locator('#new_password-error', { hasText: AZ.tooShort }).waitFor();
    await page.locator('#repeat-error', { hasText: AZ.repeatMismatch }).waitFor();
    assert.equal(await page.locator('#new_password').getAttribute('aria-invalid'), 'true');
  });

  it('shows the server\'s field error next to the field', async () => {
    await page.locator('#current_password').fill(cfg.password + '-wrong');
    await page.locator('#new_password').fill(newPw);
    await page.locator('#repeat').fill(newPw);
    await page.locator('form button[type=submit]').click();
    await page.locator('#current_password-error', { hasText: AZ.currentWrong }).waitFor();
    await screenshot(page, '04-change-password-errors');
    await assertAccessible(page, 'the password change page with errors');
  });

  it('changing the password leads to the set-up of the second factor (administrators need one)', async () => {
    await page.locator('#current_password').fill(cfg.password);
    await page.locator('#new_password').fill(newPw);
    await page.locator('#repeat').fill(newPw);
    await page.locator('form button[type=submit]').click();
    await page.locator('main h1', { hasText: AZ.totpTitle }).waitFor();
    // The address bar follows what is shown right after the render (an effect): wait for it.
    await page.waitForURL(/\/second-factor$/, { timeout: 5000 });
    // Nothing else is reachable until it is set up.
    const users = await page.evaluate(async () => (await fetch('/api/v1/users')).json());
    assert.equal(users.code, 'auth.second_factor_required');
    await page.getByRole('button', { name: AZ.totpStart }).click();
    await page.getByRole('img', { name: /QR/ }).waitFor();
    // Reloaded, the page gives the same secret: an app that scanned the first code keeps working.
    const shown = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
    await page.reload();
    await page.locator('main h1', { hasText: AZ.totpTitle }).waitFor();
    await page.getByRole('button', { name: AZ.totpStart }).click();
    await page.getByRole('img', { name: /QR/ }).waitFor();
    assert.equal((await page.getByTestId('totp-secret').textContent()).replace(/\s/g, ''), shown, 'a reload gave a new secret');
    await screenshot(page, '05-second-factor');
    await assertAccessible(page, 'the second-factor page');
  });

  it('a wrong code is named at the field; the right one leads home', async () => {
    await page.locator('#code').fill('000000');
    await page.getByRole('button', { name: AZ.totpConfirm }).click();
    await page.locator('#code-error', { hasText: AZ.totpWrong }).waitFor();
    secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
    const step = totpStep();
    await page.locator('#code').fill(totpAt(secret, step));
    await page.getByRole('button', { name: AZ.totpConfirm }).click();
    await page.locator('main h1', { hasText: AZ.homeTitle }).waitFor();
    // The files after this one (path.test.mjs) sign the administrator in with these (and skip
    // the codes of the steps used already).
    saveAdminState(cfg.baseUrl, { login: cfg.login, password: newPw, secret, lastStep: step });
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).json());
    assert.equal(me.user.must_change_password, false);
    const welcome = await page.getByTestId('welcome').textContent();
    assert.equal(welcome.trim(), `Xoş gəlmisiniz, ${me.user.display_name}!`);
    assert.equal(await page.locator('[data-testid=roles] li').count(), me.user.roles.length);
    await screenshot(page, '06-home');
    await assertAccessible(page, 'the home page');
  });

  it('switches to English, and remembers it after a reload', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('main h1', { hasText: EN.homeTitle }).waitFor();
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 5000 });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.match(await page.getByTestId('welcome').textContent(), /^Welcome, .+!$/);
    await page.reload();
    await page.locator('main h1', { hasText: EN.homeTitle }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
    await screenshot(page, '07-home-en');
  });

  it('sign out returns to the sign-in page', async () => {
    await page.getByRole('button', { name: EN.signOut }).click();
    await page.locator('main h1', { hasText: EN.signInTitle }).waitFor();
    // The address bar follows what is shown right after the render (an effect): wait for it.
    await page.waitForURL(/\/sign-in$/, { timeout: 5000 });
    const status = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    assert.equal(status, 401);
    await screenshot(page, '08-signed-out-en');
  });

  it('the new password works (in Russian)', async () => {
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.locator('main h1', { hasText: RU.signInTitle }).waitFor();
    await page.locator('#login').fill(cfg.login);
    await page.locator('#password').fill(newPw);
    await page.keyboard.press('Enter');
    // The password is right: now the code (the next one: each code is accepted once).
    await page.getByLabel(RU.totp).waitFor();
    const step = totpStep(1);
    await page.getByLabel(RU.totp).fill(totpAt(secret, step));
    await page.keyboard.press('Enter');
    await page.locator('main h1', { hasText: RU.homeTitle }).waitFor();
    saveAdminState(cfg.baseUrl, { login: cfg.login, password: newPw, secret, lastStep: step });
    await screenshot(page, '09-home-ru');
  });

  it('raised no uncaught script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});

describe('content security policy', () => {
  it('the application runs under the server\'s CSP without violations', async () => {
    const cfg = config();
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const violations = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      page.on('pageerror', (e) => violations.push(String(e)));
      await page.goto(cfg.baseUrl + '/');
      await page.locator('main h1').waitFor();
      await page.locator('#login').waitFor();
      assert.deepEqual(violations, []);
    } finally {
      await browser.close();
    }
  });
});
