// The sync page (docs/offline.md, "Sync"): the changes saved on this device, in the order they will
// be sent (type, when saved, status); a conflict compared field by field (the value both started
// from, mine, the server's) with a choice per field, sent again with the server's version; a
// refusal shown at its fields, to fix and send again or to discard (confirmed). Also the way to
// the new-record forms of the types kept offline, and (started without a connection) the home page.
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { FormErrors, RecordForm } from '../components/RecordForm';
import { ReadValue } from '../components/RecordSections';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n/context';
import { compact, label, visibleValues, type FieldDef, type TypeDef } from '../meta';
import { applyChanges, compareRecords, defaultChoices, needsChoice, resolve, type Choice, type FieldConflict, type RecordLike } from '../offline/conflicts';
import { localTitle, queueStatusKey } from '../offline/logic';
import type { QueueEntryInfo, QueueItem } from '../offline/queue';
import { device, isMine, refresh, syncNow, useOfflineView } from '../offline/runtime';
import { onLinkClick } from '../router';
import { useLoad, useSession } from '../session';

type Loaded = { locked: boolean; entries: QueueEntryInfo[]; items: QueueItem[] };

export function SyncPage() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const v = useOfflineView();
  const mine = isMine(v);
  const q = useLoad<Loaded>(async () => {
    if (!mine) return { locked: true, entries: [], items: [] };
    const { queue, store } = device();
    if (store.locked) return { locked: true, entries: await queue.entries(), items: [] };
    const items = await queue.items();
    return { locked: false, entries: items, items };
  }, [mine, v.changes, v.locked]);
  const typeLabel = (type: string) => label(meta.type(type)?.label, lang) || type;
  const rows = q.data?.entries ?? [];
  const open = new Map((q.data?.items ?? []).map((i) => [i.seq, i]));
  return (
    <Page title={t('sync.title')}>
      <p>{t('sync.intro')}</p>
      <NewOfflineLinks />
      {!mine ? (
        <p data-testid="sync-no-device">
          {t('sync.no_device')}{' '}
          <a href="/devices" onClick={onLinkClick}>
            {t('nav.devices')}
          </a>
        </p>
      ) : (
        <>
          <h2>{t('sync.queue')}</h2>
          {q.loading && !q.data && <Loading />}
          <ErrorAlert error={q.error} />
          {q.data?.locked && rows.length > 0 && <p class="muted" data-testid="sync-locked-note">{t('sync.locked_note')}</p>}
          {q.data && rows.length === 0 && <p class="muted" data-testid="sync-empty">{t('sync.empty')}</p>}
          {rows.length > 0 && (
            <div class="table-wrap">
              <table class="table" data-testid="sync-queue">
                <thead>
                  <tr>
                    <th scope="col">{t('sync.type')}</th>
                    <th scope="col">{t('sync.op')}</th>
                    <th scope="col">{t('sync.record')}</th>
                    <th scope="col">{t('sync.saved_at')}</th>
                    <th scope="col">{t('sync.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((e) => {
                    const item = open.get(e.seq);
                    const td = meta.type(e.type);
                    const title =
                      item && e.op === 'create'
                        ? localTitle(td, item.body, lang)
                        : item && e.op === 'update'
                          ? typeof item.target === 'number'
                            ? `№ ${item.target}`
                            : ''
                          : '';
                    return (
                      <tr key={e.seq} data-seq={e.seq} data-type={e.type} data-status={e.status}>
                        <td>{typeLabel(e.type)}</td>
                        <td>{e.op === 'create' ? t('sync.op_create') : t('sync.op_update')}</td>
                        <td>{title || <span class="muted">—</span>}</td>
                        <td>{formatDateTime(e.savedAt, lang)}</td>
                        <td>
                          <span class="state">{t(queueStatusKey(e.status))}</span>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {(q.data?.items ?? [])
            .filter((i) => i.status === 'conflict')
            .map((i) => (
              <ConflictPanel key={`c${i.seq}`} item={i} td={meta.type(i.type)} />
            ))}
          {(q.data?.items ?? [])
            .filter((i) => i.status === 'refused')
            .map((i) => (
              <RefusedPanel key={`r${i.seq}-${i.problem?.code ?? ''}`} item={i} td={meta.type(i.type)} />
            ))}
        </>
      )}
    </Page>
  );
}

/** Links to the new-record forms of the types kept on the device (they work without a connection). */
export function NewOfflineLinks() {
  const { t, lang } = useI18n();
  const { meta, offline } = useSession();
  const v = useOfflineView();
  const types = (isMine(v) ? v.info?.offlineTypes : undefined) ?? offline?.types ?? [];
  const offered = types.filter((x) => meta.type(x) && meta.may(x, 'create'));
  if (!isMine(v) || offered.length === 0) return null;
  return (
    <nav class="panel offline-panel" aria-labelledby="offline-new-h" data-testid="offline-new">
      <h2 id="offline-new-h">{t('sync.new_here')}</h2>
      <ul class="inline-links">
        {offered.map((x) => (
          <li key={x}>
            <a href={`/records/${x}/new`} onClick={onLinkClick} data-new={x}>
              {label(meta.type(x)?.label, lang)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The home page started without a connection: who works, what may be recorded, what waits. */
export function OfflineHome() {
  const { t } = useI18n();
  const { user } = useSession();
  return (
    <Page title={t('offline.home_title')}>
      <Alert kind="info">
        <p data-testid="offline-home">{t('offline.home_intro', { name: user.display_name })}</p>
      </Alert>
      <NewOfflineLinks />
      <p>
        <a href="/sync" onClick={onLinkClick}>
          {t('offline.sync_page')}
        </a>
      </p>
    </Page>
  );
}

/** A page that needs the server, asked for without a connection. */
export function OfflineUnavailable() {
  const { t } = useI18n();
  return (
    <Page title={t('offline.unavailable_title')}>
      <p data-testid="offline-unavailable">{t('offline.unavailable')}</p>
      <NewOfflineLinks />
    </Page>
  );
}

function fieldOf(td: TypeDef | undefined, name: string): FieldDef | undefined {
  return td?.fields.find((f) => f.name === name);
}

function Discard({ seq }: { seq: number }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (!asking)
    return (
      <button type="button" class="button button-plain" data-action="discard" onClick={() => setAsking(true)}>
        {t('sync.discard')}
      </button>
    );
  return (
    <div class="discard-confirm" data-testid="discard-confirm">
      <p>
        <strong>{t('sync.discard_question')}</strong>
      </p>
      <ErrorAlert error={error} />
      <div class="actions">
        <button
          type="button"
          class="button"
          data-action="confirm-discard"
          onClick={async () => {
            try {
              await device().queue.discard(seq);
              await refresh();
            } catch (e) {
              setError(e);
            }
          }}
        >
          {t('sync.discard_confirm')}
        </button>
        <button type="button" class="button button-plain" onClick={() => setAsking(false)}>
          {t('form.cancel')}
        </button>
      </div>
    </div>
  );
}

function ShownValue({ td, field, value }: { td: TypeDef | undefined; field: string; value: unknown }) {
  const { meta } = useSession();
  const f = fieldOf(td, field);
  if (value === null || value === undefined || value === '') return <span class="muted">—</span>;
  if (!f) return <>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</>;
  return <ReadValue meta={meta} field={f} value={value} />;
}

/** A 412: the change compared field by field with the server's record; the user chooses, it is sent again. */
function ConflictPanel({ item, td }: { item: QueueItem; td: TypeDef | undefined }) {
  const { t, lang } = useI18n();
  const base = (item.baseRecord ?? {}) as RecordLike;
  const theirs = item.theirs;
  const conflicts: FieldConflict[] = theirs ? compareRecords(base, applyChanges(base, item.body), theirs) : [];
  const [choices, setChoices] = useState<Record<string, Choice>>(() => defaultChoices(conflicts));
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const missing = needsChoice(conflicts).filter((f) => choices[f] === undefined);
  const name = (field: string) => label(fieldOf(td, field)?.label, lang) || field;
  const hid = `conflict-${item.seq}-h`;
  return (
    <section class="panel offline-panel conflict-panel" aria-labelledby={hid} data-testid="conflict" data-seq={item.seq}>
      <h2 id={hid}>
        {t('sync.conflict_title', { type: label(td?.label, lang) || item.type, id: typeof item.target === 'number' ? item.target : '' })}
      </h2>
      <p>{t('sync.conflict_intro')}</p>
      {!theirs ? (
        <p>{t('sync.conflict_no_theirs')}</p>
      ) : (
        <form
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (missing.length > 0) {
              setError(t('sync.choose_each', { fields: missing.map(name).join(', ') }));
              return;
            }
            setBusy(true);
            setError(undefined);
            try {
              await device().queue.resolveConflict(item.seq, resolve(conflicts, theirs, choices));
              await refresh();
              await syncNow();
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
              setBusy(false);
            }
          }}
        >
          {error && (
            <Alert kind="error">
              <p data-testid="conflict-error">{error}</p>
            </Alert>
          )}
          <div class="table-wrap">
            <table class="table conflict-table">
              <thead>
                <tr>
                  <th scope="col">{t('sync.field')}</th>
                  <th scope="col">{t('sync.base')}</th>
                  <th scope="col">{t('sync.mine')}</th>
                  <th scope="col">{t('sync.theirs')}</th>
                  <th scope="col">{t('sync.choice')}</th>
                </tr>
              </thead>
              <tbody>
                {conflicts.map((c) => (
                  <tr key={c.field} data-field={c.field} data-kind={c.kind}>
                    <th scope="row">{name(c.field)}</th>
                    <td data-side="base">
                      <ShownValue td={td} field={c.field} value={c.base} />
                    </td>
                    <td data-side="mine">
                      <ShownValue td={td} field={c.field} value={c.mine} />
                    </td>
                    <td data-side="theirs">
                      <ShownValue td={td} field={c.field} value={c.theirs} />
                    </td>
                    <td>
                      {c.kind === 'both-same' ? (
                        <span class="muted">{t('sync.same')}</span>
                      ) : (
                        <fieldset class="conflict-choice">
                          <legend class="visually-hidden">{name(c.field)}</legend>
                          {(['mine', 'theirs'] as const).map((side) => (
                            <label key={side} class="check">
                              <input
                                type="radio"
                                name={`pick-${item.seq}-${c.field}`}
                                value={side}
                                checked={choices[c.field] === side}
                                onChange={() => setChoices({ ...choices, [c.field]: side })}
                              />{' '}
                              {side === 'mine' ? t('sync.keep_mine') : t('sync.keep_theirs')}
                            </label>
                          ))}
                        </fieldset>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="actions">
            <button type="submit" class="button" data-action="resolve" disabled={busy}>
              {busy ? t('offline.syncing') : t('sync.resolve')}
            </button>
          </div>
        </form>
      )}
      <Discard seq={item.seq} />
    </section>
  );
}

/** A refused change (422 and the like): the server's errors at the fields; fixed and sent again, or discarded. */
function RefusedPanel({ item, td }: { item: QueueItem; td: TypeDef | undefined }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const [values, setValues] = useState<Record<string, unknown>>(() => ({ ...item.body }));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  const problem = item.problem;
  const error = problem
    ? new ApiError({ status: problem.status, code: problem.code, title: problem.title, detail: problem.detail, errors: problem.errors })
    : undefined;
  const hid = `refused-${item.seq}-h`;
  // A new record: its whole form; a change: the fields it changes and those the server named.
  const only = item.op === 'update' ? [...new Set([...Object.keys(item.body), ...(problem?.errors ?? []).map((e) => e.field.split(/[.[]/)[0] ?? '')])] : undefined;
  return (
    <section class="panel offline-panel refused-panel" aria-labelledby={hid} data-testid="refused" data-seq={item.seq}>
      <h2 id={hid}>
        {t('sync.refused_title', { type: label(td?.label, lang) || item.type })}
        {/* Which record: its title as saved (a change: its number). */}
        {item.op === 'create' ? (localTitle(td, item.body, lang) ? ` — ${localTitle(td, item.body, lang)}` : '') : typeof item.target === 'number' ? ` № ${item.target}` : ''}
      </h2>
      {!td ? (
        <p>{problem?.detail || problem?.title}</p>
      ) : (
        <form
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setFailure(undefined);
            try {
              const body = item.op === 'create' ? compact(visibleValues(td, values)) : Object.fromEntries(Object.keys(values).map((k) => [k, values[k] ?? null]));
              await device().queue.fixRefused(item.seq, body);
              await refresh();
              await syncNow();
            } catch (err) {
              setFailure(err);
              setBusy(false);
            }
          }}
        >
          <FormErrors error={error} td={td} fields={only ? td.fields.filter((f) => only.includes(f.name)) : td.fields} />
          <ErrorAlert error={failure} />
          <RecordForm type={td} meta={meta} values={values} onChange={setValues} error={error} idPrefix={`q${item.seq}`} {...(only ? { only } : {})} identityReadOnly={meta.identity(item.type) !== 'write'} />
          <div class="actions">
            <button type="submit" class="button" data-action="send-fixed" disabled={busy}>
              {t('sync.send_fixed')}
            </button>
          </div>
        </form>
      )}
      <Discard seq={item.seq} />
    </section>
  );
}
