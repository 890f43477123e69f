// Labour inspections in the browser, in Azerbaijani (L1), on the server auth.test.mjs started
// with: the administrator creates a labour inspection office and a child protection body in one
// region and their users; the inspector records an inspection of a building site and a worker
// found there who is a minor (the child's person record created first), and refers the minor to
// child protection — which opens a child-at-risk record that the inspector does not read and the
// region's child protection officer does, with its source and risk.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order). All
// names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  assertAccessible,
  browserSuite,
  createRecord,
  dayFromToday,
  h1,
  pickRecord,
  screenshot,
  setUpAgenciesAndUsers,
  takeTransition,
  readField,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const AGENCIES = {
  inspection: { name: `Sınaq əmək müfəttişliyi idarəsi ${run}`, type: 'inspectorate' },
  childProtection: { name: `Sınaq uşaq müdafiəsi şöbəsi ${run}`, type: 'child_protection' },
};
const USERS = {
  inspector: { login: `e2e.mufettis.${run}`, name: 'Sınaq Müfəttiş', agency: 'inspection', role: 'labour_inspector' },
  cpo: { login: `e2e.usaq.${run}`, name: 'Sınaq Uşaq Müdafiəçisi', agency: 'childProtection', role: 'child_protection_officer' },
};

/** GET an API path from the page's session: status and body. */
async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(`/api/v1${p}`, { headers: { Accept: 'application/json' } });
    return { status: r.status, body: await r.json().catch(() => undefined) };
  }, path);
}

describe('labour inspections, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('lab');
  const ids = {};


  it('the administrator creates the inspection office, the child protection body and their users', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, 'sharur');
  });

  it('the inspector records an inspection and a minor found working, and refers the minor to child protection', async () => {
    const page = pages.inspector;
    await page.goto(`${cfg.baseUrl}/records/labour_inspection/new`);
    await h1(page, 'Yeni qeyd');
    await page.locator('#f-inspected_on').fill(dayFromToday(-1));
    await page.locator('#f-region').selectOption('baku');
    await page.locator('#f-site_kind').selectOption('construction_site');
    await page.locator('#f-site_name').fill(`Sınaq tikinti meydançası ${run}`);
    await page.locator('#f-employer_name').fill('Nümunə Tikinti MMC');
    await page.locator('#f-workers_checked').fill('14');
    ids.inspection = await createRecord(page, 'labour_inspection');

    // The minor's person record (identity, sealed).
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await page.locator('#f-last_name').fill('Nümunəov');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('male');
    await page.locator('#f-birth').fill('2009');
    ids.person = await createRecord(page, 'person');

    // The worker, from the inspection (the address fills the inspection in).
    await page.goto(`${cfg.baseUrl}/records/worker_found/new?inspection=${ids.inspection}`);
    await page.locator(`a#f-inspection[data-ref-id="${ids.inspection}"]`).waitFor();
    await page.locator('#f-found_on').fill(dayFromToday(-1));
    await pickRecord(page, 'f-person', ids.person);
    await page.locator('#f-region').selectOption('baku');
    await page.locator('#f-sex').selectOption('male');
    await page.locator('#f-is_minor').selectOption('true');
    await page.locator('#f-has_contract').selectOption('false');
    await page.locator('#f-occupation').fill('fəhlə köməkçisi');
    ids.worker = await createRecord(page, 'worker_found');
    await screenshot(page, '75-worker-found');
    await assertAccessible(page, 'the worker found page');

    await takeTransition(page, 'refer_minor', async () => {
      await page.locator('#t-referred_on').fill(dayFromToday(0));
    });
    await page.locator('[data-testid=record-state]', { hasText: 'Uşaq müdafiəsinə yönləndirilib' }).waitFor();
    // The child's record opened by the referral is on the worker's record: the inspector creates
    // it but does not read it, so the page names it by number, out of reach, with no link.
    const worker = await apiGet(page, `/records/worker_found/${ids.worker}`);
    assert.equal(worker.body.state, 'referred_to_child_protection');
    ids.child = worker.body.data.child_at_risk;
    assert.ok(ids.child > 0);
    assert.equal((await apiGet(page, `/records/child_at_risk/${ids.child}`)).status, 404);
    const named = page.locator('.tab-panel [data-field=child_at_risk] dd', { hasText: `№ ${ids.child} (çıxış yoxdur)` });
    await named.waitFor();
    assert.equal(await named.locator('a').count(), 0);
  });

  it("the region's child protection officer finds the child's record, from the labour inspection", async () => {
    const page = pages.cpo;
    const rec = await apiGet(page, `/records/child_at_risk/${ids.child}`);
    assert.equal(rec.status, 200);
    assert.equal(rec.body.data.source, 'labour_inspection');
    assert.deepEqual(rec.body.data.risks, ['child_labour']);
    assert.equal(rec.body.data.person, ids.person);
    assert.equal(rec.body.data.registered_on, dayFromToday(0));
    await page.goto(`${cfg.baseUrl}/records/child_at_risk/${ids.child}`);
    // Read mode: the person as a link, the source and the region by their labels.
    await page.locator(`.tab-panel [data-field=person] a[href="/records/person/${ids.person}"]`).waitFor();
    assert.equal(await readField(page, 'source'), 'Əmək müfəttişliyinin yoxlaması');
    assert.equal(await readField(page, 'region'), 'Bakı');
    await screenshot(page, '76-child-at-risk');
    await assertAccessible(page, 'the child at risk page');
    assert.deepEqual(pageErrors, []);
  });
});
