// The action bar of a record list when rows are selected (src/bulk.ts): the workflow steps that
// need no input and are offered for the selected records (as the record page decides), an
// assignment to a colleague for types with a user field (assigned_user_id), and the selected rows
// as a CSV file (what the list shows, never an identity field). A step or an assignment asks for
// confirmation in a dialog ("3 qeyd üçün: Bağla"), then sends one request per record with its own
// version (If-Match), none retried; the list hears the summary and reloads.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { records, type RecordBody } from '../api';
import { assignableFields, bulkTransitions, csvFileName, rowsCsv, runBulk, summarize, type BulkStep, type BulkSummary } from '../bulk';
import { colleagueName, colleagueOptions } from '../colleagues';
import { todayIso } from '../format';
import { useI18n } from '../i18n/context';
import { label, recordTitle, type FieldDef, type TypeDef } from '../meta';
import { forgetTitle, useAgencies, useColleagues, useSession } from '../session';
import { saveFile } from '../download';

/** What a bulk action came to, for the list to show. */
export interface BulkDone {
  action: string;
  summary: BulkSummary;
}

type Pending =
  | { kind: 'transition'; step: BulkStep; action: string }
  | { kind: 'assign'; field: FieldDef; value: number | null; action: string };

/** Hands a CSV text to the browser under `name`. */
function downloadText(text: string, name: string): void {
  saveFile(new Blob([text], { type: 'text/csv;charset=utf-8' }), name);
}

interface Props {
  type: string;
  td: TypeDef;
  /** The selected rows, in the list's order. */
  rows: RecordBody[];
  /** The list's columns (the CSV writes them, with the title field, never an identity field). */
  columns: FieldDef[];
  onClear: () => void;
  onDone: (done: BulkDone) => void;
}

export function BulkActions({ type, td, rows, columns, onClear, onDone }: Props) {
  const { t, lang } = useI18n();
  const { meta, user } = useSession();
  const agencies = useAgencies();
  const colleagues = useColleagues();
  const may = (p: string) => meta.mayPermission(p);
  const steps = bulkTransitions(td, rows, may, user.agency_id);
  const userFields = meta.may(type, 'update') ? assignableFields(td) : [];
  const mayExport = meta.may(type, 'export');
  const [assignee, setAssignee] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [progress, setProgress] = useState<{ done: number; n: number } | undefined>(undefined);
  const [exported, setExported] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);

  // A layout effect: the dialog opens and closes in the same task as its content is drawn or
  // removed, so nobody (a screen reader, a test) ever meets an open dialog with nothing in it.
  useLayoutEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (pending && !d.open) {
      d.showModal();
      // The safe choice first: Enter on the opened dialog does not change anything.
      d.querySelector<HTMLElement>('[data-action=bulk-cancel]')?.focus();
    } else if (!pending && d.open) d.close();
  }, [pending]);

  useEffect(() => setExported(''), [rows.length]);

  const targets = pending?.kind === 'transition' ? rows.filter((r) => pending.step.applicable.includes(r.id)) : rows;
  const skipped = pending?.kind === 'transition' ? pending.step.skipped : [];
  const ids = (list: readonly number[]) => list.map((id) => `№ ${id}`).join(', ');

  const run = async () => {
    if (!pending || progress) return;
    const p = pending;
    setProgress({ done: 0, n: targets.length });
    const outcomes = await runBulk(
      targets,
      (r) =>
        p.kind === 'transition'
          ? records.transition(type, r.id, r.version, p.step.transition.name, {})
          : records.update(type, r.id, r.version, { [p.field.name]: p.value }),
      (done, n) => setProgress({ done, n }),
    );
    for (const r of targets) forgetTitle(type, r.id);
    setProgress(undefined);
    setPending(undefined);
    onDone({ action: p.action, summary: summarize(outcomes, skipped) });
  };

  const exportCsv = () => {
    const text = rowsCsv(
      td,
      columns,
      rows,
      { lang, t, valueLabel: (list, code) => meta.valueLabel(list, code, lang), agencies, colleagues, typeLabel: (ty) => label(meta.type(ty)?.label, lang) },
      (s) => meta.stateLabel(type, s, lang),
    );
    downloadText(text, csvFileName(type, todayIso()));
    setExported(t('bulk.exported', { n: rows.length }));
  };

  return (
    <section class="bulk-bar" aria-label={t('bulk.bar')} data-testid="bulk-bar">
      <p class="bulk-count" data-testid="bulk-count">
        {t('bulk.selected', { n: rows.length })}
      </p>
      {steps.length > 0 && (
        <div class="bulk-group" role="group" aria-label={t('bulk.steps')}>
          {steps.map((s) => (
            <button
              key={s.transition.name}
              type="button"
              class="button"
              data-bulk-transition={s.transition.name}
              onClick={() => setPending({ kind: 'transition', step: s, action: label(s.transition.label, lang) })}
            >
              {label(s.transition.label, lang)}
              {s.skipped.length > 0 ? ` (${s.applicable.length})` : ''}
            </button>
          ))}
        </div>
      )}
      {userFields.map((f) => {
        const id = `bulk-assign-${f.name}`;
        const v = assignee[f.name] ?? '';
        return (
          <div class="bulk-group bulk-assign" key={f.name}>
            <label for={id}>{label(f.label, lang)}</label>
            <select id={id} value={v} onChange={(e) => setAssignee({ ...assignee, [f.name]: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('form.choose')}</option>
              <option value="none">{t('form.nobody')}</option>
              {colleagueOptions(colleagues, undefined, lang).map((o) => (
                <option key={o.value} value={String(o.value)}>
                  {o.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              class="button button-plain"
              data-action="bulk-assign"
              disabled={v === ''}
              onClick={() => {
                const value = v === 'none' ? null : Number(v);
                const name = value === null ? t('form.nobody') : colleagueName(colleagues, value);
                setPending({ kind: 'assign', field: f, value, action: t('bulk.assign_action', { field: label(f.label, lang), name }) });
              }}
            >
              {t('bulk.assign')}
            </button>
          </div>
        );
      })}
      {mayExport && (
        <button type="button" class="button button-plain" data-action="bulk-export" onClick={exportCsv}>
          {t('bulk.export')}
        </button>
      )}
      <button type="button" class="link-button" data-action="bulk-clear" onClick={onClear}>
        {t('bulk.clear')}
      </button>
      <p class="small bulk-status" role="status">
        {exported}
      </p>
      <dialog
        ref={dialog}
        class="bulk-dialog"
        aria-labelledby="bulk-dialog-h"
        data-testid="bulk-dialog"
        onCancel={(e) => {
          // Escape closes it, unless the requests are on their way.
          e.preventDefault();
          if (!progress) setPending(undefined);
        }}
      >
        {pending && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run();
            }}
          >
            <h2 id="bulk-dialog-h">{t('bulk.confirm_title', { n: targets.length, action: pending.action })}</h2>
            <ul class="bulk-targets" data-testid="bulk-targets">
              {targets.map((r) => (
                <li key={r.id} data-id={r.id}>
                  {recordTitle(td, r, lang)} <span class="muted">(№ {r.id})</span>
                </li>
              ))}
            </ul>
            {skipped.length > 0 && <p data-testid="bulk-skipped">{t('bulk.skipped', { ids: ids(skipped) })}</p>}
            <p class="muted small">{t('bulk.confirm_each')}</p>
            <p role="status" class="small" data-testid="bulk-progress">
              {progress ? t('bulk.running', { done: progress.done, n: progress.n }) : ''}
            </p>
            <div class="actions">
              <button type="submit" class="button" data-action="bulk-confirm" disabled={!!progress}>
                {t('bulk.confirm')}
              </button>
              <button type="button" class="button button-plain" data-action="bulk-cancel" disabled={!!progress} onClick={() => setPending(undefined)}>
                {t('form.cancel')}
              </button>
            </div>
          </form>
        )}
      </dialog>
    </section>
  );
}
