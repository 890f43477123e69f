// Users' e-mail addresses (issue 27), in Azerbaijani, on the server auth.test.mjs started with: the
// administrator creates a user with an address (a bad one is refused at the field before the user
// is created), sees it in the list, changes it in the user's edit panel (the server's refusal of
// "not an address" is shown at the field, which takes the focus), and clears it (the list says
// "—"). The page is checked with axe-core with the error shown and after. All names are made up.
//
// Runs after auth.test.mjs and before path.test.mjs, which forgets the administrators' state (files
// run one at a time, in name order).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { apiCall, assertAccessible, browserSuite, openUsers, screenshot, signInWithState } from './lib.mjs';

const run = randomBytes(3).toString('hex');
const LOGIN = `e2e.mail.${run}`;
const FIRST = `sinaq.${run}@example.az`;
const SECOND = `yeni.${run}@example.az`;
const FORMAT = 'Bu, e-poçt ünvanı deyil';

describe("users' e-mail addresses, in Azerbaijani", () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('email');

  /** The user's address as GET /users gives it. */
  async function serverEmail(page) {
    const r = await apiCall(page, 'GET', '/users');
    return r.body.items.find((u) => u.login === LOGIN).email;
  }

  /** Opens the user's edit panel, types `address` and saves; returns the PUT's response. */
  async function saveEmail(page, address) {
    await page.locator(`tr[data-login="${LOGIN}"] button`, { hasText: 'Dəyiş' }).click();
    const input = page.locator('tbody input[id^="edit-email-"]');
    await input.fill(address);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/v1\/users\/\d+\/email$/.test(r.url())),
      page.locator('tbody form button[type=submit]', { hasText: 'Yadda saxla' }).click(),
    ]);
    return response;
  }

  it('a new user with an address; a bad one is refused at the field before the user is created', async () => {
    const page = await newPage('admin');
    await signInWithState(page, cfg.baseUrl);
    await openUsers(page);
    await page.locator('#user-email-hint', { hasText: 'Bildirişlər bu ünvana da göndərilir' }).waitFor();
    await page.locator('#user-login').fill(LOGIN);
    await page.locator('#user-name').fill('Sınaq Poçt İstifadəçisi');
    await page.locator('#user-email').fill('not an address');
    let posted = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/users') posted++;
    });
    await page.locator('form button[type=submit]').first().click();
    await page.locator('#user-email-error', { hasText: FORMAT }).waitFor();
    assert.equal(posted, 0, 'no user is created with a bad address');
    await page.waitForFunction(() => document.activeElement?.id === 'user-email', undefined, { timeout: 5000 });
    await page.locator('#user-email').fill(FIRST);
    await page.locator('form button[type=submit]').first().click();
    await page.locator('[data-alert=success]', { hasText: LOGIN }).waitFor();
    assert.match(await page.getByTestId('created-email').textContent(), new RegExp(FIRST.replace(/\./g, '\\.')));
    assert.equal(await page.locator('#user-email').inputValue(), '');
    const row = page.locator(`tr[data-login="${LOGIN}"]`);
    await row.getByTestId('user-email').filter({ hasText: FIRST }).waitFor();
    assert.equal(await serverEmail(page), FIRST);
  });

  it('the administrator changes the address in the edit panel; "not an address" is refused at the field', async () => {
    const page = pages.admin;
    const bad = await saveEmail(page, 'not an address');
    assert.equal(bad.status(), 422);
    const error = page.locator('tbody [data-testid=email-error]');
    await error.filter({ hasText: FORMAT }).waitFor();
    const input = page.locator('tbody input[id^="edit-email-"]');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    // The focus moves in an effect after the error is drawn: wait for it (up to the usual timeout).
    const inputId = await input.getAttribute('id');
    await page.waitForFunction((id) => document.activeElement?.id === id, inputId, { timeout: 5000 });
    await screenshot(page, 'email-01-refused');
    await assertAccessible(page, 'the users page with a refused address');
    assert.equal(await serverEmail(page), FIRST, 'the refused address changed nothing');
    // The panel stays open with what was typed: the right address is saved from it.
    await input.fill(SECOND);
    const [ok] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && /\/email$/.test(r.url())),
      page.locator('tbody form button[type=submit]', { hasText: 'Yadda saxla' }).click(),
    ]);
    assert.equal(ok.status(), 200);
    await page.getByTestId('email-notice').filter({ hasText: SECOND }).waitFor();
    const row = page.locator(`tr[data-login="${LOGIN}"]`);
    await row.getByTestId('user-email').filter({ hasText: SECOND }).waitFor();
    assert.equal(await serverEmail(page), SECOND);
    await screenshot(page, 'email-02-saved');
    await assertAccessible(page, 'the users page after the address was saved');
  });

  it('the administrator clears the address: the list says "—"', async () => {
    const page = pages.admin;
    const response = await saveEmail(page, '');
    assert.equal(response.status(), 200);
    await page.getByTestId('email-notice').filter({ hasText: 'silindi' }).waitFor();
    const cell = page.locator(`tr[data-login="${LOGIN}"]`).getByTestId('user-email');
    await cell.filter({ hasText: '—' }).waitFor();
    assert.equal((await cell.textContent()).trim(), '—');
    assert.equal(await serverEmail(page), '');
    // The address is audited (the audit keeps whether one was set, not the address).
    const audit = await apiCall(page, 'GET', '/audit?action=user.email');
    assert.equal(audit.status, 200);
    assert.ok(JSON.stringify(audit.body).includes('user.email'));
    await assertAccessible(page, 'the users page after the address was cleared');
    assert.deepEqual(pageErrors, []);
  });
});
