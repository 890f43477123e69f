// Internet and media monitoring in the browser, in Azerbaijani (O1), on the server auth.test.mjs
// started with: the administrator creates the special police's internet unit and an officer; the
// officer records an item found on a website (the form warns never to upload the material, and
// has no upload control), confirms it, records the limitation of access ordered, and exports the
// block list for a named access provider — the downloaded file holds the address. A block list
// asked for without a recipient is refused, naming the field.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order). All
// names and addresses are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  assertAccessible,
  browserSuite,
  checkValue,
  createRecord,
  dayFromToday,
  downloadedText,
  h1,
  saveRecord,
  screenshot,
  setUpAgenciesAndUsers,
  takeTransition,
  editRecord,
  readField,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const AGENCIES = {
  unit: { name: `Sınaq internet monitorinqi bölməsi ${run}`, type: 'special_police' },
};
const USERS = {
  officer: { login: `e2e.imo.${run}`, name: 'Sınaq Monitorinq Əməkdaşı', agency: 'unit', role: 'internet_monitoring_officer' },
};
const ADDRESS = `https://nümunə-${run}.example.invalid/elan/41`;
const RECIPIENT = `Sınaq Provayder ${run} MMC`;

describe('internet monitoring and the block list, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('imo');
  const ids = {};


  it('the administrator creates the internet unit and its officer', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, 'babek');
  });

  it('the officer records an item (the notice is shown, no upload), confirms it and records the limitation ordered', async () => {
    const page = pages.officer;
    await page.goto(`${cfg.baseUrl}/records/monitoring_item/new`);
    await h1(page, 'Yeni qeyd');
    const notice = page.getByTestId('type-notice');
    await notice.waitFor();
    assert.match(await notice.textContent(), /heç vaxt yükləməyin/);
    assert.equal(await page.locator('input[type=file]').count(), 0);
    await page.locator('#f-reference').fill(`İM-${run}`);
    await page.locator('#f-found_on').fill(dayFromToday(-3));
    await page.locator('#f-platform').selectOption('website');
    await page.locator('#f-address').fill(ADDRESS);
    await page.locator('#f-category').selectOption('trafficking_advertisement');
    await page.locator('#f-found_by').selectOption('monitoring');
    await screenshot(page, '70-monitoring-item-new');
    await assertAccessible(page, 'the new monitoring item form');
    ids.item = await createRecord(page, 'monitoring_item');
    // The notice stays on the record's page; still no upload control.
    await page.getByTestId('type-notice').waitFor();
    assert.equal(await page.locator('input[type=file]').count(), 0);

    await takeTransition(page, 'confirm', async () => {
      await page.locator('#t-verified_on').fill(dayFromToday(-2));
    });
    await page.locator('[data-testid=record-state]', { hasText: 'Təsdiqlənib' }).waitFor();

    // The measures: limitation of access requested and ordered (from that day on the block list),
    // in the record's form (Edit): it has no upload control either.
    await editRecord(page);
    assert.equal(await page.locator('input[type=file]').count(), 0);
    await checkValue(page, 'f-measures', 'access_limitation_requested');
    await page.locator('#f-limitation_requested_on').fill(dayFromToday(-2));
    await page.locator('#f-limitation_ordered_on').fill(dayFromToday(-1));
    await page.locator('#f-limitation_order').fill(`Q-${run}/1`);
    await saveRecord(page);
    assert.equal(await readField(page, 'limitation_order'), `Q-${run}/1`);
    await screenshot(page, '71-monitoring-item-measures');
  });

  it('the officer exports the block list for a named recipient: the file holds the address', async () => {
    const page = pages.officer;
    await page.locator('nav a', { hasText: 'Bloklama siyahısı' }).click();
    await h1(page, 'Bloklama siyahısı');
    // Today is the default day, shown dd.mm.yyyy.
    assert.match(await page.locator('#bl-date').inputValue(), /^\d{2}\.\d{2}\.\d{4}$/);

    // Without a recipient: refused, naming the field.
    await page.locator('[data-action=download-block-list]').click();
    await page.locator('#bl-recipient-error').waitFor();
    assert.match(await page.locator('[data-alert=error]').textContent(), /Alıcı/);
    assert.equal(await page.locator('#bl-recipient').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'the block list page with an error');

    await page.locator('#bl-recipient').fill(RECIPIENT);
    const file = await downloadedText(page, () => page.locator('[data-action=download-block-list]').click());
    assert.match(file.name, /^block-list-\d{4}-\d{2}-\d{2}\.txt$/);
    const lines = file.text.split('\n');
    assert.ok(lines[0].startsWith('#'), 'the file starts with its header');
    assert.ok(file.text.includes(RECIPIENT), 'the header names the recipient');
    const entry = lines.find((l) => l.startsWith(ADDRESS));
    assert.ok(entry, `the address is on the list:\n${file.text}`);
    assert.deepEqual(entry.split('\t'), [ADDRESS, `Q-${run}/1`, dayFromToday(-1)]);
    const done = page.getByTestId('block-list-done');
    await done.waitFor();
    assert.match(await done.textContent(), /\d+ ünvan/);
    assert.equal(await page.locator('#bl-recipient-error').count(), 0);
    await screenshot(page, '72-block-list');
    await assertAccessible(page, 'the block list page');
    assert.deepEqual(pageErrors, []);
  });
});
