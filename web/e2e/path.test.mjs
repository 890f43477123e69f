// The victim's path in the browser, in Azerbaijani, on the server auth.test.mjs started with:
// the administrator creates agencies and users; a second administrator approves the roles with
// identity access (the two-person rule); each user signs in for the first time (one-time
// password, new password, second factor where the role needs one); a hotline operator takes a
// call, the police register the person, screen, identify and share the case, an NGO accepts
// the referral, shelters and assists, the Assistance Center decides and pays the one-time
// subsidy; wrong-role refusals; the coordinator's dashboard and annual report (PDF); languages.
//
// Runs after auth.test.mjs (files run one at a time, in name order): that file changes the
// administrator's password and writes it, with the TOTP secret, where loadAdminState() reads it.
// All names here are made up ("Nümunəova Sınaq"...).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  assertAccessible,
  config,
  createRecord,
  enterTotp,
  forgetAdminStateAfterLastFile,
  h1 as h1Of,
  launch,
  pageOpener,
  loadAdminState,
  pickRecord,
  approvePendingRoles,
  saveAdminState,
  screenshot,
  signInSecondAdmin,
  signInWithState,
  takeTransition,
  editRecord,
  readField,
} from './lib.mjs';

const run = randomBytes(3).toString('hex'); // logins and names unique per run
const today = new Date().toISOString().slice(0, 10);
const year = today.slice(0, 4);

const AZ = {
  home: 'Əsas səhifə',
  changeTitle: 'Şifrənin dəyişdirilməsi',
  totpTitle: 'İkinci amili quraşdırın',
  totpStart: 'Başla',
  refusal: 'Sizin rolunuz «Müavinət» qeydlərini yaratmağa icazə vermir.',
  notFound: 'Qeyd tapılmadı və ya ona çıxışınız yoxdur.',
  referred: 'Polisə yönləndirilib',
  identified: 'Qurban kimi tanınıb',
  required: 'Bu sahə doldurulmalıdır.',
};

const AGENCIES = {
  police: { name: `Sınaq polis idarəsi ${run}`, type: 'special_police' },
  ngo: { name: `Sınaq QHT «Ümid yolu» ${run}`, type: 'ngo' },
  hotline: { name: `Sınaq qaynar xətti ${run}`, type: 'hotline' },
  assistance: { name: `Sınaq yardım mərkəzi ${run}`, type: 'assistance_center' },
  coordinator: { name: `Sınaq koordinator aparatı ${run}`, type: 'coordinator' },
};
const USERS = {
  hotline: { login: `e2e.hotline.${run}`, name: 'Sınaq Operator', agency: 'hotline', roles: ['hotline_operator'] },
  police: { login: `e2e.police.${run}`, name: 'Sınaq Müstəntiq', agency: 'police', roles: ['police_investigator', 'facility_directory'] },
  ngo: { login: `e2e.ngo.${run}`, name: 'Sınaq Sosial İşçi', agency: 'ngo', roles: ['case_worker'] },
  subsidy: { login: `e2e.subsidy.${run}`, name: 'Sınaq Subsidiya Mütəxəssisi', agency: 'assistance', roles: ['subsidy_officer'] },
  coord: { login: `e2e.coord.${run}`, name: 'Sınaq Koordinator', agency: 'coordinator', roles: ['coordinator'] },
};

function localNow() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

describe('the victim path, in Azerbaijani', () => {
  let cfg;
  let browser;
  const pages = {};
  const pageErrors = [];
  const ids = {};

  const newPage = pageOpener(() => browser, pages, pageErrors);

  const h1 = h1Of;
  const create = createRecord;
  const pick = pickRecord;
  const transition = takeTransition;

  async function tab(page, name) {
    await page.locator(`#tab-${name}`).click();
  }

  before(async () => {
    cfg = config();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    // The last file against this server but those named after it (search.test.mjs): the last
    // one removes the administrators' secrets, which need not outlive the run.
    if (cfg) forgetAdminStateAfterLastFile(cfg.baseUrl, import.meta.url);
  });

  // The state of every open page after each step (e2e/screenshots/last-*.png), for diagnosis.
  afterEach(async () => {
    for (const [name, page] of Object.entries(pages)) await screenshot(page, `last-${name}`).catch(() => {});
  });

  it('the administrator signs in', async () => {
    const page = await newPage('admin');
    if (loadAdminState(cfg.baseUrl)) {
      await signInWithState(page, cfg.baseUrl);
      return;
    }
    // Run alone: the administrator still has the one-time password.
    await page.goto(cfg.baseUrl + '/');
    await page.locator('#login').fill(cfg.login);
    const pw = `e2e ${randomBytes(12).toString('base64url')} Pw!`;
    await page.locator('#password').fill(cfg.password);
    await page.keyboard.press('Enter');
    await h1(page, AZ.changeTitle);
    await page.locator('#current_password').fill(cfg.password);
    await page.locator('#new_password').fill(pw);
    await page.locator('#repeat').fill(pw);
    await page.locator('form button[type=submit]').click();
    await h1(page, AZ.totpTitle);
    await page.getByRole('button', { name: AZ.totpStart }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
    const step = await enterTotp(page, page.locator('#code'), secret, () => h1(page, AZ.home));
    saveAdminState(cfg.baseUrl, { login: cfg.login, password: pw, secret, lastStep: step });
  });

  it('creates the agencies', async () => {
    const page = pages.admin;
    await page.locator('nav a', { hasText: 'Qurumlar' }).click();
    await h1(page, 'Qurumlar');
    // A missing type is named at its field by the server.
    await page.locator('#agency-name').fill(AGENCIES.police.name);
    await page.locator('form button[type=submit]').click();
    await page.locator('.field-invalid #agency-type').waitFor();
    for (const [key, a] of Object.entries(AGENCIES)) {
      await page.locator('#agency-name').fill(a.name);
      await page.locator('#agency-type').selectOption(a.type);
      await page.locator('form button[type=submit]').click();
      await page.locator('[data-alert=success]', { hasText: a.name }).waitFor();
      const row = page.locator('[data-testid=agencies] tr', { hasText: a.name });
      await row.waitFor();
      ids[`agency_${key}`] = Number(await row.locator('td').first().textContent());
    }
    await screenshot(page, '20-agencies');
    await assertAccessible(page, 'the agencies page');
  });

  it('creates the users; a role the agency cannot hold is refused at the field', async () => {
    const page = pages.admin;
    await page.locator('nav a', { hasText: 'İstifadəçilər' }).click();
    await h1(page, 'İstifadəçilər');
    await page.locator('#user-login').fill(`e2e.bad.${run}`);
    await page.locator('#user-name').fill('Səhv Rol');
    await page.locator('#user-agency').selectOption({ label: AGENCIES.hotline.name });
    await page.locator('input[type=checkbox][value=case_worker]').check();
    await page.locator('form button[type=submit]').first().click();
    await page.locator('#user-roles-error').waitFor();
    await page.locator('input[type=checkbox][value=case_worker]').uncheck();
    for (const u of Object.values(USERS)) {
      await page.locator('#user-login').fill(u.login);
      await page.locator('#user-name').fill(u.name);
      await page.locator('#user-agency').selectOption({ label: AGENCIES[u.agency].name });
      for (const r of u.roles) await page.locator(`input[type=checkbox][value=${r}]`).check();
      await page.locator('form button[type=submit]').first().click();
      await page.locator('[data-alert=success]', { hasText: u.login }).waitFor();
      u.oneTime = (await page.getByTestId('one-time-password').textContent()).trim();
      assert.ok(u.oneTime.length >= 12);
    }
    await screenshot(page, '21-users');
    await assertAccessible(page, 'the users page');
    // The audit viewer, filtered by action.
    await page.locator('nav a', { hasText: 'Audit jurnalı' }).click();
    await page.locator('#audit-action').fill('user.create');
    await page.locator('form button[type=submit]').click();
    // Only user.create entries once the filtered page has arrived (at least the five just made).
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-testid=audit] tbody tr')];
      return rows.length >= n && rows.every((r) => r.textContent.includes('user.create'));
    }, Object.keys(USERS).length);
    await screenshot(page, '21b-audit');
    await assertAccessible(page, 'the audit viewer');
  });

  it('a second administrator approves the roles with identity access (the two-person rule)', async () => {
    // The police investigator's role waits; the facility directory (no identity access) is held.
    const police = pages.admin.locator(`tr[data-login="${USERS.police.login}"]`);
    await pages.admin.locator('nav a', { hasText: 'İstifadəçilər' }).click();
    await police.getByTestId('pending-roles').waitFor();
    assert.equal(await police.getByTestId('approve-roles').isDisabled(), true);
    assert.equal(await pages.admin.locator(`tr[data-login="${USERS.coord.login}"]`).getByTestId('pending-roles').count(), 0);
    const page = await newPage('admin2');
    await signInSecondAdmin(page, cfg);
    await approvePendingRoles(page, Object.values(USERS).map((u) => u.login));
    const users = await page.evaluate(async () => (await (await fetch('/api/v1/users')).json()).items);
    for (const u of Object.values(USERS)) {
      const row = users.find((x) => x.login === u.login);
      assert.deepEqual([...row.roles].sort(), [...u.roles].sort(), u.login);
      assert.deepEqual(row.pending_roles, [], u.login);
    }
  });

  it('each new user changes the one-time password and sets up the second factor where the role needs it', async () => {
    for (const [key, u] of Object.entries(USERS)) {
      const page = await newPage(key);
      await page.goto(cfg.baseUrl + '/');
      await page.locator('#login').fill(u.login);
      await page.locator('#password').fill(u.oneTime);
      await page.keyboard.press('Enter');
      await h1(page, AZ.changeTitle);
      u.password = `Sınaq ${randomBytes(9).toString('base64url')} ${key}!`;
      await page.locator('#current_password').fill(u.oneTime);
      await page.locator('#new_password').fill(u.password);
      await page.locator('#repeat').fill(u.password);
      await page.locator('form button[type=submit]').click();
      // docs/security.md: every role with identity access or admin needs TOTP; the coordinator not.
      if (key === 'coord') {
        await h1(page, AZ.home);
        continue;
      }
      await h1(page, AZ.totpTitle);
      await page.getByRole('button', { name: AZ.totpStart }).click();
      u.secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
      await enterTotp(page, page.locator('#code'), u.secret, () => h1(page, AZ.home));
    }
    const nav = await pages.hotline.locator('nav .nav-links').textContent();
    assert.match(nav, /Qaynar xətt/);
    assert.doesNotMatch(nav, /İstifadəçilər|Göstəricilər/);
    await screenshot(pages.police, '22-home-police');
    await assertAccessible(pages.police, 'the police home page');
  });

  it('the hotline operator takes the call with the keyboard and saves it with Ctrl+Enter', async () => {
    const page = pages.hotline;
    await page.locator('nav a', { hasText: 'Qaynar xətt' }).click();
    await h1(page, 'Qaynar xətt: zəngin qeydiyyatı');
    // The name typed asks /linkage/search (404 until it is deployed: nothing is shown, nothing breaks).
    const linkageAsked = page.waitForResponse((r) => r.url().includes('/api/v1/linkage/search'));
    await page.locator('#h-topic').selectOption('labour_activity');
    await page.locator('#h-caller_type').selectOption('relative');
    await page.locator('#p-last_name').fill('Nümunəova');
    await page.locator('#p-first_name').fill('Sınaq');
    await page.locator('#s-person_sex').selectOption('female');
    await page.locator('#s-person_birth').fill('1999-04');
    await page.locator('#s-summary').fill('Qohumu xaricdə iş vədi ilə aldadılıb, sənədləri alınıb (sınaq məlumatı).');
    await linkageAsked;
    await screenshot(page, '23-hotline-intake');
    await assertAccessible(page, 'the hotline intake page');
    await page.locator('#s-summary').press('Control+Enter');
    await page.getByTestId('intake-saved').waitFor();
    ids.signal = Number((await page.getByTestId('saved-signal').getAttribute('href')).split('/').pop());
    ids.appeal = Number((await page.getByTestId('saved-appeal').getAttribute('href')).split('/').pop());
    // The form is ready for the next call.
    assert.equal(await page.locator('#p-last_name').inputValue(), '');
    // Refers the signal to the special police (within 24 hours).
    await page.getByTestId('saved-signal').click();
    await transition(page, 'refer', async () => {
      await page.locator('#t-referred_to').fill(AGENCIES.police.name);
    });
    await page.locator('[data-testid=record-state]', { hasText: AZ.referred }).waitFor();
  });

  it('the police register the person, open a victim case (server field errors at the field) and screen', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await h1(page, 'Yeni qeyd: Şəxs');
    await page.locator('#f-pseudonym').fill(`E2E-${run}`);
    await page.locator('#f-last_name').fill('Nümunəova');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('female');
    await page.locator('#f-birth').fill('1999-04');
    await page.locator('#f-citizenship').selectOption('AZ');
    ids.person = await create(page, 'person');
    // The signal points at the person's record.
    await page.goto(`${cfg.baseUrl}/records/signal/${ids.signal}`);
    await editRecord(page);
    await pick(page, 'f-person', ids.person);
    await page.locator('form button[type=submit]', { hasText: 'Yadda saxla' }).click();
    await page.locator('[data-alert=success]').waitFor();
    // A victim case from the person's relations, the person filled in.
    await page.goto(`${cfg.baseUrl}/records/person/${ids.person}`);
    await tab(page, 'relations');
    await page.locator('a[data-create=victim_case]').click();
    await page.locator(`a#f-person[data-ref-id="${ids.person}"]`).waitFor();
    await page.locator('#f-case_number').fill(`E2E-${year}-${run}`);
    await pick(page, 'f-signal', ids.signal);
    await page.locator('#f-consent_share_with input[value=ngo]').check();
    // Consent given needs who gave it and when: the server names both fields.
    await page.locator('form button[type=submit]').first().click();
    await page.locator('#f-registered_on-error').waitFor();
    await page.locator('#f-consent_given_by-error').waitFor();
    await screenshot(page, '24-victim-case-errors');
    await page.locator('#f-registered_on').fill(today);
    for (const t of ['shelter', 'assistance_center']) await page.locator(`#f-consent_share_with input[value=${t}]`).check();
    await page.locator('#f-consent_given_by').selectOption('person');
    await page.locator('#f-consent_recorded_on').fill(today);
    await page.locator('#f-forms_of_exploitation input[type=checkbox]').first().check();
    ids.victimCase = await create(page, 'victim_case');
    await screenshot(page, '25-victim-case');
    await assertAccessible(page, 'the victim case page');
    // The identification decision is now due (30 days from registration): on the case, and among
    // the police's tasks at home. On a fresh server it is listed there; on a populated one (the
    // demo) older overdue decisions come first and the group says how many there are in all.
    await page.locator('[data-testid=deadlines]', { hasText: 'İdentifikasiya qərarı' }).waitFor();
    await page.locator('nav a', { hasText: 'Əsas səhifə' }).click();
    const group = page.locator('[data-testid=tasks-identification_decision]');
    await group.waitFor();
    if ((await group.locator('a', { hasText: `E2E-${year}-${run}` }).count()) === 0) {
      const total = Number((await group.locator('.count').textContent()).replace(/\D/g, ''));
      assert.ok(total > 8, `the new case is missing from a task list that is not cut (${total} tasks)`);
      await group.locator('a', { hasText: String(total) }).last().waitFor();
    }
    await screenshot(page, '25b-home-tasks');
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);

    // Screening from the case: every indicator answered "yes" -> indicated.
    await tab(page, 'relations');
    await page.locator('a[data-create=screening]').click();
    await h1(page, 'İdentifikasiya skrininqi');
    await page.locator('[data-dimension] input[value=yes]').first().waitFor();
    for (const radio of await page.locator('[data-dimension] input[value=yes]').all()) await radio.check();
    await page.locator('[data-testid=screening-result][data-result=indicated]').waitFor();
    await screenshot(page, '26-screening');
    await assertAccessible(page, 'the screening page');
    await page.locator('form button[type=submit]').click();
    // Saving goes back to the case, which confirms it.
    await page.waitForURL(new RegExp(`/records/victim_case/${ids.victimCase}\\?screened=\\d+`));
    await page.getByTestId('screening-saved').waitFor();
  });

  it('a second call about her: the name typed without Azerbaijani letters finds the person the police registered', async () => {
    // The real matching service (POST /api/v1/linkage/search): the police's person record is
    // not the hotline's to open (counted, not shown); the hotline's own signal, which names it,
    // is listed.
    const page = pages.hotline;
    await page.goto(`${cfg.baseUrl}/hotline`);
    await h1(page, 'Qaynar xətt: zəngin qeydiyyatı');
    await page.locator('#p-last_name').fill('Numuneova');
    await page.locator('#p-first_name').fill('Sinaq');
    await page.locator('#s-person_birth').fill('1999');
    const matches = page.getByTestId('matches');
    await matches.locator('li', { hasText: 'Şəxs №' }).first().waitFor();
    const text = await matches.textContent();
    assert.match(text, /Ehtimal: \d+%/);
    assert.match(text, /Çıxışınız olmayan daha \d+ qeyd var\./);
    assert.match(text, /səslənişi eyni|dəqiq eyni/);  // which fields agreed, in Azerbaijani
    assert.ok(await matches.locator(`a[href="/records/signal/${ids.signal}"]`).count() > 0, 'the hotline sees its own signal');
    assert.doesNotMatch(text, /Nümunəova/);  // no name comes back
    await screenshot(page, '23b-hotline-matches');
    await assertAccessible(page, 'the hotline intake with matches');
    for (const f of ['#p-last_name', '#p-first_name', '#s-person_birth']) await page.locator(f).fill('');
  });

  it('the police identify the victim, share the case and refer it to the NGO', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    // The signed consent as an attachment (a made-up one-page PDF), in the consent section.
    await page.locator('[data-section=consent] [data-action=edit-section]').click();
    await page.locator('#f-consent_document').setInputFiles({
      name: 'razılıq-sınaq.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await page.locator('[data-field=consent_document] a', { hasText: 'razılıq-sınaq.pdf' }).waitFor();
    await page.locator('[data-section=consent] form button[type=submit]', { hasText: 'Yadda saxla' }).click();
    await page.locator('[data-alert=success]', { hasText: 'Dəyişikliklər saxlanıldı: «Razılıq» bölməsi.' }).waitFor();
    // Back in read mode, the file by its name.
    await page.locator('[data-section=consent][data-mode=read] [data-field=consent_document] a', { hasText: 'razılıq-sınaq.pdf' }).waitFor();
    await transition(page, 'identify', async () => {
      // The decision beside the screening's result.
      await page.locator('.transition-panel [data-testid=decision-screening][data-result=indicated]').waitFor();
    });
    await page.locator('[data-testid=record-state]', { hasText: AZ.identified }).waitFor();
    await tab(page, 'sharing');
    for (const key of ['ngo', 'assistance']) {
      await page.locator('#share-agency').selectOption({ label: AGENCIES[key].name });
      await page.locator('#share-reason').fill('Yardım göstərilməsi üçün (sınaq)');
      await page.locator('form button[type=submit]', { hasText: 'Paylaş' }).click();
      await page.locator('[data-alert=success]', { hasText: AGENCIES[key].name }).waitFor();
    }
    await tab(page, 'relations');
    await page.locator('a[data-create=referral]').click();
    await page.locator('#f-to_agency_type').selectOption('ngo');
    await page.locator('#f-to_agency_id').selectOption({ label: AGENCIES.ngo.name });
    await page.locator('#f-sent_at').fill(localNow());
    ids.referral = await create(page, 'referral');
  });

  it('the police open a criminal case with a wanted accused and the victim; the case view shows them', async () => {
    const page = pages.police;
    const firstOption = async (sel) => page.locator(`${sel} option`).nth(1).getAttribute('value');
    await page.goto(`${cfg.baseUrl}/records/criminal_case/new`);
    await page.locator('#f-case_number').fill(`CI-${year}-${run}`);
    await page.locator('#f-main_article').selectOption(await firstOption('#f-main_article'));
    await page.locator('#f-registered_on').fill(today);
    await page.locator('form button[type=submit]').first().click();
    await page.waitForURL(/\/criminal-cases\/\d+/);
    ids.criminalCase = Number(new URL(page.url()).pathname.split('/').pop());
    await page.locator('a[href^="/records/accused/new"]').click();
    await page.locator('#f-last_name').fill('Uydurmaov');
    await page.locator('#f-first_name').fill('Nümunə');
    await page.locator('#f-sex').selectOption('male');
    await page.locator('#f-procedural_status').selectOption(await firstOption('#f-procedural_status'));
    await page.locator('#f-wanted').selectOption('true');
    await page.locator('#f-wanted_since').fill(today);
    await create(page, 'accused');
    await page.goto(`${cfg.baseUrl}/criminal-cases/${ids.criminalCase}`);
    await page.locator('a[href^="/records/case_victim/new"]').click();
    await pick(page, 'f-victim_case', ids.victimCase);
    await page.locator('#f-participation').selectOption(await firstOption('#f-participation'));
    await create(page, 'case_victim');
    await page.goto(`${cfg.baseUrl}/criminal-cases/${ids.criminalCase}`);
    await page.locator('[data-testid=accused] tr', { hasText: 'axtarışda' }).waitFor();
    await page.locator('[data-testid=case-victims] a', { hasText: `E2E-${year}-${run}` }).waitFor();
    await screenshot(page, '27-criminal-case');
    await assertAccessible(page, 'the criminal case view');
  });

  it('the police import facilities from a CSV: a dry run names the bad line, then the import', async () => {
    const page = pages.police;
    await page.locator('nav a', { hasText: 'İdxal' }).click();
    await h1(page, 'Qeydlərin idxalı');
    await page.locator('#imp-type').selectOption('facility');
    const csv = (kind) => Buffer.from(`name,facility_kind,operated_by,capacity\nSınaq mərkəzi ${run},${kind},ngo,5\n`);
    await page.locator('#imp-file').setInputFiles({ name: 'facilities.csv', mimeType: 'text/csv', buffer: csv('no_such_kind') });
    await page.locator('form button[type=submit]').click();
    const report = page.getByTestId('import-report');
    await report.locator('td', { hasText: 'facility_kind' }).waitFor();
    await screenshot(page, '32c-import-errors');
    await assertAccessible(page, 'the import page');
    await page.locator('#imp-file').setInputFiles({ name: 'facilities.csv', mimeType: 'text/csv', buffer: csv('rehabilitation_centre') });
    await page.locator('form button', { hasText: 'İdxal et' }).click();
    await report.locator('[data-alert=success]', { hasText: 'İdxal olundu: 1 qeyd yaradıldı, 0 qeyd yeniləndi.' }).waitFor();
  });

  it('wrong roles are refused: a hotline operator cannot open the case, a case worker cannot decide a subsidy', async () => {
    const hot = pages.hotline;
    await hot.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    await hot.locator('[data-alert=error]', { hasText: AZ.notFound }).waitFor();
    const ngo = pages.ngo;
    await ngo.goto(`${cfg.baseUrl}/records/subsidy/new`);
    await ngo.getByTestId('refusal').waitFor();
    assert.equal((await ngo.getByTestId('refusal').textContent()).trim(), AZ.refusal);
    await screenshot(ngo, '27-refusal');
  });

  it('the NGO opens a shelter, accepts the referral, places and assists the victim', async () => {
    const page = pages.ngo;
    await page.goto(`${cfg.baseUrl}/records/facility/new`);
    await page.locator('#f-name').fill(`Sınaq sığınacağı ${run}`);
    await page.locator('#f-facility_kind').selectOption('shelter');
    await page.locator('#f-operated_by').selectOption('ngo');
    await page.locator('#f-capacity').fill('10');
    ids.facility = await create(page, 'facility');

    await page.locator('nav a', { hasText: 'Göndərişlər' }).click();
    await h1(page, 'Göndərişlər');
    const row = page.locator(`[data-referral="${ids.referral}"]`);
    await row.waitFor();
    await screenshot(page, '28-referrals');
    await assertAccessible(page, 'the referral inbox');
    await row.locator('[data-action=accept]').click();
    await page.locator('[data-alert=success]').waitFor();

    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    await tab(page, 'relations');
    await page.locator('a[data-create=placement]').click();
    await page.locator(`a#f-victim_case[data-ref-id="${ids.victimCase}"]`).waitFor();
    await pick(page, 'f-facility', ids.facility);
    await page.locator('#f-admitted_on').fill(today);
    ids.placement = await create(page, 'placement');

    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    await tab(page, 'relations');
    await page.locator('a[data-create=service]').click();
    await page.locator('#f-kind').selectOption('psychological');
    await page.locator('#f-given_on').fill(today);
    ids.service = await create(page, 'service');

    await page.locator('nav a', { hasText: 'Sığınacaqlar' }).click();
    const card = page.locator(`[data-facility="${ids.facility}"]`);
    await card.getByTestId('occupancy').waitFor();
    assert.match(await card.getByTestId('occupancy').textContent(), /^1 \/ 10 yer tutulub/);
    await screenshot(page, '29-facilities');
    await assertAccessible(page, 'the facility board');
  });

  it('the Assistance Center decides and pays the one-time subsidy (700 ₼ by the rate table)', async () => {
    const page = pages.subsidy;
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    await tab(page, 'relations');
    await page.locator('a[data-create=subsidy]').click();
    // The person comes from the case.
    await page.locator(`a#f-person[data-ref-id="${ids.person}"]`).waitFor();
    await page.locator('#f-kind').selectOption('one_time');
    await page.locator('#f-decision_date').fill(today);
    ids.subsidy = await create(page, 'subsidy');
    assert.equal(await readField(page, 'amount'), '700,00 ₼');
    await transition(page, 'pay', async () => {
      await page.locator('#t-payment_reference').fill(`E2E-PAY-${run}`);
    });
    await page.locator('[data-testid=record-state]', { hasText: 'Ödənilib' }).waitFor();
    await screenshot(page, '30-subsidy-paid');
  });

  it('the police see the whole path in the case relations and history', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    await tab(page, 'relations');
    for (const type of ['person', 'signal', 'screening', 'referral', 'placement', 'service', 'subsidy']) await page.locator(`[data-rel=${type}]`).first().waitFor();
    await screenshot(page, '31-relations');
    await tab(page, 'history');
    // The identification, and who made it: the police investigator, by name.
    await page.locator('.history li', { hasText: 'Qurban kimi tanı' }).filter({ hasText: USERS.police.name }).first().waitFor();
    await screenshot(page, '32-history');
    await assertAccessible(page, 'the record history');
    // The register list: filtered by state, the case found by its number.
    await page.locator('nav a', { hasText: 'Reyestrlər' }).click();
    await page.locator('.register-grid a', { hasText: 'Qurbanın işi' }).first().click();
    await page.locator('#filter-state').selectOption('identified');
    await page.locator('table.table a', { hasText: `E2E-${year}-${run}` }).waitFor();
    await screenshot(page, '32b-register-list');
    await assertAccessible(page, 'a register list');
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    // The same page in English: value labels and states follow the language.
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('[data-testid=record-state]', { hasText: 'Identified victim' }).waitFor();
    await page.getByRole('button', { name: 'Azərbaycanca' }).click();
    await page.locator('[data-testid=record-state]', { hasText: AZ.identified }).waitFor();
    // The linkage review queue is theirs: it opens (empty on a fresh server, pairs on the demo's).
    await page.locator('nav a', { hasText: 'Eyniləşdirmə' }).click();
    await h1(page, 'Eyni şəxs ola bilərmi? Yoxlanılacaq cütlər');
    await page.locator('[data-testid=review-empty], [data-testid=review-queue]').first().waitFor();
    assert.equal(await page.locator('[data-alert=error]').count(), 0);
    await screenshot(page, '32c-linkage-review');
    await assertAccessible(page, 'the linkage review page');
  });

  it('the coordinator sees the dashboard', async () => {
    const page = pages.coord;
    await page.locator('nav a', { hasText: 'Göstəricilər' }).click();
    await h1(page, 'Göstəricilər');
    await page.locator('#dash-year').selectOption(year);
    await page.getByTestId('key-figures').waitFor();
    await page.locator('.chart-figure').first().waitFor();
    await screenshot(page, '33-dashboard');
    await assertAccessible(page, 'the dashboard');
    await page.locator('nav a', { hasText: 'Sessiyalar' }).click();
    await page.locator('#sessions-h').waitFor();
    await assertAccessible(page, 'the sessions and tokens page');
  });

  it('the coordinator previews the annual report, opens a figure and downloads the PDF', async () => {
    const page = pages.coord;
    await page.locator('nav a', { hasText: 'İllik hesabat' }).click();
    await h1(page, 'İllik hesabat');
    await page.locator('#report-year').selectOption(year);
    await page.locator('form button[type=submit]').click();
    await page.getByTestId('report-preview').waitFor({ timeout: 60_000 });
    await page.locator('[data-figure]').first().click();
    await page.getByTestId('figure-details').waitFor();
    assert.match(await page.getByTestId('figure-details').textContent(), /Tərif:/);
    await screenshot(page, '34-annual-report');
    await assertAccessible(page, 'the annual report page');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.locator('[data-format=pdf]').click()]);
    const file = await download.path();
    assert.equal(readFileSync(file).subarray(0, 4).toString('latin1'), '%PDF');
    assert.match(download.suggestedFilename(), /\.pdf$/);
    // Its text (poppler's pdftotext, installed by the setup for the tests): the report of the
    // year chosen, in Azerbaijani, with its letters.
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8').replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`${year}`));
    assert.match(text, /İnsan alveri/);
    assert.match(text, /qurban/);
    await page.getByTestId('downloaded').waitFor();
  });

  it('switches language: English, then Russian, then back to Azerbaijani', async () => {
    const page = pages.coord;
    await page.getByRole('button', { name: 'English' }).click();
    await h1(page, 'Annual report');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByRole('button', { name: 'Русский' }).click();
    await h1(page, 'Годовой отчёт');
    await screenshot(page, '35-annual-report-ru');
    await page.getByRole('button', { name: 'Azərbaycanca' }).click();
    await h1(page, 'İllik hesabat');
  });

  it('in Russian the dashboard titles are whole (no label cut at a comma) and each count of persons agrees with its number', async () => {
    const page = pages.coord;
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.goto(`${cfg.baseUrl}/dashboard`);
    await h1(page, 'Показатели');
    const cards = page.getByTestId('key-figures').locator('li.card');
    await cards.first().waitFor();
    const titles = (await cards.locator('h3').allTextContents()).map((s) => s.trim());
    assert.ok(titles.includes('Лица, признанные жертвами торговли людьми'), titles.join(' | '));
    assert.ok(!titles.some((s) => s === 'Лица' || s === 'Жертвы'), `a title cut at its comma: ${titles.join(' | ')}`);
    // "1 лицо", "2 лица", "5 лиц", "11 лиц", "21 лицо", "91 лицо": Russian plural rules.
    const personForm = (n) => (n % 10 === 1 && n % 100 !== 11 ? 'лицо' : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 'лица' : 'лиц');
    let checked = 0;
    for (const card of await cards.all()) {
      const number = (await card.locator('.figure-button').textContent()).replace(/\s/g, '');
      const unit = (await card.locator('.big-number .muted').textContent()).trim();
      if (!['лицо', 'лица', 'лиц'].includes(unit) || !/^\d+$/.test(number)) continue;
      assert.equal(unit, personForm(Number(number)), `"${number} ${unit}"`);
      checked++;
    }
    assert.ok(checked > 0, 'no count of persons on the dashboard');
    await page.getByRole('button', { name: 'Azərbaycanca' }).click();
    await h1(page, 'Göstəricilər');
  });

  it('raised no uncaught script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
