// The list of one register: filters (state, indexed value lists, a date range), name search
// (types with a name search, for roles with identity access), search by words (types with
// word_search fields: ?words=, as the search page's "all results" link gives), sorting by
// column, paging; saved filters (the list's query under a name, in this browser, per user and
// type: src/savedFilters.ts); a checkbox per row and "select all on this page", and for the rows
// selected an action bar (src/components/BulkActions.tsx: a workflow step that needs no input,
// an assignment to a colleague, a CSV of the rows) whose result is summarised above the list.
import { useEffect, useRef, useState } from 'preact/hooks';
import { records } from '../api';
import { assignableFields, failureText, mayBulkTransition } from '../bulk';
import { assigneeField } from '../colleagues';
import { BulkActions, type BulkDone } from '../components/BulkActions';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { SavedFilters } from '../components/SavedFilters';
import { ValueView } from '../components/ValueView';
import { formatDateTime, formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { label, listColumns, recordTitle, type FieldDef } from '../meta';
import { currentQuery, navigate, onLinkClick, useLocation } from '../router';
import { useLoad, useSession } from '../session';
import { DateInput } from '../components/DateInput';
import { hasWordSearch, MAX_SEARCH, searchRefusal } from '../search';
import { actorAgencyFields } from '../workflow';

const PAGE = 25;

export function Registers() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const types = meta.readableTypes().sort((a, b) => label(a.label, lang).localeCompare(label(b.label, lang), lang));
  return (
    <Page title={t('registers.title')}>
      <ul class="register-grid">
        {types.map((ty) => (
          <li key={ty.name}>
            <a href={`/records/${ty.name}`} onClick={onLinkClick}>
              {label(ty.label, lang)}
            </a>
            {meta.may(ty.name, 'create') && (
              <a class="small" href={`/records/${ty.name}/new`} onClick={onLinkClick} aria-label={t('list.new_of', { type: label(ty.label, lang) })}>
                {t('list.new')}
              </a>
            )}
          </li>
        ))}
      </ul>
    </Page>
  );
}

export function recordHref(type: string, id: number): string {
  return type === 'criminal_case' ? `/criminal-cases/${id}` : `/records/${type}/${id}`;
}

export function RecordList({ type }: { type: string }) {
  const { t, lang } = useI18n();
  const { meta, user } = useSession();
  const location = useLocation();
  const td = meta.type(type);
  const q = currentQuery();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const [search, setSearch] = useState(q.q ?? '');
  const [words, setWords] = useState(q.words ?? '');

  const filterFields: FieldDef[] = (td?.fields ?? []).filter(
    (f) => f.indexed && !f.computed && f.sensitivity !== 'identity' && (f.type === 'enum' || f.type === 'boolean'),
  );
  const dateField = (td?.fields ?? []).find((f) => f.indexed && (f.type === 'date' || f.type === 'datetime') && !f.computed);
  const nameSearch = (td?.fields ?? []).some((f) => f.name_search) && meta.identity(type) !== 'none';
  // The address may carry words for a type without word_search fields (typed by hand): the field
  // shows then too, with the server's refusal under it.
  const wordSearch = hasWordSearch(td) || q.words !== undefined;
  const columns = td ? listColumns(td) : [];
  const sort = q.sort ?? '-updated_at';

  const params: Record<string, string | number | boolean | undefined> = { limit: PAGE, count: true, sort, cursor };
  for (const [k, v] of Object.entries(q)) if (k !== 'sort') params[k] = v;
  // The steps' agency rule (referral.to_agency_id: only the receiver accepts) needs its field.
  const fetched = [...(td?.title_field ? [td.title_field] : []), ...columns.map((c) => c.name)];
  for (const f of td ? actorAgencyFields(td) : []) if (!fetched.includes(f)) fetched.push(f);
  params.fields = fetched.join(',') || undefined;

  const list = useLoad(() => (td ? records.list(type, params) : Promise.reject(new Error('type'))), [location, cursor]);
  // The rows selected for a bulk action: of this page only (a new page, filter or reload clears them).
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [bulkDone, setBulkDone] = useState<BulkDone | undefined>(undefined);
  const bulkResult = useRef<HTMLDivElement>(null);
  const selectAll = useRef<HTMLInputElement>(null);
  useEffect(() => setSelected(new Set()), [location, cursor]);
  // Another filter, page or register: the last bulk action's summary goes with the list it was about.
  useEffect(() => setBulkDone(undefined), [location]);
  useEffect(() => {
    if (bulkDone) bulkResult.current?.focus();
  }, [bulkDone]);
  const wordsRefused = searchRefusal(list.error, 'words');
  // The address changed from outside (the search page's link, the header's box): the fields follow.
  useEffect(() => {
    setWords(q.words ?? '');
    setSearch(q.q ?? '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q.words, q.q]);

  /** The list's address with some of its query changed (undefined: left out). */
  const queryHref = (changes: Record<string, string | undefined>) => {
    const next = { ...currentQuery(), ...changes };
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v !== undefined && v !== '') qs.set(k, v);
    const s = qs.toString();
    return `/records/${type}${s ? `?${s}` : ''}`;
  };
  const setQuery = (changes: Record<string, string | undefined>) => {
    setCursors([]);
    navigate(queryHref(changes), { replace: true });
  };
  // "My cases": the records whose worker in charge (a user field, e.g. assigned_user_id) is me.
  const assignee = td && typeof user.agency_id === 'number' ? assigneeField(td.fields) : undefined;
  const mine = assignee !== undefined && q[assignee.name] === String(user.id);
  // Rows are selectable when something may be done to many at once.
  const bulk =
    !!td &&
    (meta.may(type, 'export') ||
      mayBulkTransition(td, (p) => meta.mayPermission(p)) ||
      (meta.may(type, 'update') && assignableFields(td).length > 0));
  const rows = list.data?.items ?? [];
  const chosen = rows.filter((r) => selected.has(r.id));
  const allChosen = rows.length > 0 && chosen.length === rows.length;
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = chosen.length > 0 && !allChosen;
  });
  const toggle = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  if (!td) {
    return (
      <Page title={t('error.not_found')}>
        <ErrorAlert error={{}} />
      </Page>
    );
  }
  const title = label(td.label, lang);
  const sortHeader = (name: string, text: string) => {
    const active = sort === name || sort === `-${name}`;
    const desc = sort === `-${name}`;
    return (
      <th scope="col" aria-sort={active ? (desc ? 'descending' : 'ascending') : undefined}>
        <button type="button" class="link-button th-sort" onClick={() => setQuery({ sort: active && !desc ? `-${name}` : name })}>
          {text} {active ? (desc ? '▼' : '▲') : ''}
        </button>
      </th>
    );
  };

  return (
    <Page title={title}>
      <div class="toolbar">
        {meta.may(type, 'create') && (
          <a class="button" href={`/records/${type}/new`} onClick={onLinkClick}>
            {t('list.new_of', { type: title })}
          </a>
        )}
        {meta.may(type, 'export') && (
          <a class="button button-plain" href={`/api/v1/exports/${type}?format=csv`} download>
            {t('list.export_csv')}
          </a>
        )}
      </div>
      {assignee && (
        <nav aria-label={t('list.whose')}>
          <ul class="view-switch" data-testid="my-cases-switch">
            {[
              { key: 'all', text: t('list.all_records'), value: undefined, current: !mine },
              { key: 'mine', text: t('list.mine'), value: String(user.id), current: mine },
            ].map((v) => (
              <li key={v.key}>
                <a
                  href={queryHref({ [assignee.name]: v.value })}
                  aria-current={v.current ? 'page' : undefined}
                  data-view={v.key}
                  onClick={(e) => {
                    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                    e.preventDefault();
                    setQuery({ [assignee.name]: v.value });
                  }}
                >
                  {v.text}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <form
        class="filters panel"
        role="search"
        aria-label={t('list.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: search || undefined, words: wordSearch ? words.trim() || undefined : undefined });
        }}
      >
        {wordSearch && (
          <div class={wordsRefused ? 'field field-invalid' : 'field'}>
            <label for="list-words">{t('list.words_search')}</label>
            <p class="field-hint" id="list-words-hint">
              {t('list.words_hint')}
            </p>
            {wordsRefused && (
              <p class="field-error" id="list-words-error">
                {wordsRefused === 'min_length'
                  ? t('search.too_short')
                  : wordsRefused === 'max_length'
                    ? t('search.too_long', { max: formatNumber(MAX_SEARCH, lang) })
                    : t('search.not_searchable')}
              </p>
            )}
            <input
              id="list-words"
              type="search"
              enterKeyHint="search"
              autoComplete="off"
              value={words}
              aria-invalid={wordsRefused ? true : undefined}
              aria-describedby={wordsRefused ? 'list-words-hint list-words-error' : 'list-words-hint'}
              onInput={(e) => setWords((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
        )}
        {nameSearch && (
          <div class="field">
            <label for="list-q">{t('list.name_search')}</label>
            <input id="list-q" type="search" value={search} onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
          </div>
        )}
        {td.workflow && (
          <div class="field">
            <label for="filter-state">{t('list.state')}</label>
            <select id="filter-state" value={q.state ?? ''} onChange={(e) => setQuery({ state: (e.currentTarget as HTMLSelectElement).value || undefined })}>
              <option value="">{t('list.any')}</option>
              {td.workflow.states.map((s) => (
                <option key={s.name} value={s.name}>
                  {label(s.label, lang)}
                </option>
              ))}
            </select>
          </div>
        )}
        {filterFields.slice(0, 4).map((f) => (
          <div class="field" key={f.name}>
            <label for={`filter-${f.name}`}>{label(f.label, lang)}</label>
            <select
              id={`filter-${f.name}`}
              value={q[f.name] ?? ''}
              onChange={(e) => setQuery({ [f.name]: (e.currentTarget as HTMLSelectElement).value || undefined })}
            >
              <option value="">{t('list.any')}</option>
              {f.type === 'boolean' ? (
                <>
                  <option value="true">{t('form.yes')}</option>
                  <option value="false">{t('form.no')}</option>
                </>
              ) : (
                meta.listValues(f.values).map((v) => (
                  <option key={v.code} value={v.code}>
                    {label(v.label, lang)}
                  </option>
                ))
              )}
            </select>
          </div>
        ))}
        {dateField && (
          <>
            <div class="field">
              <label for="filter-from">{t('list.from', { field: label(dateField.label, lang) })}</label>
              <DateInput id="filter-from" class="" value={q[`${dateField.name}[gte]`]} onChange={(v) => setQuery({ [`${dateField.name}[gte]`]: v })} />
            </div>
            <div class="field">
              <label for="filter-to">{t('list.to')}</label>
              <DateInput id="filter-to" class="" value={q[`${dateField.name}[lte]`]} onChange={(v) => setQuery({ [`${dateField.name}[lte]`]: v })} />
            </div>
          </>
        )}
        <div class="field filter-actions">
          {(nameSearch || wordSearch) && (
            <button type="submit" class="button">
              {t('list.search')}
            </button>
          )}
          <button
            type="button"
            class="button button-plain"
            onClick={() => {
              setSearch('');
              setWords('');
              setCursors([]);
              navigate(`/records/${type}`, { replace: true });
            }}
          >
            {t('list.clear')}
          </button>
        </div>
      </form>
      <SavedFilters
        type={type}
        userId={user.id}
        onOpen={(href) => {
          setCursors([]);
          navigate(href);
        }}
      />
      {bulkDone && (
        <BulkResult
          done={bulkDone}
          resultRef={bulkResult}
          fieldLabel={(name) => label(td.fields.find((f) => f.name === name)?.label, lang) || name}
          onDismiss={() => setBulkDone(undefined)}
        />
      )}
      {!wordsRefused && <ErrorAlert error={list.error} />}
      {list.loading && <Loading />}
      {list.data && (
        <>
          <p class="muted" aria-live="polite" data-testid="list-total">
            {t('list.total', { n: formatNumber(list.data.total ?? list.data.items.length, lang) })}
          </p>
          {bulk && chosen.length > 0 && (
            <BulkActions
              type={type}
              td={td}
              rows={chosen}
              columns={columns}
              onClear={() => setSelected(new Set())}
              onDone={(done) => {
                setSelected(new Set());
                setBulkDone(done);
                list.reload();
              }}
            />
          )}
          {list.data.items.length === 0 ? (
            <p>{t('list.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table" data-bulk={bulk ? 'true' : undefined}>
                <thead>
                  <tr>
                    {bulk && (
                      <th scope="col" class="select-cell">
                        <input
                          ref={selectAll}
                          type="checkbox"
                          data-testid="select-all"
                          aria-label={t('bulk.select_all')}
                          checked={allChosen}
                          onChange={(e) => setSelected((e.currentTarget as HTMLInputElement).checked ? new Set(rows.map((r) => r.id)) : new Set())}
                        />
                      </th>
                    )}
                    <th scope="col">{td.title_field ? label(td.fields.find((f) => f.name === td.title_field)?.label, lang) : '№'}</th>
                    {td.workflow && <th scope="col">{t('list.state')}</th>}
                    {columns.map((c) => (c.indexed ? sortHeader(c.name, label(c.label, lang)) : <th scope="col">{label(c.label, lang)}</th>))}
                    {sortHeader('updated_at', t('list.updated'))}
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((r) => (
                    <tr key={r.id} data-row={r.id} class={selected.has(r.id) ? 'row-selected' : undefined}>
                      {bulk && (
                        <td class="select-cell">
                          <input
                            type="checkbox"
                            data-select={r.id}
                            aria-label={t('bulk.select_row', { title: `${recordTitle(td, r, lang)} (№ ${r.id})` })}
                            checked={selected.has(r.id)}
                            onChange={(e) => toggle(r.id, (e.currentTarget as HTMLInputElement).checked)}
                          />
                        </td>
                      )}
                      <td>
                        <a href={recordHref(type, r.id)} onClick={onLinkClick}>
                          {recordTitle(td, r, lang)}
                        </a>
                      </td>
                      {td.workflow && <td>{meta.stateLabel(type, r.state, lang)}</td>}
                      {columns.map((c) => (
                        <td key={c.name}>
                          <ValueView meta={meta} field={c} value={r.data[c.name]} />
                        </td>
                      ))}
                      <td>{formatDateTime(r.updated_at, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav class="pager" aria-label={t('list.paging')}>
            <button type="button" class="button button-plain" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('list.previous')}
            </button>
            <button
              type="button"
              class="button button-plain"
              disabled={!list.data.next_cursor}
              onClick={() => list.data?.next_cursor && setCursors([...cursors, list.data.next_cursor])}
            >
              {t('list.next')}
            </button>
          </nav>
        </>
      )}
    </Page>
  );
}

/** The summary of a bulk action: how many records changed, each refusal with the record's number and the server's reason. */
function BulkResult({
  done,
  resultRef,
  fieldLabel,
  onDismiss,
}: {
  done: BulkDone;
  resultRef: { current: HTMLDivElement | null };
  fieldLabel: (name: string) => string;
  onDismiss: () => void;
}) {
  const { t, lang } = useI18n();
  const { summary } = done;
  const failed = summary.failed.length > 0;
  return (
    <div
      ref={resultRef}
      tabIndex={-1}
      class={`alert ${failed ? 'alert-error' : 'alert-success'} bulk-result`}
      role={failed ? 'alert' : 'status'}
      data-alert={failed ? 'error' : 'success'}
      data-testid="bulk-result"
      data-ok={summary.succeeded.length}
      data-failed={summary.failed.length}
    >
      <p>{t('bulk.result', { action: done.action, ok: formatNumber(summary.succeeded.length, lang), n: summary.total })}</p>
      {failed && (
        <>
          <p>{t('bulk.result_failed', { n: summary.failed.length })}</p>
          <ul>
            {summary.failed.map((f) => (
              <li key={f.id} data-failed-id={f.id}>
                {t('bulk.failure', { id: f.id, message: failureText(f.error, t, fieldLabel) })}
              </li>
            ))}
          </ul>
        </>
      )}
      {summary.skipped.length > 0 && <p>{t('bulk.result_skipped', { ids: summary.skipped.map((id) => `№ ${id}`).join(', ') })}</p>}
      <button type="button" class="link-button" onClick={onDismiss}>
        {t('bulk.dismiss')}
      </button>
    </div>
  );
}
