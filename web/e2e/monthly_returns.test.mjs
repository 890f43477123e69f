// Periodic returns in the browser, in Azerbaijani (docs/returns.md), on the server auth.test.mjs
// started with: the administrator creates a migration service office with its data manager and
// the coordinator's office with a reviewer. The data manager finds the months due on the home
// page, opens the new return from a task (the period filled in), is stopped by the check between
// figures, saves and submits; the coordinator returns it for correction with a comment; the data
// manager corrects it and submits it again; the coordinator approves it, and the returns page's
// grid shows that month approved. A missing month of the grid opens the form with its period.
//
// Named so that it runs after auth.test.mjs and before path.test.mjs (files run one at a time,
// in name order). All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  assertAccessible,
  browserSuite,
  createRecord,
  h1,
  saveRecord,
  screenshot,
  setUpAgenciesAndUsers,
  takeTransition,
  editRecord,
  readField,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const TYPE = 'return_migration_monthly';
const AGENCIES = {
  migration: { name: `Sınaq miqrasiya idarəsi ${run}`, type: 'migration' },
  coordinator: { name: `Sınaq koordinator aparatı ${run}`, type: 'coordinator' },
};
const USERS = {
  manager: { login: `e2e.hesabat.${run}`, name: 'Sınaq Hesabatçı', agency: 'migration', role: 'data_manager', totp: false },
  coordinator: { login: `e2e.koord.${run}`, name: 'Sınaq Koordinator', agency: 'coordinator', role: 'coordinator', totp: false },
};
const STATE = {
  submitted: 'Təqdim edilib',
  returned: 'Düzəliş üçün qaytarılıb',
  approved: 'Təsdiqlənib',
};

/** The returns page's grid cell of our agency for a period. */
function cellOf(page, period) {
  return page.locator('[data-testid=returns-grid] tbody tr', { hasText: AGENCIES.migration.name }).locator(`td[data-period="${period}"]`);
}

/** Opens the returns page at the monthly return and a year. */
async function openGrid(page, year) {
  await page.locator('nav a', { hasText: 'Dövri hesabatlar' }).click();
  await h1(page, 'Dövri hesabatlar');
  await page.locator(`[data-testid=returns-overview] tr[data-type=${TYPE}]`).waitFor();
  await page.locator('#returns-type').selectOption(TYPE);
  await page.locator('#returns-year').selectOption(String(year));
  await page.locator('[data-testid=returns-grid]').waitFor();
}

describe('periodic returns, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('ret');
  const ids = {};
  let period;


  it('the administrator creates the migration office, the coordinator\'s office and their users', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, 'agdam');
  });

  it('the data manager opens a due month from the tasks, is held by the check, saves and submits', async () => {
    const page = pages.manager;
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    const task = page.getByTestId(`return-due-${TYPE}`).locator('a[data-action=create]').first();
    await task.waitFor();
    period = await task.locator('..').getAttribute('data-period');
    assert.match(period, /^\d{4}-\d{2}$/);
    assert.match(await task.getAttribute('href'), new RegExp(`/records/${TYPE}/new\\?period=${period}$`));
    await screenshot(page, '80-return-tasks');
    await task.click();
    await h1(page, 'Yeni qeyd');
    assert.equal(await page.locator('#f-period').inputValue(), period);
    await page.locator('#f-breaching_identified').fill('940');
    await page.locator('#f-deported').fill('655');
    await page.locator('#f-screened').fill('30');
    await page.locator('#f-referred_to_police').fill('31');
    // More referred than screened: the check between the figures refuses it.
    await page.locator('form button[type=submit]').first().click();
    await page.locator('[data-alert=error]').waitFor();
    assert.match(page.url(), /\/new/);
    await page.locator('#f-referred_to_police').fill('3');
    ids.ret = await createRecord(page, TYPE);
    await page.locator('[data-testid=record-state]', { hasText: 'Qaralama' }).waitFor();
    await takeTransition(page, 'submit');
    await page.locator('[data-testid=record-state]', { hasText: STATE.submitted }).waitFor();
    await assertAccessible(page, 'the submitted return');
  });

  it('the coordinator opens it from the grid and returns it for correction with a comment', async () => {
    const page = pages.coordinator;
    await openGrid(page, period.slice(0, 4));
    const cell = cellOf(page, period);
    assert.equal(await cell.getAttribute('data-state'), 'submitted');
    await screenshot(page, '81-returns-grid-submitted');
    await assertAccessible(page, 'the returns page');
    await cell.locator('a').click();
    await page.waitForURL(new RegExp(`/records/${TYPE}/${ids.ret}$`));
    await takeTransition(page, 'return_for_correction', async () => {
      await page.locator('#t-review_comment').fill('Ölkədən çıxarılanların sayını yenidən yoxlayın.');
    });
    await page.locator('[data-testid=record-state]', { hasText: STATE.returned }).waitFor();
  });

  it('the data manager finds the returned month among the tasks, corrects it and submits it again', async () => {
    const page = pages.manager;
    await page.goto(`${cfg.baseUrl}/`);
    const task = page.getByTestId(`return-due-${TYPE}`).locator(`a[href="/records/${TYPE}/${ids.ret}"]`);
    await task.waitFor();
    await task.click();
    await page.waitForURL(new RegExp(`/records/${TYPE}/${ids.ret}$`));
    await page.locator('[data-testid=record-state]', { hasText: STATE.returned }).waitFor();
    assert.match(await readField(page, 'review_comment'), /yenidən yoxlayın/);
    await editRecord(page);
    await page.locator('#f-deported').fill('651');
    await saveRecord(page);
    await takeTransition(page, 'submit');
    await page.locator('[data-testid=record-state]', { hasText: STATE.submitted }).waitFor();
  });

  it('the coordinator approves it; the returns page shows the month approved', async () => {
    const page = pages.coordinator;
    await page.goto(`${cfg.baseUrl}/records/${TYPE}/${ids.ret}`);
    await page.locator('[data-testid=record-state]', { hasText: STATE.submitted }).waitFor();
    assert.equal(await readField(page, 'deported'), '651');
    await takeTransition(page, 'approve');
    await page.locator('[data-testid=record-state]', { hasText: STATE.approved }).waitFor();
    await openGrid(page, period.slice(0, 4));
    const cell = cellOf(page, period);
    await cell.waitFor();
    assert.equal(await cell.getAttribute('data-state'), 'approved');
    assert.match(await cell.textContent(), /təsdiqlənib/);
    await screenshot(page, '82-returns-grid-approved');
  });

  it('the data manager sees the month approved, and a missing month opens the form with its period', async () => {
    const page = pages.manager;
    await openGrid(page, period.slice(0, 4));
    assert.equal(await cellOf(page, period).getAttribute('data-state'), 'approved');
    // A data manager sees their own agency only.
    assert.equal(await page.locator('[data-testid=returns-grid] tbody tr').count(), 1);
    await page.locator('#returns-year').selectOption('2019');
    const missing = cellOf(page, '2019-03');
    await missing.locator('a[data-action=create]').waitFor();
    assert.equal(await missing.getAttribute('data-state'), 'missing');
    assert.equal(await missing.getAttribute('data-overdue'), 'true');
    await missing.locator('a').click();
    await h1(page, 'Yeni qeyd');
    assert.equal(await page.locator('#f-period').inputValue(), '2019-03');
    assert.deepEqual(pageErrors, []);
  });
});
