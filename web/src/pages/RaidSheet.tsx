// The raid sheet: a raid (new, or one already registered) and one row per child found in it,
// keyboard first — Enter moves to the next cell and, in the last cell of the last row, adds a row;
// Ctrl+Enter saves. Saving is ONE JSON-lines import (POST /imports?format=jsonl): the raid, then a
// person and a child_found per row, all or nothing; the import's errors come back by line and
// field and are shown at the raid's field, the row's cell or the row.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, records, type RecordBody } from '../api';
import { Alert } from '../components/Alert';
import { FieldInput } from '../components/FieldInput';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { ValueView } from '../components/ValueView';
import {
  buildSheetImport,
  emptyRow,
  hasSheetErrors,
  isBlankRow,
  mapImportErrors,
  noSheetErrors,
  SHEET_COLUMNS,
  type CellValue,
  type ImportErrorItem,
  type SheetColumn,
  type SheetErrors,
  type SheetMessage,
  type SheetRaid,
  type SheetRow,
} from '../childProtection';
import { DateInput, dateErrorText } from '../components/DateInput';
import { parseDate } from '../dates';
import { formatNumber, todayIso } from '../format';
import { hasKey, type Translate } from '../i18n';
import { useI18n } from '../i18n/context';
import { isRequired, label, type FieldDef } from '../meta';
import { currentQuery, navigate, onLinkClick } from '../router';
import { useCountries, useLoad, useSession } from '../session';

const RAID_FIELDS = ['raid_on', 'region', 'place_type', 'place', 'lead_agency_type', 'agencies_taking_part'];

interface ImportReport {
  committed: boolean;
  rows: number;
  created: Record<string, number>;
  ids?: Record<string, number>;  // the new records' ids by the lines' _key
  errors: ImportErrorItem[];
  errors_truncated?: boolean;
}

interface Saved {
  raid?: number;
  newRaid: boolean;
  children: Array<{ id: number; name: string }>;
  count: number;
}

export function messageText(m: SheetMessage, t: Translate): string {
  const key = `rec.${m.code}`;
  return hasKey(key) ? t(key) : m.message || m.code;
}

function childName(row: SheetRow | undefined): string {
  if (!row) return '';
  return ['last_name', 'first_name', 'patronymic']
    .map((k) => row.values[k])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .map((v) => v.trim())
    .join(' ');
}

export function RaidSheet() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const raidType = meta.type('raid');
  const personType = meta.type('person');
  const foundType = meta.type('child_found');
  const mayNewRaid = meta.may('raid', 'create');
  const fromQuery = Number(currentQuery().raid);
  const [mode, setMode] = useState<'new' | 'existing'>(fromQuery > 0 || !mayNewRaid ? 'existing' : 'new');
  const [raidValues, setRaidValues] = useState<Record<string, unknown>>({ raid_on: todayIso() });
  const [raidId, setRaidId] = useState<number | undefined>(fromQuery > 0 ? fromQuery : undefined);
  const [rows, setRows] = useState<SheetRow[]>(() => [emptyRow()]);
  const [errors, setErrors] = useState<SheetErrors>(noSheetErrors());
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<Saved | undefined>(undefined);
  const countries = useCountries();
  const table = useRef<HTMLTableElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const focusNext = useRef<{ row: number; col: number } | undefined>(undefined);
  const focusInvalid = useRef(false);
  const existing = useLoad<RecordBody | undefined>(
    () => (mode === 'existing' && raidId ? records.get('raid', raidId, ['raid_on', 'region', 'place_type', 'place', 'agencies_taking_part']) : Promise.resolve(undefined)),
    [mode, raidId],
  );

  // Focus where the keyboard asked for, once the row it is in exists (before the next key press).
  useLayoutEffect(() => {
    const f = focusNext.current;
    if (!f) return;
    focusNext.current = undefined;
    focusCell(f.row, f.col);
  });
  // After a failed save, the first cell (or raid field) with an error.
  useEffect(() => {
    if (!focusInvalid.current) return;
    focusInvalid.current = false;
    form.current?.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
  }, [errors]);

  if (!raidType || !personType || !foundType) return <Page title={t('sheet.title')}>{null}</Page>;

  const colField = (c: SheetColumn): FieldDef | undefined => (c.on === 'person' ? personType : foundType).fields.find((f) => f.name === c.name);
  const raidField = (name: string) => raidType.fields.find((f) => f.name === name);
  const msgs = (list: readonly SheetMessage[] | undefined) => (list ?? []).map((m) => messageText(m, t));

  function focusCell(row: number, col: number) {
    const cell = table.current?.querySelector<HTMLElement>(`#cell-${row}-${SHEET_COLUMNS[col]?.name}`);
    cell?.querySelector<HTMLElement>('input, select')?.focus();
  }

  const setCell = (uid: number, name: string, v: CellValue | undefined) => {
    setRows((rs) =>
      rs.map((r) => {
        if (r.uid !== uid) return r;
        const values = { ...r.values };
        if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete values[name];
        else values[name] = v;
        return { ...r, values };
      }),
    );
  };
  const addRow = (focus: boolean) => {
    setRows((rs) => {
      if (focus) focusNext.current = { row: rs.length, col: 0 };
      return [...rs, emptyRow()];
    });
  };
  const deleteRow = (index: number) => {
    setRows((rs) => {
      const next = rs.filter((_, i) => i !== index);
      focusNext.current = { row: Math.min(index, Math.max(next.length - 1, 0)), col: 0 };
      return next.length ? next : [emptyRow()];
    });
  };

  const onCellKey = (e: KeyboardEvent, row: number, col: number) => {
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
    e.preventDefault();
    if (col < SHEET_COLUMNS.length - 1) focusCell(row, col + 1);
    else if (row < rows.length - 1) focusCell(row + 1, 0);
    else addRow(true);
  };

  const save = async () => {
    if (saving) return;
    setProblem(undefined);
    setError(undefined);
    setSaved(undefined);
    setErrors(noSheetErrors());
    let raid: SheetRaid;
    if (mode === 'new') raid = { kind: 'new', values: raidValues };
    else {
      if (!raidId || !existing.data) {
        setProblem(t('sheet.choose_raid'));
        return;
      }
      raid = { kind: 'existing', id: raidId, raid_on: typeof existing.data.data.raid_on === 'string' ? existing.data.data.raid_on : '' };
    }
    const imp = buildSheetImport(raid, rows);
    if (imp.rows.length === 0 && raid.kind === 'existing') {
      setProblem(t('sheet.no_rows'));
      return;
    }
    setSaving(true);
    try {
      let report: ImportReport;
      try {
        report = await api.postRaw<ImportReport>('/imports?format=jsonl', imp.body, 'application/x-ndjson');
      } catch (e) {
        if (e instanceof ApiError && e.code === 'import.failed' && e.body && Array.isArray(e.body.errors)) {
          const mapped = mapImportErrors(e.body.errors as ImportErrorItem[], imp, raid.kind);
          focusInvalid.current = true;
          setErrors(mapped);
          if (!hasSheetErrors(mapped)) setError(e);
        } else setError(e);
        return;
      }
      // The import answers the new records' ids by the lines' keys.
      const ids = report.ids ?? {};
      const id: number | undefined = raid.kind === 'existing' ? raid.id : ids.raid;
      const children: Saved['children'] = imp.rows
        .map((uid) => ({ id: ids[`c${uid}`], name: childName(rows.find((r) => r.uid === uid)) }))
        .filter((c): c is { id: number; name: string } => c.id !== undefined);
      setSaved({ raid: id, newRaid: raid.kind === 'new', children, count: report.created?.child_found ?? imp.rows.length });
      setRows([emptyRow()]);
      focusNext.current = { row: 0, col: 0 };
      if (raid.kind === 'new') {
        setRaidValues({ raid_on: todayIso() });
        if (id !== undefined) {
          // More children of the same raid go on the next sheet.
          setMode('existing');
          setRaidId(id);
          navigate(`/raids/new?raid=${id}`, { replace: true });
        }
      }
    } finally {
      setSaving(false);
    }
  };

  const rowErrorCount = Object.values(errors.rows).reduce((n, cells) => n + Object.values(cells).reduce((k, l) => k + l.length, 0), 0);
  const raidErrorCount = Object.values(errors.raid).reduce((n, l) => n + l.length, 0);
  const shownRaidFields = mode === 'new' ? RAID_FIELDS : [];
  const hiddenRaidErrors = Object.entries(errors.raid).filter(([f]) => !shownRaidFields.includes(f));
  const sentCount = rows.filter((r) => !isBlankRow(r)).length;

  const cell = (row: SheetRow, index: number, c: SheetColumn, col: number) => {
    const f = colField(c);
    const value = row.values[c.name];
    const cellErrors = msgs(errors.rows[row.uid]?.[c.name]);
    // A birth date the server would refuse is shown before saving too (typed as dd.mm.yyyy,
    // mm.yyyy or yyyy; the cell holds ISO, or the text as typed when it is not a date).
    if (c.kind === 'partial_date' && !cellErrors.length && typeof value === 'string' && value.trim() !== '') {
      const parsed = parseDate(value, true);
      if (parsed.error) cellErrors.push(dateErrorText(parsed.error, 'partial_date', t));
    }
    const id = `c-${index}-${c.name}`;
    const errorId = cellErrors.length ? `${id}-error` : undefined;
    const name = `${label(f?.label, lang) || c.name}, ${t('sheet.row_n', { n: index + 1 })}`;
    const common = {
      id,
      'aria-label': name,
      'aria-invalid': cellErrors.length ? true : undefined,
      'aria-describedby': errorId,
      onKeyDown: (e: KeyboardEvent) => onCellKey(e, index, col),
    };
    let control;
    if (c.kind === 'enum') {
      control = (
        <select {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => setCell(row.uid, c.name, (e.currentTarget as HTMLSelectElement).value)}>
          <option value="">—</option>
          {meta
            .listValues(f?.values)
            .filter((v) => !v.retired)
            .map((v) => (
              <option key={v.code} value={v.code}>
                {label(v.label, lang)}
              </option>
            ))}
        </select>
      );
    } else if (c.kind === 'country') {
      const sorted = [...countries].sort((a, b) => label(a.label, lang).localeCompare(label(b.label, lang), lang));
      control = (
        <select {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => setCell(row.uid, c.name, (e.currentTarget as HTMLSelectElement).value)}>
          <option value="">—</option>
          {typeof value === 'string' && value && !countries.some((x) => x.code === value) && <option value={value}>{value}</option>}
          {sorted.map((x) => (
            <option key={x.code} value={x.code}>
              {label(x.label, lang)}
            </option>
          ))}
        </select>
      );
    } else if (c.kind === 'multi_enum') {
      const chosen = Array.isArray(value) ? value : [];
      control = (
        <fieldset class="sheet-checks" aria-describedby={errorId}>
          <legend class="visually-hidden">{name}</legend>
          {meta
            .listValues(f?.values)
            .filter((v) => !v.retired)
            .map((v, k) => (
              <label key={v.code} class="check">
                <input
                  type="checkbox"
                  id={k === 0 ? id : `${id}-${v.code}`}
                  value={v.code}
                  checked={chosen.includes(v.code)}
                  aria-invalid={cellErrors.length ? true : undefined}
                  onKeyDown={(e) => onCellKey(e, index, col)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    setCell(row.uid, c.name, on ? [...chosen, v.code] : chosen.filter((x) => x !== v.code));
                  }}
                />{' '}
                {label(v.label, lang)}
              </label>
            ))}
        </fieldset>
      );
    } else if (c.kind === 'partial_date') {
      // Shown and typed as dd.mm.yyyy, mm.yyyy or yyyy like every date field; ISO to the import.
      control = (
        <DateInput
          {...common}
          kind="partial_date"
          class="sheet-date"
          value={value}
          keepInvalid
          noCalendar
          onError={() => undefined}
          onChange={(v) => setCell(row.uid, c.name, v)}
        />
      );
    } else {
      control = (
        <input
          {...common}
          type="text"
          autoComplete="off"
          spellcheck={false}
          maxLength={f?.max_length}
          value={typeof value === 'string' ? value : ''}
          onInput={(e) => setCell(row.uid, c.name, (e.currentTarget as HTMLInputElement).value)}
        />
      );
    }
    return (
      <td key={c.name} id={`cell-${index}-${c.name}`} class={cellErrors.length ? 'cell-invalid' : undefined} data-col={c.name}>
        {control}
        {cellErrors.length > 0 && (
          <p class="field-error small" id={errorId}>
            {cellErrors.join(' ')}
          </p>
        )}
      </td>
    );
  };

  return (
    <Page title={t('sheet.title')}>
      <p class="muted">
        {t('sheet.intro')} <span class="kbd">Ctrl</span>+<span class="kbd">Enter</span>
      </p>
      {saved && (
        <Alert kind="success">
          <p data-testid="sheet-saved">
            {saved.newRaid ? t('sheet.saved_new', { n: formatNumber(saved.count, lang) }) : t('sheet.saved', { n: formatNumber(saved.count, lang) })}
          </p>
          {saved.raid !== undefined && (
            <ul class="inline-links">
              <li>
                <a href={`/records/raid/${saved.raid}`} onClick={onLinkClick} data-testid="saved-raid">
                  {t('sheet.raid_n', { id: saved.raid })}
                </a>
              </li>
              <li>
                <a href={`/records/child_found?raid=${saved.raid}`} onClick={onLinkClick} data-testid="saved-children">
                  {t('sheet.children_of_raid')}
                </a>
              </li>
            </ul>
          )}
          {saved.children.length > 0 && (
            <ul class="link-list" data-testid="saved-child-list">
              {saved.children.map((c) => (
                <li key={c.id}>
                  <a href={`/records/child_found/${c.id}`} onClick={onLinkClick}>
                    {t('sheet.child_n', { id: c.id })}
                    {c.name ? `: ${c.name}` : ''}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      {problem && (
        <Alert kind="error">
          <p>{problem}</p>
        </Alert>
      )}
      <ErrorAlert error={error} />
      {hasSheetErrors(errors) && (
        <Alert kind="error">
          <p data-testid="sheet-failed">{t('sheet.failed', { n: formatNumber(rowErrorCount + raidErrorCount + errors.general.length, lang) })}</p>
          {hiddenRaidErrors.map(([f, list]) => (
            <p key={f}>
              {label(raidField(f)?.label, lang) || f}: {msgs(list).join(' ')}
            </p>
          ))}
          {msgs(errors.general).map((m, i) => (
            <p key={i}>{m}</p>
          ))}
        </Alert>
      )}
      <form
        ref={form}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          if (e.ctrlKey || e.metaKey) {
            e.preventDefault();
            void save();
            return;
          }
          // Enter never saves by itself (a half-typed sheet must not be sent by accident).
          const el = e.target as HTMLElement;
          if (el.tagName === 'INPUT' && (el as HTMLInputElement).type !== 'submit') e.preventDefault();
        }}
      >
        <section class="panel" aria-labelledby="raid-h">
          <h2 id="raid-h">{t('sheet.raid')}</h2>
          {mayNewRaid && (
            <fieldset class="checks">
              <legend class="visually-hidden">{t('sheet.raid')}</legend>
              <label class="check">
                <input type="radio" name="raid-mode" id="raid-mode-new" value="new" checked={mode === 'new'} onChange={() => setMode('new')} /> {t('sheet.raid_new')}
              </label>{' '}
              <label class="check">
                <input type="radio" name="raid-mode" id="raid-mode-existing" value="existing" checked={mode === 'existing'} onChange={() => setMode('existing')} />{' '}
                {t('sheet.raid_existing')}
              </label>
            </fieldset>
          )}
          {mode === 'new' ? (
            <div class="record-form">
              {RAID_FIELDS.map((n) => {
                const f = raidField(n);
                if (!f) return null;
                return (
                  <FieldInput
                    key={n}
                    recordType="raid"
                    field={f}
                    meta={meta}
                    value={raidValues[n]}
                    required={isRequired(f, raidValues)}
                    errors={msgs(errors.raid[n])}
                    idPrefix="r"
                    onChange={(v) => {
                      const next = { ...raidValues };
                      if (v === undefined) delete next[n];
                      else next[n] = v;
                      setRaidValues(next);
                    }}
                  />
                );
              })}
            </div>
          ) : (
            <>
              {foundType.fields.find((f) => f.name === 'raid') && (
                <FieldInput
                  recordType="child_found"
                  field={foundType.fields.find((f) => f.name === 'raid')!}
                  meta={meta}
                  value={raidId}
                  required
                  errors={[]}
                  idPrefix="r"
                  onChange={(v) => setRaidId(typeof v === 'number' ? v : undefined)}
                />
              )}
              {existing.loading && raidId !== undefined && !existing.data && <Loading />}
              <ErrorAlert error={existing.error} />
              {existing.data && (
                <dl class="facts" data-testid="sheet-raid">
                  {['raid_on', 'region', 'place_type', 'place', 'agencies_taking_part'].map((n) => {
                    const f = raidField(n);
                    return f ? (
                      <div key={n}>
                        <dt>{label(f.label, lang)}</dt>
                        <dd>
                          <ValueView meta={meta} field={f} value={existing.data!.data[n]} />
                        </dd>
                      </div>
                    ) : null;
                  })}
                  <div>
                    <dt>{t('list.state')}</dt>
                    <dd>{meta.stateLabel('raid', existing.data.state, lang)}</dd>
                  </div>
                </dl>
              )}
            </>
          )}
        </section>
        <section class="panel sheet-panel" aria-labelledby="children-h">
          <h2 id="children-h">{t('sheet.children')}</h2>
          <p class="muted small">{t('sheet.keys')}</p>
          <div class="table-wrap">
            <table class="table compact sheet" ref={table} data-testid="sheet">
              <caption class="visually-hidden">{t('sheet.children')}</caption>
              <thead>
                <tr>
                  <th scope="col">№</th>
                  {SHEET_COLUMNS.map((c) => {
                    const f = colField(c);
                    return (
                      <th scope="col" key={c.name}>
                        {label(f?.label, lang) || c.name}
                        {f?.required && (
                          <span class="required" aria-hidden="true">
                            {' '}*
                          </span>
                        )}
                        {f?.sensitivity === 'identity' && <span class="badge badge-identity">{t('form.identity')}</span>}
                      </th>
                    );
                  })}
                  <th scope="col">
                    <span class="visually-hidden">{t('sheet.row_actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, index) => {
                  const rowErrors = msgs(errors.rows[row.uid]?.['']);
                  return [
                    <tr key={row.uid} data-row={index} class={errors.rows[row.uid] ? 'row-invalid' : undefined}>
                      <th scope="row">{index + 1}</th>
                      {SHEET_COLUMNS.map((c, col) => cell(row, index, c, col))}
                      <td>
                        <button type="button" class="link-button" data-action="delete-row" onClick={() => deleteRow(index)} aria-label={t('sheet.delete_row_n', { n: index + 1 })}>
                          {t('sheet.delete_row')}
                        </button>
                      </td>
                    </tr>,
                    rowErrors.length > 0 && (
                      <tr key={`${row.uid}-errors`} class="row-errors">
                        <td colSpan={SHEET_COLUMNS.length + 2}>
                          <p class="field-error small">
                            {t('sheet.row_n', { n: index + 1 })}: {rowErrors.join(' ')}
                          </p>
                        </td>
                      </tr>
                    ),
                  ];
                })}
              </tbody>
            </table>
          </div>
          <div class="actions">
            <button type="button" class="button button-plain" data-action="add-row" onClick={() => addRow(true)}>
              {t('sheet.add_row')}
            </button>
          </div>
        </section>
        <div class="actions sticky-actions">
          <button type="submit" class="button" disabled={saving} data-action="save-sheet">
            {saving ? t('form.saving') : t('sheet.save', { n: formatNumber(sentCount, lang) })}
          </button>
          <span class="muted small">{t('form.ctrl_enter')}</span>
        </div>
      </form>
    </Page>
  );
}
