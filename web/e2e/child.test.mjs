// Child protection in the browser, in Azerbaijani (C1, C2), on the server auth.test.mjs started
// with: the administrator creates a police juvenile unit, a commission on minors' affairs and a
// DOST centre and their users; the juvenile officer records a raid at a market and a child found
// begging, refers the child to the special police (the signal is opened and linked), and sends
// materials about a parent to the commission, whose secretary finds them in the inbox and records
// the decision; a DOST worker plans a visit to a child under guardianship and records it.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order): it
// signs the administrator in with the state auth.test.mjs saved, and leaves that state for
// path.test.mjs. All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  assertAccessible,
  browserSuite,
  createRecord,
  h1,
  pickRecord,
  screenshot,
  setUpAgenciesAndUsers,
  takeTransition,
  readField,
  apiCall,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const AZ = {
  home: 'Əsas səhifə',
  changeTitle: 'Şifrənin dəyişdirilməsi',
  totpTitle: 'İkinci amili quraşdırın',
  totpStart: 'Başla',
  referred: 'Xüsusi polisə yönləndirilib',
  decided: 'Qərar qəbul edilib',
  visitDone: 'Baş çəkilib',
};
const AGENCIES = {
  juvenile: { name: `Sınaq RPİ yetkinlik yaşına çatmayanlar şöbəsi ${run}`, type: 'police' },
  commission: { name: `Sınaq RİH komissiyası ${run}`, type: 'local_authority' },
  dost: { name: `Sınaq DOST mərkəzi ${run}`, type: 'child_protection' },
};
const USERS = {
  juvenile: { login: `e2e.juv.${run}`, name: 'Sınaq İnspektor', agency: 'juvenile', role: 'police_juvenile_officer' },
  secretary: { login: `e2e.katib.${run}`, name: 'Sınaq Katib', agency: 'commission', role: 'juvenile_commission_secretary' },
  dost: { login: `e2e.dost.${run}`, name: 'Sınaq DOST İşçisi', agency: 'dost', role: 'child_protection_officer' },
};

function localNow() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
const today = new Date().toISOString().slice(0, 10);

describe('child protection, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('cp');
  const ids = {};


  it('the administrator creates the agencies and their users', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, 'kangarli');
  });

  it('a raid whose answer is lost on the way is saved again as the same raid, not a second one', async () => {
    const page = pages.juvenile;
    const total = async () => (await apiCall(page, 'GET', '/records/raid?count=true&limit=1')).body.total;
    await page.goto(`${cfg.baseUrl}/records/raid/new`);
    await h1(page, 'Yeni qeyd');
    const before = await total();
    await page.locator('#f-raid_on').fill(today);
    await page.locator('#f-region').selectOption('baku');
    await page.locator('#f-place_type').selectOption('market');
    await page.locator('#f-place').fill(`Yaşıl bazar ${run}`);
    // The server makes the raid, then the connection drops before the answer arrives.
    const keys = [];
    let lose = true;
    await page.route('**/api/v1/records/raid', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key']);
      if (!lose) return route.continue();
      lose = false;
      const made = await route.fetch();
      assert.equal(made.status(), 201);
      await route.abort('connectionreset');
    });
    await page.locator('form button[type=submit]').first().click();
    await page.locator('[data-alert=error]', { hasText: 'Serverə qoşulmaq mümkün olmadı.' }).waitFor();
    assert.equal(await total(), before + 1, 'the server made it');
    // Saved again: the same key, and the raid already made.
    const id = await createRecord(page, 'raid');
    await page.unroute('**/api/v1/records/raid');
    assert.equal(keys.length, 2);
    assert.match(keys[0], /^[0-9a-f]{32}$/);
    assert.equal(keys[1], keys[0]);
    assert.equal(await total(), before + 1, 'one raid, not two');
    const raid = await apiCall(page, 'GET', `/records/raid/${id}`);
    assert.equal(raid.body.data.place, `Yaşıl bazar ${run}`);
  });

  it('the juvenile officer records a raid and a child found begging, and refers the child to the special police', async () => {
    const page = pages.juvenile;
    await page.goto(`${cfg.baseUrl}/records/raid/new`);
    await h1(page, 'Yeni qeyd');
    await page.locator('#f-raid_on').fill(today);
    await page.locator('#f-region').selectOption('baku');
    await page.locator('#f-place_type').selectOption('market');
    await page.locator('#f-place').fill('Təzə bazar');
    ids.raid = await createRecord(page, 'raid');
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await page.locator('#f-last_name').fill('Nümunəov');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('male');
    await page.locator('#f-birth').fill('2011');
    ids.child = await createRecord(page, 'person');
    await page.goto(`${cfg.baseUrl}/records/child_found/new`);
    await pickRecord(page, 'f-raid', ids.raid);
    await page.locator('#f-found_on').fill(today);
    await pickRecord(page, 'f-person', ids.child);
    await page.locator('#f-activity').selectOption('begging');
    await page.locator('#f-accompanied_by').selectOption('other_adult');
    ids.found = await createRecord(page, 'child_found');
    await screenshot(page, '60-child-found');
    await assertAccessible(page, 'the child found page');
    await takeTransition(page, 'refer_to_police', async () => {
      await page.locator('#t-referred_at').fill(localNow());
    });
    await page.locator('main', { hasText: AZ.referred }).waitFor();
    // The signal opened by the referral is on the child's record: the juvenile officer may not read
    // signals, so the page names it by number, out of reach.
    const found = await apiCall(page, 'GET', `/records/child_found/${ids.found}`);
    assert.equal(found.status, 200, found.text);
    const signalId = found.body.data.signal;
    assert.ok(signalId > 0);
    await page.locator('.tab-panel [data-field=signal] dd', { hasText: `№ ${signalId} (çıxış yoxdur)` }).waitFor();
    // Materials about a parent to the commission.
    await page.goto(`${cfg.baseUrl}/records/commission_material/new`);
    await pickRecord(page, 'f-child_found', ids.found);
    await page.locator('#f-subject').selectOption('parent');
    await page.locator('#f-subject_name').fill('Nümunə Valideynov');
    await page.locator('#f-sent_on').fill(today);
    ids.material = await createRecord(page, 'commission_material');
  });

  it("the commission's secretary finds the materials in the inbox and records the decision", async () => {
    const page = pages.secretary;
    await page.goto(`${cfg.baseUrl}/records/commission_material?state=sent`);
    await page.locator(`a[href="/records/commission_material/${ids.material}"]`).first().click();
    await page.waitForURL(new RegExp(`/records/commission_material/${ids.material}`));
    // The secretary reads the parent's name (identity read, audited) to hear the case.
    await page.locator('.tab-panel [data-field=subject_name]').waitFor();
    assert.equal(await readField(page, 'subject_name'), 'Nümunə Valideynov');
    await takeTransition(page, 'decide', async () => {
      await page.locator('#t-decision').selectOption('warning');
      await page.locator('#t-decided_on').fill(today);
    });
    await page.locator('main', { hasText: AZ.decided }).waitFor();
    await screenshot(page, '61-commission-decision');
    await assertAccessible(page, 'the commission material page');
  });

  it('a DOST worker plans a visit to a child under guardianship and records it', async () => {
    const page = pages.dost;
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await page.locator('#f-last_name').fill('Nümunəova');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('female');
    await page.locator('#f-birth').fill('2013-05');
    const person = await createRecord(page, 'person');
    await page.goto(`${cfg.baseUrl}/records/care_child/new`);
    await pickRecord(page, 'f-person', person);
    await page.locator('#f-care_kind').selectOption('guardianship');
    await page.locator('#f-monitoring_from').fill(today);
    const care = await createRecord(page, 'care_child');
    await page.goto(`${cfg.baseUrl}/records/care_visit/new`);
    await pickRecord(page, 'f-care_child', care);
    await page.locator('#f-planned_on').fill(today);
    await createRecord(page, 'care_visit');
    await takeTransition(page, 'complete', async () => {
      await page.locator('#t-done_on').fill(today);
      await page.locator('#t-finding').selectOption('no_concerns');
    });
    await page.locator('main', { hasText: AZ.visitDone }).waitFor();
    await screenshot(page, '62-care-visit');
    assert.deepEqual(pageErrors, []);
  });
});
