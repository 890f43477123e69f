// A record's details in parts (docs/records.md, "Sections"): each part read as a heading and the
// label / value pairs of its fields that have values (the empty ones counted, not shown), and
// edited one part at a time: an "Edit" button turns that part alone into its form (the usual
// field inputs), whose Save sends a PATCH of that part's fields only, with If-Match; a version
// conflict or the server's errors are shown in the part. The print view reads the same parts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, records, type RecordBody } from '../api';
import { displayDate, displayDateTime } from '../dates';
import { formatNumber } from '../format';
import type { Lang } from '../i18n';
import { useI18n } from '../i18n/context';
import { label, type FieldDef, type Meta, type TypeDef } from '../meta';
import { OTHER_SECTION, readSection, recordSections, sectionPatch, type RecordSection } from '../sections';
import { Alert } from './Alert';
import { FormErrors, RecordForm } from './RecordForm';
import { ValueView } from './ValueView';

/**
 * A stored value for reading in a part: days as dd.mm.yyyy (instants with the time) as the date
 * fields show them, a file by its name, long text with its line breaks; the rest as everywhere
 * (list codes by their labels, references by their titles, money in manat, yes / no).
 */
export function ReadValue({ meta, field: f, value }: { meta: Meta; field: FieldDef; value: unknown }) {
  if (value === undefined || value === null || value === '') return <span class="muted">—</span>;
  switch (f.type) {
    case 'date':
    case 'partial_date':
      return <>{displayDate(value)}</>;
    case 'datetime':
      return <>{displayDateTime(value)}</>;
    case 'attachment':
      return typeof value === 'string' ? <AttachmentLink id={value} /> : <ValueView meta={meta} field={f} value={value} />;
    case 'long_text':
      return <span class="long-text">{String(value)}</span>;
    default:
      return <ValueView meta={meta} field={f} value={value} />;
  }
}

/** An uploaded file by its name (and size), linked to its content. */
function AttachmentLink({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [info, setInfo] = useState<{ name: string; size: number } | undefined>(undefined);
  useEffect(() => {
    let live = true;
    api.request<{ name: string; size: number }>('GET', `/attachments/${encodeURIComponent(id)}`).then(
      (i) => live && setInfo(i),
      () => live && setInfo(undefined),
    );
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <>
      <a href={`/api/v1/attachments/${encodeURIComponent(id)}/content`} download>
        {info?.name ?? t('form.attachment_stored')}
      </a>
      {info && <span class="muted small"> ({formatNumber(Math.ceil(info.size / 1024), lang)} KB)</span>}
    </>
  );
}

/** A part's heading: the schema's label, "Other" for the rest; none for a type without sections. */
export function sectionTitle(s: RecordSection, lang: Lang, other: string): string {
  if (s.name === OTHER_SECTION) return other;
  return label(s.label, lang);
}

/** The label / value pairs of a part's fields that have values, and how many empty ones are left out. */
export function SectionValues({ td, meta, section, values, identityHidden }: { td: TypeDef; meta: Meta; section: RecordSection; values: Record<string, unknown>; identityHidden?: boolean }) {
  const { t, lang } = useI18n();
  const { shown, empty } = readSection(td, section, values, identityHidden);
  return (
    <>
      {shown.length > 0 ? (
        <dl class="record-values">
          {shown.map((f) => (
            <div key={f.name} data-field={f.name}>
              <dt>{label(f.label, lang)}</dt>
              <dd>
                <ReadValue meta={meta} field={f} value={values[f.name]} />
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p class="muted" data-testid="section-nothing">{t('section.nothing')}</p>
      )}
      {empty > 0 && shown.length > 0 && (
        <p class="muted small section-empty" data-testid="section-empty">
          {t('section.empty_fields', { n: formatNumber(empty, lang) })}
        </p>
      )}
    </>
  );
}

/** Every part read-only, each under its heading (the print view). */
export function ReadOnlySections({ td, meta, rec }: { td: TypeDef; meta: Meta; rec: RecordBody }) {
  const { t, lang } = useI18n();
  const identityHidden = (rec as { identity_hidden?: boolean }).identity_hidden === true;
  return (
    <>
      {recordSections(td).map((s) => {
        const title = sectionTitle(s, lang, t('section.other'));
        const hid = `sec-${s.name || 'all'}-h`;
        return (
          <section key={s.name} class="record-section" data-section={s.name || undefined} aria-labelledby={title ? hid : undefined}>
            {title && <h2 id={hid}>{title}</h2>}
            <SectionValues td={td} meta={meta} section={s} values={rec.data} identityHidden={identityHidden} />
          </section>
        );
      })}
    </>
  );
}

interface Props {
  td: TypeDef;
  meta: Meta;
  rec: RecordBody;
  /** The user may change the record: each part has its Edit button. */
  mayUpdate: boolean;
  identityReadOnly: boolean;
  /** The record as saved (a part's PATCH, or the latest version fetched after a conflict). */
  onSaved: (r: RecordBody) => void;
  /**
   * Saves a part's PATCH (default: to the server with If-Match); `offline`: it was kept on the
   * device to be sent later (field work offline, docs/offline.md).
   */
  update?: (patch: Record<string, unknown>) => Promise<{ record: RecordBody; offline: boolean }>;
}

/** The record's parts in read mode, one of them at a time in edit mode. */
export function RecordSections({ td, meta, rec, mayUpdate, identityReadOnly, onSaved, update }: Props) {
  const { t, lang } = useI18n();
  const sections = recordSections(td);
  const [editing, setEditing] = useState<string | undefined>(undefined);
  // The values being edited (the whole record's, so that conditions on other parts hold), and the
  // record's values when editing began: a newer version (a workflow step taken meanwhile, a conflict
  // reloaded) keeps what the user changed and takes the rest from it.
  const [edit, setEdit] = useState<Record<string, unknown>>({});
  const [base, setBase] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const [reloading, setReloading] = useState(false);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [savedOffline, setSavedOffline] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const identityHidden = (rec as { identity_hidden?: boolean }).identity_hidden === true;
  const other = t('section.other');

  useEffect(() => {
    if (!editing) return;
    const s = sections.find((x) => x.name === editing);
    if (!s) return;
    const next = { ...rec.data };
    for (const f of s.fields) if (JSON.stringify(edit[f.name]) !== JSON.stringify(base[f.name])) {
      if (edit[f.name] === undefined) delete next[f.name];
      else next[f.name] = edit[f.name];
    }
    setBase(rec.data);
    setEdit(next);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rec.version]);

  const focusIn = (name: string, selector: string) =>
    window.setTimeout(() => root.current?.querySelector<HTMLElement>(`[data-section="${name}"] ${selector}`)?.focus(), 0);

  const open = (s: RecordSection) => {
    setEditing(s.name);
    setEdit(rec.data);
    setBase(rec.data);
    setError(undefined);
    setSaved(undefined);
    focusIn(s.name, 'form input:not([type=hidden]):not([disabled]), form select:not([disabled]), form textarea:not([disabled]), form button:not([disabled])');
  };
  const close = (name: string) => {
    setEditing(undefined);
    setError(undefined);
    focusIn(name, 'h2');
  };
  const save = async (s: RecordSection) => {
    const patch = sectionPatch(td, s, rec.data, edit);
    if (Object.keys(patch).length === 0) {
      close(s.name);
      return;
    }
    setSaving(true);
    setError(undefined);
    try {
      const { record: r, offline } = update ? await update(patch) : { record: await records.update(td.name, rec.id, rec.version, patch), offline: false };
      onSaved(r);
      setSaved(s.name);
      setSavedOffline(offline);
      close(s.name);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  // After a version conflict: the latest version, the user's changes to this part kept.
  const reload = async () => {
    setReloading(true);
    try {
      onSaved(await records.get(td.name, rec.id));
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setReloading(false);
    }
  };

  return (
    <div class="record-sections" ref={root}>
      {sections.map((s) => {
        const title = sectionTitle(s, lang, other);
        const hid = `sec-${s.name || 'all'}-h`;
        const isEditing = editing === s.name;
        const dirty = isEditing && Object.keys(sectionPatch(td, s, rec.data, edit)).length > 0;
        const conflict = isEditing && error instanceof ApiError && error.status === 412;
        return (
          <section
            key={s.name}
            class={isEditing ? 'panel record-section editing' : 'panel record-section'}
            data-section={s.name || undefined}
            data-mode={isEditing ? 'edit' : 'read'}
            aria-labelledby={title ? hid : undefined}
          >
            <div class="section-head">
              {title ? (
                <h2 id={hid} tabIndex={-1}>
                  {title}
                </h2>
              ) : (
                <span />
              )}
              {mayUpdate && !isEditing && editing === undefined && (
                <button type="button" class="button button-plain button-compact" data-action="edit-section" onClick={() => open(s)}>
                  {t('section.edit')}
                  {title && <span class="visually-hidden">: {title}</span>}
                </button>
              )}
            </div>
            {saved === s.name && !isEditing && (
              <Alert kind="success">
                {savedOffline ? (
                  <p data-testid="saved-on-device">{t('offline.saved_here')}</p>
                ) : (
                  <p>{title ? t('section.saved', { name: title }) : t('record.saved')}</p>
                )}
              </Alert>
            )}
            {isEditing ? (
              <form
                noValidate
                aria-labelledby={title ? hid : undefined}
                onSubmit={(e) => {
                  e.preventDefault();
                  void save(s);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                    e.preventDefault();
                    void save(s);
                  }
                }}
              >
                <FormErrors error={error} td={td} fields={s.fields} />
                {conflict && (
                  <p>
                    <button type="button" class="button button-plain" data-action="reload-record" disabled={reloading} onClick={() => void reload()}>
                      {t('section.reload')}
                    </button>
                  </p>
                )}
                <RecordForm type={td} meta={meta} values={edit} onChange={setEdit} error={error} subset={s.fields.map((f) => f.name)} identityReadOnly={identityReadOnly} />
                <div class="actions">
                  <button type="submit" class="button" disabled={saving || !dirty}>
                    {saving ? t('form.saving') : t('form.save')}
                  </button>
                  <button type="button" class="button button-plain" disabled={saving} onClick={() => close(s.name)}>
                    {t('form.cancel')}
                  </button>
                  <span class="muted small">{t('form.ctrl_enter')}</span>
                </div>
              </form>
            ) : (
              <SectionValues td={td} meta={meta} section={s} values={rec.data} identityHidden={identityHidden} />
            )}
          </section>
        );
      })}
    </div>
  );
}
