// One record: a summary (state, who holds it, deadlines; a case's screening and placements), the
// details in read mode — a type with sections (docs/records.md) read part by part and edited one
// part at a time, any other type as one part with its Edit button — workflow transition buttons (each asks for
// the fields it requires), history, relations (with "create linked" links) and sharing; a link to
// its print view. Also the page that creates a record of any type (/records/{type}/new?field=value),
// its form under the type's section headings.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, newIdempotencyKey, records, type RecordBody } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { fieldErrors, FormErrors, RecordForm, TypeNotice } from '../components/RecordForm';
import { RefLink, ValueView } from '../components/ValueView';
import { RecordSections } from '../components/RecordSections';
import { RecordSummary } from '../components/RecordSummary';
import { formSections, hasSections, OTHER_SECTION } from '../sections';
import { formatDateTime, nowIso, todayIso } from '../format';
import { isHiddenChange, keyWords, readableValue } from '../display';
import { useI18n } from '../i18n/context';
import type { Lang, Translate } from '../i18n';
import { compact, diff, label, recordTitle, visibleValues, type Meta, type TransitionDef, type TypeDef } from '../meta';
import { rememberRecord } from '../recent';
import { currentQuery, navigate, onLinkClick, useLocation } from '../router';
import { anotherHref, captureMode, linkedNew, noAnswer, queryValue, returnTarget, withParam } from '../offline/logic';
import { cachedRecord, cacheRecord, saveCreate, saveUpdate, syncSoon, useOfflineView } from '../offline/runtime';
import { forgetTitle, useAgencies, useLoad, useSession } from '../session';
import { recordHref } from './RecordList';
import { newProgressReportHref, plansHref } from '../plans';
import { CaseRehabilitationPlans, PlanMeasures } from './Rehabilitation';
import { AnswerRequest, QuotedFigures, RequestContributions } from './International';
import { answerOffered, withBodyName } from '../international';
import { offeredTransitions, transitionFields } from '../workflow';
import { DateInput } from '../components/DateInput';
import { DecisionScreening, ScreeningSaved } from './DecisionScreening';

/** Initial values of a new record from the address: ?field=value, and ?from=type:id copies refs. */
async function initialValues(meta: Meta, td: TypeDef): Promise<Record<string, unknown>> {
  const q = currentQuery();
  const values: Record<string, unknown> = {};
  if (q.from && navigator.onLine !== false) {
    const [ft, fid] = q.from.split(':');
    if (ft && fid) {
      try {
        const src = await records.get(ft, Number(fid));
        for (const f of td.fields)
          if (f.type === 'reference' && !f.computed) {
            if (f.ref === ft && values[f.name] === undefined) values[f.name] = src.id;
            else if (typeof src.data[f.name] === 'number' && meta.type(ft)?.fields.some((x) => x.name === f.name && x.ref === f.ref))
              values[f.name] = src.data[f.name];
          }
      } catch {
        // out of reach: nothing copied
      }
    }
  }
  for (const f of td.fields) {
    const v = q[f.name];
    if (v === undefined) continue;
    // A reference may name a record saved on this device (its local id, docs/offline.md).
    values[f.name] = queryValue(f, v);
  }
  return values;
}

/** Sensible defaults for a transition's required fields (today, now). */
function transitionDefaults(td: TypeDef, tr: TransitionDef, data: Record<string, unknown>): Record<string, unknown> {
  const v: Record<string, unknown> = { ...data };
  for (const name of tr.requires) {
    if (v[name] !== undefined) continue;
    const f = td.fields.find((x) => x.name === name);
    if (f?.type === 'date') v[name] = todayIso();
    if (f?.type === 'datetime') v[name] = nowIso();
  }
  return v;
}

/** A transition's required fields, and the fields that become required with them (src/workflow.ts). */
export { transitionFields };

/** A new record's page: the form opened afresh for each address (?raid=… after a child found was saved). */
export function NewRecord({ type }: { type: string }) {
  const location = useLocation();
  // A link after a save on the device may name this very address (a blank form again): a new round.
  const [round, setRound] = useState(0);
  return <NewRecordForm key={`${location}#${round}`} type={type} onAgain={() => setRound((n) => n + 1)} />;
}

function NewRecordForm({ type, onAgain }: { type: string; onAgain: () => void }) {
  const { t, lang } = useI18n();
  const { meta, user } = useSession();
  const td = meta.type(type);
  const [values, setValues] = useState<Record<string, unknown> | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const attempt = useRef<{ body: string; key: string } | undefined>(undefined);
  const agencies = useAgencies();
  // Field work offline: a type kept on the user's device is saved there when there is no connection.
  const device = useOfflineView();
  const capture = captureMode(type, device.info, user.id);
  const [savedHere, setSavedHere] = useState<{ localId: string; values: Record<string, unknown> } | undefined>(undefined);
  const [expiredRefusal, setExpiredRefusal] = useState(false);
  // Opened from another form's reference field ("new person"): saved, it goes back there with this record.
  const [back] = useState(() => returnTarget(currentQuery()));
  useEffect(() => {
    if (td) void initialValues(meta, td).then(setValues);
  }, [type]);
  // A contribution's body name (its title) follows the contributing agency chosen, unless typed.
  const change = (next: Record<string, unknown>) => setValues(type === 'request_contribution' && values ? withBodyName(values, next, agencies) : next);

  if (!td || !meta.may(type, 'read')) {
    return (
      <Page title={t('error.not_found')}>
        <ErrorAlert error={new ApiError({ status: 404, code: 'not_found' })} />
      </Page>
    );
  }
  const title = t('record.new_title', { type: label(td.label, lang) });
  if (!meta.may(type, 'create')) {
    return (
      <Page title={title}>
        <Alert kind="error">
          <p data-testid="refusal">{t('record.may_not_create', { type: label(td.label, lang) })}</p>
        </Alert>
      </Page>
    );
  }
  const save = async () => {
    if (!values) return;
    setSaving(true);
    setError(undefined);
    // One key per content: saving the same form again after a lost answer (the network failed
    // after the server made the record) gives that record, not a second one; changed content is
    // a new create.
    const body = compact(visibleValues(td, values));
    const text = JSON.stringify(body);
    if (attempt.current?.body !== text) attempt.current = { body: text, key: newIdempotencyKey() };
    const key = attempt.current.key;
    setExpiredRefusal(false);
    // Acknowledged only once it is stored on the device (sealed to its key: works while locked).
    const keepHere = async () => {
      try {
        const { localId } = await saveCreate(type, body, key);
        if (back) {
          navigate(withParam(back.href, back.field, localId));
          return;
        }
        setSavedHere({ localId, values: body });
        void syncSoon();
      } catch (e) {
        setError(e);
      }
      setSaving(false);
    };
    if (!device.online && capture === 'yes') return keepHere();
    try {
      const r = await records.create(type, body, key);
      void syncSoon();
      navigate(back ? withParam(back.href, back.field, r.id) : recordHref(type, r.id) + '?created=1');
    } catch (e) {
      // No answer (the network, or the server down): kept under the same key, so that a create
      // that did arrive is not made twice.
      if (noAnswer(e) && capture === 'yes') return keepHere();
      if (noAnswer(e) && capture === 'expired') setExpiredRefusal(true);
      setError(e);
      setSaving(false);
    }
  };
  if (savedHere) {
    const linked = linkedNew(meta, type, savedHere.localId, device.info?.offlineTypes ?? []);
    const another = anotherHref(td, savedHere.values);
    const go = (e: MouseEvent) => {
      onLinkClick(e);
      if (e.defaultPrevented) onAgain(); // followed in this page (not a new tab)
    };
    return (
      <Page title={title}>
        <Alert kind="success">
          <p data-testid="saved-on-device">{t('offline.saved_here')}</p>
        </Alert>
        <div class="panel offline-panel" data-testid="saved-on-device-next">
          {linked.length > 0 && (
            <>
              <h2>{t('record.create_linked')}</h2>
              <ul class="inline-links">
                {linked.map((l) => (
                  <li key={`${l.type.name}.${l.field.name}`}>
                    <a href={l.href} onClick={go} data-create={l.type.name}>
                      {label(l.type.label, lang)}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          )}
          <ul class="link-list">
            {another && (
              <li>
                <a href={another} onClick={go} data-action="another">
                  {t('offline.another', { type: label(td.label, lang) })}
                </a>
              </li>
            )}
            <li>
              <a href={`/records/${type}/new`} onClick={go} data-action="new-blank">
                {t('list.new_of', { type: label(td.label, lang) })}
              </a>
            </li>
            <li>
              <a href="/sync" onClick={go}>
                {t('offline.sync_page')}
              </a>
            </li>
          </ul>
        </div>
      </Page>
    );
  }
  return (
    <Page title={title}>
      {!values ? (
        <Loading />
      ) : (
        <form
          class="panel"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void save();
            }
          }}
        >
          <TypeNotice type={td} />
          {!device.online && capture === 'yes' && (
            <Alert kind="info">
              <p data-testid="offline-form-note">{t('offline.form_note')}</p>
            </Alert>
          )}
          {capture === 'expired' && (!device.online || expiredRefusal) && (
            <Alert kind="error">
              <p data-testid="offline-expired">{t('offline.expired_refusal')}</p>
            </Alert>
          )}
          <FormErrors error={error} td={td} />
          <p class="muted">{t('form.required_note')}</p>
          {hasSections(td) ? (
            formSections(td).map((s) => (
              <section key={s.name} class="form-section" data-section={s.name} aria-labelledby={`new-${s.name}-h`}>
                <h2 id={`new-${s.name}-h`}>{s.name === OTHER_SECTION ? t('section.other') : label(s.label, lang)}</h2>
                <RecordForm
                  type={td}
                  meta={meta}
                  values={values}
                  onChange={change}
                  error={error}
                  subset={s.fields.map((f) => f.name)}
                  identityReadOnly={meta.identity(type) !== 'write'}
                />
              </section>
            ))
          ) : (
            <RecordForm type={td} meta={meta} values={values} onChange={change} error={error} identityReadOnly={meta.identity(type) !== 'write'} />
          )}
          <div class="actions">
            <button type="submit" class="button" disabled={saving}>
              {saving ? t('form.saving') : t('form.create')}
            </button>
            <span class="muted small">{t('form.ctrl_enter')}</span>
          </div>
        </form>
      )}
    </Page>
  );
}

type Tab = 'details' | 'history' | 'relations' | 'sharing' | 'identity';

/** Records shown from the device's copy (no connection): their changes are saved on the device. */
const deviceCopies = new WeakSet<RecordBody>();

/** The record from the server; without a connection, the device's copy (unlocked, of the user's offline types). */
async function loadRecord(type: string, id: number): Promise<RecordBody> {
  try {
    return await records.get(type, id);
  } catch (e) {
    if (noAnswer(e)) {
      const copy = await cachedRecord(type, id);
      if (copy) {
        deviceCopies.add(copy);
        return copy;
      }
    }
    throw e;
  }
}

export function RecordPage({ type, id }: { type: string; id: number }) {
  const { t, lang } = useI18n();
  const { meta, user } = useSession();
  const td = meta.type(type);
  const rec = useLoad(() => loadRecord(type, id), [type, id]);
  const device = useOfflineView();
  // Field work offline: the record as opened or saved is kept on the device (sealed), to be opened
  // and changed there without a connection — once the device is unlocked.
  const [kept, setKept] = useState(false);
  const [tab, setTab] = useState<Tab>('details');
  const [current, setCurrent] = useState<RecordBody | undefined>(undefined);
  // A refused delete or restore (a part's own save shows its errors in the part).
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(currentQuery().created ? t('record.created') : undefined);
  // Back from the screening page: the screening just saved for this record.
  const [screened] = useState(() => (/^\d+$/.test(currentQuery().screened ?? '') ? Number(currentQuery().screened) : undefined));
  const [saving, setSaving] = useState(false);
  const [transition, setTransition] = useState<TransitionDef | undefined>(undefined);
  const [tValues, setTValues] = useState<Record<string, unknown>>({});
  const [tError, setTError] = useState<unknown>(undefined);
  const [deleting, setDeleting] = useState(false);
  const [deleteReason, setDeleteReason] = useState('');

  useEffect(() => {
    if (rec.data) {
      setCurrent(rec.data);
      rememberRecord({ type, id, title: recordTitle(td, rec.data, lang) });
    }
  }, [rec.data]);

  useEffect(() => {
    if (!current || device.locked || deviceCopies.has(current)) return;
    let live = true;
    void cacheRecord(type, current).then((ok) => live && setKept(ok));
    return () => {
      live = false;
    };
  }, [current, device.locked, device.info?.deviceId]);

  // ?transition=<name> opens that step's form once the record is shown (the visit calendar's
  // "record the visit"), when the step may be taken from the record's state.
  const wantedTransition = useRef(currentQuery().transition);
  useEffect(() => {
    const name = wantedTransition.current;
    if (!current || !td || !name) return;
    wantedTransition.current = undefined;
    const tr = offeredTransitions(td, current, (p) => meta.mayPermission(p), user.agency_id).find((x) => x.name === name);
    if (tr) {
      setTransition(tr);
      setTError(undefined);
      setTValues(transitionDefaults(td, tr, current.data));
      window.setTimeout(() => document.querySelector<HTMLElement>('.transition-panel select, .transition-panel input, .transition-panel textarea')?.focus(), 0);
    }
  }, [current]);

  if (!td) return <Page title={t('error.not_found')}><ErrorAlert error={new ApiError({ status: 404, code: 'not_found' })} /></Page>;
  if (rec.error && !current)
    return (
      <Page title={label(td.label, lang)}>
        <ErrorAlert error={rec.error} />
        {rec.error instanceof ApiError && rec.error.status === 404 && meta.mayBreakGlass && meta.may(type, 'read') && (
          <BreakGlass type={type} id={id} onOpened={rec.reload} />
        )}
      </Page>
    );
  if (!current) return <Page title={label(td.label, lang)}><Loading /></Page>;

  const fromDevice = deviceCopies.has(current);
  // The device's copy is shown only while the device is unlocked (the idle lock hides it again).
  if (fromDevice && device.locked)
    return (
      <Page title={label(td.label, lang)}>
        <Alert kind="info">
          <p data-testid="device-copy-locked">{t('offline.copy_locked')}</p>
        </Alert>
      </Page>
    );
  const title = recordTitle(td, current, lang);
  const mayUpdate = meta.may(type, 'update') && !current.deleted;
  // A part's save: to the server, or — a type kept offline, no connection or the device's copy
  // shown — to the device's queue (sent with If-Match of the version it was made from).
  const capture = captureMode(type, device.info, user.id);
  const updateRecord = async (patch: Record<string, unknown>): Promise<{ record: RecordBody; offline: boolean }> => {
    const keep = async () => {
      const local = await saveUpdate(type, current, patch);
      deviceCopies.add(local);
      void syncSoon();
      return { record: local, offline: true };
    };
    if (capture === 'yes' && (fromDevice || !device.online)) return keep();
    try {
      const r = await records.update(type, id, current.version, patch);
      void syncSoon();
      return { record: r, offline: false };
    } catch (e) {
      if (capture === 'yes' && noAnswer(e)) return keep();
      throw e;
    }
  };
  // The steps offered (src/workflow.ts: the record lists' bulk actions decide them the same way).
  const transitions = offeredTransitions(td, current, (p) => meta.mayPermission(p), user.agency_id);

  const applied = (r: RecordBody, message: string) => {
    forgetTitle(type, id);
    setCurrent(r);
    setNotice(message);
  };
  const runTransition = async () => {
    if (!transition) return;
    setSaving(true);
    setTError(undefined);
    try {
      const patch = diff(current.data, tValues);
      applied(await records.transition(type, id, current.version, transition.name, patch), t('record.transition_done', { name: label(transition.label, lang) }));
      setTransition(undefined);
    } catch (e) {
      setTError(e);
    } finally {
      setSaving(false);
    }
  };

  const tabs: Array<[Tab, string]> = [
    ['details', t('record.tab_details')],
    ['history', t('record.tab_history')],
    ['relations', t('record.tab_relations')],
  ];
  if (meta.may(type, 'share')) tabs.push(['sharing', t('record.tab_sharing')]);
  if (meta.may(type, 'restrict_identity')) tabs.push(['identity', t('record.tab_identity')]);

  return (
    <Page title={title}>
      <p class="record-meta">
        <span class="muted">{label(td.label, lang)} № {current.id}</span>
        <span class="muted small">{t('record.updated_at', { at: formatDateTime(current.updated_at, lang) })}</span>
        <a href={`${recordHref(type, id)}/print`} onClick={onLinkClick} class="button button-plain button-compact" data-testid="print-link">
          {t('print.open')}
        </a>
        {type === 'raid' && !current.deleted && meta.may('child_found', 'create') && meta.may('person', 'create') && (
          <a href={`/raids/new?raid=${id}`} onClick={onLinkClick} data-testid="raid-sheet-link">
            {t('sheet.open_for_raid')}
          </a>
        )}
        {type === 'plan_measure' && typeof current.data.plan === 'number' && (
          <a href={plansHref(current.data.plan, undefined)} onClick={onLinkClick} data-testid="plan-dashboard-link">
            {t('plans.dashboard_link')}
          </a>
        )}
        {type === 'plan_measure' && !current.deleted && meta.may('progress_report', 'create') && (
          <a
            href={newProgressReportHref({ id, responsibleBody: typeof current.data.responsible_body === 'string' ? current.data.responsible_body : '' }, todayIso().slice(0, 4), todayIso())}
            onClick={onLinkClick}
            data-testid="file-progress-report"
          >
            {t('plans.file_report')}
          </a>
        )}
        {!current.deleted && meta.may(type, 'delete') && !deleting && (
          <button type="button" class="link-button small push-right" onClick={() => setDeleting(true)}>
            {t('record.delete')}
          </button>
        )}
      </p>
      {fromDevice && (
        <Alert kind="info">
          <p data-testid="device-copy">{t('offline.device_copy')}</p>
        </Alert>
      )}
      {kept && !fromDevice && (
        <p class="muted small" data-testid="kept-on-device">
          {t('offline.kept')}
        </p>
      )}
      <RecordSummary type={type} rec={current} />
      {notice && <Alert kind="success">{notice}</Alert>}
      {screened !== undefined && !notice && <ScreeningSaved id={screened} />}
      <TypeNotice type={td} />
      {current.deleted && (
        <Alert kind="info">
          <p data-testid="deleted">{t('record.deleted', { at: formatDateTime(current.deleted.at, lang) })}</p>
          {meta.may(type, 'restore') && (
            <button
              type="button"
              class="button"
              onClick={async () => {
                setError(undefined);
                try {
                  applied(await records.restore(type, id, current.version), t('record.restored'));
                } catch (e) {
                  setError(e);
                }
              }}
            >
              {t('record.restore')}
            </button>
          )}
        </Alert>
      )}
      {deleting && (
        <form
          class="panel transition-panel narrow-form"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(undefined);
            try {
              applied(await records.remove(type, id, current.version, deleteReason), t('record.deleted_now'));
              setDeleting(false);
            } catch (err) {
              setError(err);
            }
          }}
        >
          <h2>{t('record.delete')}</h2>
          <div class="field">
            <label for="delete-reason">{t('share.reason')}</label>
            <input id="delete-reason" type="text" value={deleteReason} onInput={(e) => setDeleteReason((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="actions">
            <button type="submit" class="button">{t('record.delete')}</button>
            <button type="button" class="button button-plain" onClick={() => setDeleting(false)}>{t('form.cancel')}</button>
          </div>
        </form>
      )}
      {transitions.length > 0 && !transition && !current.deleted && (
        <div class="transitions" role="group" aria-label={t('record.transitions')}>
          {transitions.map((tr) => (
            <button
              key={tr.name}
              type="button"
              class="button"
              data-transition={tr.name}
              onClick={() => {
                setTransition(tr);
                setTError(undefined);
                setTValues(transitionDefaults(td, tr, current.data));
              }}
            >
              {label(tr.label, lang)}
            </button>
          ))}
        </div>
      )}
      {transition && (
        <form
          class="panel transition-panel"
          aria-labelledby="transition-h"
          onSubmit={(e) => {
            e.preventDefault();
            void runTransition();
          }}
        >
          <h2 id="transition-h">{label(transition.label, lang)}</h2>
          <FormErrors error={tError} td={td} />
          {type === 'victim_case' && (transition.name === 'identify' || transition.name === 'reject') && <DecisionScreening victimCase={current} />}
          {transition.requires.length > 0 ? (
            <RecordForm type={td} meta={meta} values={tValues} onChange={setTValues} error={tError} only={transitionFields(td, transition)} idPrefix="t" />
          ) : (
            <p>{t('record.transition_confirm')}</p>
          )}
          <div class="actions">
            <button type="submit" class="button" disabled={saving}>
              {saving ? t('form.saving') : t('record.transition_apply', { name: label(transition.label, lang) })}
            </button>
            <button type="button" class="button button-plain" onClick={() => setTransition(undefined)}>
              {t('form.cancel')}
            </button>
          </div>
        </form>
      )}
      {type === 'victim_case' && meta.may('rehabilitation_plan', 'read') && <CaseRehabilitationPlans victimCase={current} />}
      {type === 'rehabilitation_plan' && meta.may('rehabilitation_measure', 'read') && <PlanMeasures plan={current} />}
      {type === 'international_request' && answerOffered(td, current, (p) => meta.mayPermission(p)) && !transition && (
        <AnswerRequest
          request={current}
          onAnswered={(r) => {
            const { quoted_figures: quoted, ...answered } = r;
            applied(answered, t('intl.answer_sent', { n: Array.isArray(quoted) ? quoted.length : 0 }));
            rec.reload();
          }}
        />
      )}
      {type === 'international_request' && meta.may('request_contribution', 'read') && <RequestContributions request={current} />}
      {type === 'international_request' && meta.may('quoted_figure', 'read') && <QuotedFigures request={current} />}
      <div class="tabs" role="tablist" aria-label={t('record.tabs')}>
        {tabs.map(([k, text]) => (
          <button key={k} type="button" role="tab" id={`tab-${k}`} aria-selected={tab === k} aria-controls={`panel-${k}`} class="tab" onClick={() => setTab(k)}>
            {text}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="tab-panel">
        {tab === 'details' && <FormErrors error={error} td={td} />}
        {tab === 'details' && (
          <RecordSections
            td={td}
            meta={meta}
            rec={current}
            mayUpdate={mayUpdate}
            identityReadOnly={meta.identity(type) !== 'write'}
            update={updateRecord}
            onSaved={(r) => {
              forgetTitle(type, id);
              setCurrent(r);
              setNotice(undefined);
            }}
          />
        )}
        {tab === 'history' && <History type={type} id={id} td={td} version={current.version} />}
        {tab === 'relations' && <Relations type={type} id={id} />}
        {tab === 'sharing' && <Sharing type={type} id={id} />}
        {tab === 'identity' && <IdentityRestriction type={type} id={id} />}
      </div>
    </Page>
  );
}

interface HistoryEntry {
  action: string;
  at: string;
  by: number;
  /** The user's display name; empty for the system (and from servers before it was sent). */
  by_name?: string;
  changes: Array<{ field: string; from: unknown; to: unknown }>;
}

function History({ type, id, td, version }: { type: string; id: number; td: TypeDef; version: number }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const h = useLoad(() => api.request<{ items: HistoryEntry[] }>('GET', `/records/${type}/${id}/history`), [type, id, version]);
  if (h.loading && !h.data) return <Loading />;
  if (h.error) return <ErrorAlert error={h.error} />;
  return (
    <ol class="history" reversed>
      {[...(h.data?.items ?? [])].reverse().map((e, i) => (
        <li key={i} class="panel">
          <p>
            <strong>{actionLabel(e.action, td, lang, t)}</strong> · {formatDateTime(e.at, lang)} · {e.by_name || t('record.by_user', { id: e.by })}
          </p>
          <div class="table-wrap">
          <table class="table compact history-changes">
            <tbody>
              {e.changes.map((c) => {
                const f = td.fields.find((x) => x.name === c.field);
                const name = f ? label(f.label, lang) : c.field === 'state' ? t('list.state') : keyWords(c.field);
                // Identity fields: the history says that they changed, never what they hold.
                if (isHiddenChange(c.to) || isHiddenChange(c.from))
                  return (
                    <tr key={c.field} data-hidden-change>
                      <th scope="row">{name}</th>
                      <td colSpan={3} class="muted">{e.action === 'create' ? t('history.identity_set') : t('history.identity_hidden')}</td>
                    </tr>
                  );
                const shown = (v: unknown) =>
                  f ? <ValueView meta={meta} field={f} value={v} /> : c.field === 'state' ? meta.stateLabel(type, String(v ?? ''), lang) || '—' : readableValue(v, lang, t);
                return (
                  <tr key={c.field}>
                    <th scope="row">{name}</th>
                    <td>{shown(c.from)}</td>
                    <td aria-hidden="true">→</td>
                    <td>{shown(c.to)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          </div>
        </li>
      ))}
    </ol>
  );
}

function actionLabel(action: string, td: TypeDef, lang: Lang, t: Translate): string {
  if (action === 'create') return t('record.action_create');
  if (action === 'update') return t('record.action_update');
  if (action.startsWith('transition:')) {
    const tr = td.workflow?.transitions.find((x) => x.name === action.slice(11));
    return tr ? label(tr.label, lang) : action;
  }
  return action;
}

interface Relation {
  direction: 'incoming' | 'outgoing';
  field: string;
  id: number;
  type: string;
}

function Relations({ type, id }: { type: string; id: number }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const rel = useLoad(() => api.request<{ items: Relation[] }>('GET', `/records/${type}/${id}/relations`), [type, id]);
  const creatable = meta.referencing(type).filter(([rt]) => meta.may(rt.name, 'create'));
  return (
    <div>
      {creatable.length > 0 && (
        <div class="panel">
          <h2>{t('record.create_linked')}</h2>
          <ul class="inline-links">
            {creatable.map(([rt, f]) => (
              <li key={`${rt.name}.${f.name}`}>
                <a
                  href={rt.name === 'screening' ? `/screening?from=${type}:${id}` : `/records/${rt.name}/new?from=${type}:${id}&${f.name}=${id}`}
                  onClick={onLinkClick}
                  data-create={rt.name}
                >
                  {label(rt.label, lang)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {rel.loading && !rel.data && <Loading />}
      <ErrorAlert error={rel.error} />
      {rel.data && rel.data.items.length === 0 && <p class="muted">{t('record.no_relations')}</p>}
      {rel.data && rel.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('record.rel_type')}</th>
                <th scope="col">{t('record.rel_record')}</th>
                <th scope="col">{t('record.rel_via')}</th>
              </tr>
            </thead>
            <tbody>
              {rel.data.items.map((r) => {
                const via = r.direction === 'outgoing' ? meta.type(type) : meta.type(r.type);
                const f = via?.fields.find((x) => x.name === r.field);
                return (
                  <tr key={`${r.type}/${r.id}/${r.field}`} data-rel={r.type}>
                    <td>{label(meta.type(r.type)?.label, lang) || r.type}</td>
                    <td>
                      <RefLink meta={meta} type={r.type} id={r.id} />
                    </td>
                    <td class="muted">{f ? label(f.label, lang) : r.field}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

interface Grant {
  id: number;
  kind: string;
  reason: string;
  granted_at: string;
  active: boolean;
  agency_id?: number;
  expires_at?: string;
  revoked_at?: string;
}

function Sharing({ type, id }: { type: string; id: number }) {
  const { t, lang } = useI18n();
  const agencies = useAgencies();
  const grants = useLoad(() => api.request<{ items: Grant[] }>('GET', `/records/${type}/${id}/grants`), [type, id]);
  const [agency, setAgency] = useState('');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const name = (aid?: number) => agencies.find((a) => a.id === aid)?.name ?? `№ ${aid}`;
  const fe = (f: string) => fieldErrors(error, f, t);
  return (
    <div>
      <form
        class="panel narrow-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setDone('');
          try {
            await api.request('POST', `/records/${type}/${id}/grants`, {
              agency_id: Number(agency),
              reason,
              ...(expires ? { expires_on: expires } : {}),
            });
            setDone(t('share.done', { agency: name(Number(agency)) }));
            setReason('');
            grants.reload();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2>{t('share.title')}</h2>
        {done && <Alert kind="success">{done}</Alert>}
        {error !== undefined && !(error instanceof ApiError && error.errors.some((x) => x.field === 'agency_id' || x.field === 'reason')) && <ErrorAlert error={error} />}
        <div class={fe('agency_id').length ? 'field field-invalid' : 'field'}>
          <label for="share-agency">{t('share.agency')}</label>
          {fe('agency_id').length > 0 && <p class="field-error">{fe('agency_id').join(' ')}</p>}
          <select id="share-agency" value={agency} onChange={(e) => setAgency((e.currentTarget as HTMLSelectElement).value)} required>
            <option value="">{t('form.choose')}</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div class={fe('reason').length ? 'field field-invalid' : 'field'}>
          <label for="share-reason">{t('share.reason')}</label>
          {fe('reason').length > 0 && <p class="field-error">{fe('reason').join(' ')}</p>}
          <input id="share-reason" type="text" value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} required />
        </div>
        <div class="field">
          <label for="share-expires">{t('share.expires')}</label>
          <DateInput id="share-expires" value={expires || undefined} onChange={(v) => setExpires(v ?? '')} />
        </div>
        <button type="submit" class="button" disabled={busy || !agency}>
          {busy ? t('form.saving') : t('share.submit')}
        </button>
      </form>
      <h2>{t('share.list')}</h2>
      {grants.loading && !grants.data && <Loading />}
      {grants.data && grants.data.items.length === 0 && <p class="muted">{t('share.none')}</p>}
      {grants.data && grants.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('share.agency')}</th>
                <th scope="col">{t('share.reason')}</th>
                <th scope="col">{t('share.granted_at')}</th>
                <th scope="col">{t('share.status')}</th>
                <th scope="col"><span class="visually-hidden">{t('share.revoke')}</span></th>
              </tr>
            </thead>
            <tbody>
              {grants.data.items.map((g) => (
                <tr key={g.id}>
                  <td>{g.agency_id ? name(g.agency_id) : g.kind}</td>
                  <td>{g.reason}</td>
                  <td>{formatDateTime(g.granted_at, lang)}</td>
                  <td>{g.active ? t('share.active') : g.revoked_at ? t('share.revoked') : t('share.expired')}</td>
                  <td>
                    {g.active && g.kind === 'share' && (
                      <button
                        type="button"
                        class="link-button"
                        onClick={async () => {
                          try {
                            await api.request('DELETE', `/records/${type}/${id}/grants/${g.id}`);
                            grants.reload();
                          } catch (err) {
                            setError(err);
                          }
                        }}
                      >
                        {t('share.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Break-glass: one record outside the scope, for one hour, with a mandatory reason (audited, reviewed). */
function BreakGlass({ type, id, onOpened }: { type: string; id: number; onOpened: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const fe = (f: string) => fieldErrors(error, f, t);
  return (
    <form
      class="panel narrow-form transition-panel"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        try {
          await api.request('POST', `/records/${type}/${id}/break-glass`, { reason });
          onOpened();
        } catch (err) {
          setError(err);
        }
      }}
    >
      <h2>{t('breakglass.title')}</h2>
      <p>{t('breakglass.intro')}</p>
      {error !== undefined && !(error instanceof ApiError && error.errors.length) && <ErrorAlert error={error} />}
      <div class={fe('reason').length ? 'field field-invalid' : 'field'}>
        <label for="bg-reason">{t('breakglass.reason')}</label>
        {fe('reason').length > 0 && <p class="field-error">{fe('reason').join(' ')}</p>}
        <textarea id="bg-reason" rows={2} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <button type="submit" class="button">{t('breakglass.submit')}</button>
    </form>
  );
}

/** J3: ending named roles' access to the identity of this record (prosecutors and courts). */
function IdentityRestriction({ type, id }: { type: string; id: number }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const current = useLoad(() => api.request<{ roles: string[] }>('GET', `/records/${type}/${id}/identity-restrictions`), [type, id]);
  const [roles, setRoles] = useState<string[] | undefined>(undefined);
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  const chosen = roles ?? current.data?.roles ?? [];
  const fe = (f: string) => fieldErrors(error, f, t);
  const candidates = meta.roles.filter((r) => r.identity !== 'none' && (r.permissions[type] ?? r.permissions['*']));
  return (
    <form
      class="panel narrow-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        setDone(false);
        try {
          await api.request('PUT', `/records/${type}/${id}/identity-restrictions`, { roles: chosen, decision, reason });
          setDone(true);
          current.reload();
        } catch (err) {
          setError(err);
        }
      }}
    >
      <h2>{t('j3.title')}</h2>
      <p>{t('j3.intro')}</p>
      {done && <Alert kind="success"><p>{t('j3.done')}</p></Alert>}
      {current.loading && !current.data && <Loading />}
      {error !== undefined && !(error instanceof ApiError && error.errors.length) && <ErrorAlert error={error} />}
      <fieldset class={fe('roles').length ? 'field field-invalid checks' : 'field checks'}>
        <legend>{t('j3.roles')}</legend>
        {fe('roles').length > 0 && <p class="field-error">{fe('roles').join(' ')}</p>}
        {candidates.map((r) => (
          <label key={r.name} class="check">
            <input type="checkbox" checked={chosen.includes(r.name)} onChange={(e) => setRoles((e.currentTarget as HTMLInputElement).checked ? [...chosen, r.name] : chosen.filter((x) => x !== r.name))} />{' '}
            {label(r.label, lang)}
          </label>
        ))}
      </fieldset>
      <div class={fe('decision').length ? 'field field-invalid' : 'field'}>
        <label for="j3-decision">{t('j3.decision')}</label>
        {fe('decision').length > 0 && <p class="field-error">{fe('decision').join(' ')}</p>}
        <input id="j3-decision" type="text" value={decision} onInput={(e) => setDecision((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class={fe('reason').length ? 'field field-invalid' : 'field'}>
        <label for="j3-reason">{t('share.reason')}</label>
        {fe('reason').length > 0 && <p class="field-error">{fe('reason').join(' ')}</p>}
        <input id="j3-reason" type="text" value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <button type="submit" class="button">{t('form.save')}</button>
    </form>
  );
}
