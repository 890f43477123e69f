// The two-person rule, in Azerbaijani: a role with identity access that one administrator gives
// a user waits for a second administrator's approval. The administrator who asked sees it waiting,
// with Approve disabled and the reason next to it; the second administrator approves it and the
// user holds the role. Either administrator may reject a request (here the one who asked); asked
// for again in the edit form, the role waits again.
//
// Runs after auth.test.mjs (files run one at a time, in name order; "auth." sorts before
// "auth_"), which saved the first administrator's password and TOTP secret; the second
// administrator (PALERMO_ADMIN2_*, created by scripts/e2e.sh) signs in for the first time here.
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  approvePendingRoles,
  assertAccessible,
  browserSuite,
  h1,
  openUsers,
  screenshot,
  signInSecondAdmin,
  signInWithState,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const AZ = {
  awaiting: 'İkinci administratorun təsdiqini gözləyir:',
  createdPending: 'ikinci administratorun təsdiqini gözləyir: Qaynar xətt operatoru',
  approve: 'Təsdiq et',
  reject: 'Rədd et',
  otherMust: 'Sizin istədiyiniz rolları başqa administrator təsdiq etməlidir.',
  role: 'Qaynar xətt operatoru',
};
const AGENCY = { name: `Sınaq qaynar xətti (iki nəfər) ${run}`, type: 'hotline' };
const APPROVED = { login: `e2e.tp.ok.${run}`, name: 'Sınaq Təsdiqlənən Operator' };
const REJECTED = { login: `e2e.tp.no.${run}`, name: 'Sınaq Rədd Edilən Operator' };

/** The users as the API lists them, with the page's session. */
async function apiUsers(page) {
  return page.evaluate(async () => (await (await fetch('/api/v1/users')).json()).items);
}

describe('the two-person rule for roles with identity access, in Azerbaijani', () => {
  const { cfg, pages, newPage, pageErrors } = browserSuite('tp');
  const row = (page, u) => page.locator(`tr[data-login="${u.login}"]`);

  it('the first administrator gives two users a hotline operator role: it waits for approval', async () => {
    const page = await newPage('admin');
    await signInWithState(page, cfg.baseUrl);
    await page.locator('nav a', { hasText: 'Qurumlar' }).click();
    await h1(page, 'Qurumlar');
    await page.locator('#agency-name').fill(AGENCY.name);
    await page.locator('#agency-type').selectOption(AGENCY.type);
    // The region is a choice of the country's units, by name; the list reads it by name too.
    await page.locator('#agency-region').selectOption({ label: 'Lerik' });
    await page.locator('form button[type=submit]').click();
    await page.locator('[data-alert=success]', { hasText: AGENCY.name }).waitFor();
    const agencyRow = page.locator('[data-testid=agencies] tr', { hasText: AGENCY.name });
    assert.equal((await agencyRow.locator('td').nth(3).textContent()).trim(), 'Lerik');

    await openUsers(page);
    for (const u of [APPROVED, REJECTED]) {
      await page.locator('#user-login').fill(u.login);
      await page.locator('#user-name').fill(u.name);
      await page.locator('#user-agency').selectOption({ label: AGENCY.name });
      await page.locator('input[type=checkbox][value=hotline_operator]').check();
      await page.locator('form button[type=submit]').first().click();
      await page.locator('[data-alert=success]', { hasText: u.login }).waitFor();
      // The answer says so at once.
      assert.match(await page.getByTestId('created-pending').textContent(), new RegExp(AZ.createdPending));
    }
    // The list: the role waits, Approve is disabled for the one who asked, the reason is next to it.
    const r = row(page, APPROVED);
    await r.getByTestId('pending-roles').waitFor();
    assert.match(await r.getByTestId('pending-roles').textContent(), new RegExp(`${AZ.awaiting}\\s*${AZ.role}`));
    const approve = r.getByRole('button', { name: AZ.approve });
    assert.equal(await approve.isDisabled(), true);
    const hint = r.getByTestId('approve-hint');
    assert.equal((await hint.textContent()).trim(), AZ.otherMust);
    assert.equal(await approve.getAttribute('aria-describedby'), await hint.getAttribute('id'));
    assert.equal(await r.getByRole('button', { name: AZ.reject }).isEnabled(), true);
    // Not held yet: the roles cell names it only as awaiting.
    const listed = (await apiUsers(page)).find((x) => x.login === APPROVED.login);
    assert.deepEqual(listed.roles, []);
    assert.deepEqual(listed.pending_roles, ['hotline_operator']);
    assert.ok(listed.pending_by > 0);
    await screenshot(page, 'tp-01-awaiting');
    await assertAccessible(page, 'the users page with roles awaiting approval');
  });

  it('the second administrator approves one; the row then shows the role held', async () => {
    const page = await newPage('admin2');
    await signInSecondAdmin(page, cfg);
    await openUsers(page);
    const r = row(page, APPROVED);
    await r.getByTestId('pending-roles').waitFor();
    // For another administrator, Approve is there to press, with no reason not to.
    assert.equal(await r.getByRole('button', { name: AZ.approve }).isEnabled(), true);
    assert.equal(await r.getByTestId('approve-hint').count(), 0);
    await screenshot(page, 'tp-02-second-administrator');
    await assertAccessible(page, 'the users page of the second administrator');
    await approvePendingRoles(page, [APPROVED.login]);
    assert.match(await page.getByTestId('users-notice').textContent(), new RegExp(`${APPROVED.login}.*${AZ.role}`));
    assert.equal((await r.locator('td').nth(3).textContent()).trim(), AZ.role);
    // The other user still waits.
    await row(page, REJECTED).getByTestId('pending-roles').waitFor();
    const listed = (await apiUsers(page)).find((x) => x.login === APPROVED.login);
    assert.deepEqual(listed.roles, ['hotline_operator']);
    assert.deepEqual(listed.pending_roles, []);
    await screenshot(page, 'tp-03-approved');
  });

  it('the administrator who asked rejects the other; that user holds no role', async () => {
    const page = pages.admin;
    await openUsers(page);
    // The first administrator sees the approved role held, with nothing waiting.
    assert.equal((await row(page, APPROVED).locator('td').nth(3).textContent()).trim(), AZ.role);
    const r = row(page, REJECTED);
    await r.getByRole('button', { name: AZ.reject }).click();
    await page.getByTestId('users-notice').filter({ hasText: REJECTED.login }).waitFor();
    await r.getByTestId('pending-roles').waitFor({ state: 'detached' });
    assert.equal((await r.locator('td').nth(3).textContent()).trim(), '');
    const listed = (await apiUsers(page)).find((x) => x.login === REJECTED.login);
    assert.deepEqual(listed.roles, []);
    assert.deepEqual(listed.pending_roles, []);
    await screenshot(page, 'tp-04-rejected');
  });

  it('asked for again in the edit form, the role waits again and the message says so', async () => {
    const page = pages.admin;
    await row(page, REJECTED).getByRole('button', { name: 'Dəyiş' }).click();
    const form = page.locator('form', { has: page.locator('h3', { hasText: REJECTED.login }) });
    await form.getByLabel(AZ.role).check();
    await form.locator('button[type=submit]').click();
    await page.getByTestId('saved-pending').filter({ hasText: AZ.role }).waitFor();
    assert.match(await page.getByTestId('saved-pending').textContent(), new RegExp(AZ.createdPending));
    // The edit form went away with the save: the message has the focus.
    assert.equal(await page.evaluate(() => document.activeElement?.querySelector('[data-testid=users-notice]') !== null), true);
    const r = row(page, REJECTED);
    await r.getByTestId('pending-roles').waitFor();
    assert.equal(await r.getByRole('button', { name: AZ.approve }).isDisabled(), true);
    await screenshot(page, 'tp-05-asked-again');
  });

  it('raised no uncaught script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
