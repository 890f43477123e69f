// A call routed to the special police at intake (issue 27), in Azerbaijani: the hotline operator
// picks the unit from the agencies of that type (not typed as free text), saves with Ctrl+Enter,
// and the new signal is referred to that unit at once - the page says so, the signal's state is
// "referred" with the unit named, and the appeal keeps where it was routed. Routed to another
// type of agency, the signal is saved and not referred.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order).
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertAccessible, browserSuite, h1, screenshot, setUpAgenciesAndUsers } from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'khojaly';
const REGION_NAME = 'Xocalı';
const AGENCIES = {
  police: { name: `Sınaq xüsusi polis (yönləndirmə) ${run}`, type: 'special_police' },
  hotline: { name: `Sınaq qaynar xətt (yönləndirmə) ${run}`, type: 'hotline' },
};
const USERS = {
  op: { login: `e2e.route.op.${run}`, name: 'Sınaq Yönləndirən Operator', agency: 'hotline', role: 'hotline_operator' },
};

/** GET from the API with the page's session. */
async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(`/api/v1${p}`, { headers: { Accept: 'application/json' } });
    return { status: r.status, body: await r.json() };
  }, path);
}

async function takeCall(page, summary, agencyType, unit) {
  await page.locator('nav a', { hasText: 'Qaynar xətt' }).click();
  await h1(page, 'Qaynar xətt: zəngin qeydiyyatı');
  await page.locator('#h-topic').selectOption('labour_activity');
  await page.locator('#h-routed_to_agency_type').selectOption(agencyType);
  if (unit) await page.locator('#h-routed_to').selectOption({ label: `${unit} (${REGION_NAME})` });
  await page.locator('#p-last_name').fill('Yönləndirilən');
  await page.locator('#p-first_name').fill('Sınaq');
  await page.locator('#s-summary').fill(summary);
  await page.locator('#s-summary').press('Control+Enter');
  await page.getByTestId('intake-saved').waitFor();
  const signal = Number((await page.getByTestId('saved-signal').getAttribute('href')).split('/').pop());
  const appeal = Number((await page.getByTestId('saved-appeal').getAttribute('href')).split('/').pop());
  return { signal, appeal };
}

describe('a call routed to the special police at intake, in Azerbaijani', () => {
  const { cfg, pages, newPage } = browserSuite('route');

  it('the administrator creates the police unit and the hotline with its operator', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it('the operator picks the unit, saves, and the signal is referred to it at once', async () => {
    const page = pages.op;
    await page.locator('nav a', { hasText: 'Qaynar xətt' }).click();
    await page.locator('#h-routed_to_agency_type').selectOption('special_police');
    // The unit is a choice of the agencies of that type, and the page says what saving will do.
    await page.locator('#h-routed_to-hint', { hasText: 'dərhal bu quruma yönləndiriləcək' }).waitFor();
    await assertAccessible(page, 'the intake with the routing unit');
    const { signal, appeal } = await takeCall(page, 'Xaricdə iş vədi, sənədləri alınıb (sınaq məlumatı).', 'special_police', AGENCIES.police.name);
    await page.getByTestId('saved-referred').filter({ hasText: `Siqnal yönləndirildi: ${AGENCIES.police.name}.` }).waitFor();
    await screenshot(page, 'route-referred');
    const s = await apiGet(page, `/records/signal/${signal}`);
    assert.equal(s.status, 200);
    assert.equal(s.body.state, 'referred');
    assert.equal(s.body.data.referred_to, AGENCIES.police.name);
    const a = await apiGet(page, `/records/hotline_appeal/${appeal}`);
    assert.equal(a.body.data.routed_to, AGENCIES.police.name);
    assert.equal(a.body.data.signal, signal);
  });

  it('routed to another type of agency, the signal is saved and not referred', async () => {
    const page = pages.op;
    const { signal } = await takeCall(page, 'Yalnız məlumat verildi (sınaq məlumatı).', 'ngo');
    assert.equal(await page.getByTestId('saved-referred').count(), 0);
    const s = await apiGet(page, `/records/signal/${signal}`);
    assert.equal(s.body.state, 'registered');
  });
});
