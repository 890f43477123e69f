// One field of a record form, generated from its schema definition: the control by type, the
// label in the chosen language, a required mark, the help text and the server's errors.
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { agencyOptions, agencyTypeField, isAgencyField } from '../agencies';
import { api, ApiError, records } from '../api';
import { colleagueOptions, isUserField } from '../colleagues';
import type { DateError } from '../dates';
import { facilityDirectoryHint, FACILITY_TYPE } from '../facilityDirectory';
import { formatDateTime, formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { label, titleText, type FieldDef, type Meta } from '../meta';
import { moneyMessage, parseManat, qepikToManatInput, sameMoney, type MoneyError, type MoneyLimits } from '../money';
import { onLinkClick } from '../router';
import { captureMode, localTitle, newRefHref } from '../offline/logic';
import { isLocalId } from '../offline/queue';
import { useLocalRecords, useOfflineView, type LocalRecord } from '../offline/runtime';
import { hasWordSearch, refSearchPlan } from '../search';
import { SessionContext, useAgencies, useColleagues, useCountries, useRecordTitle, useSession } from '../session';
import { DateInput, dateErrorText, type DateKind } from './DateInput';
import { FileInput } from './FileInput';

interface Props {
  /** The other values of the form (an agency picker narrows by the agency type chosen beside it). */
  siblings?: Record<string, unknown>;
  /** The record type the field belongs to (attachments are uploaded per type and field). */
  recordType: string;
  field: FieldDef;
  meta: Meta;
  value: unknown;
  onChange: (v: unknown) => void;
  required: boolean;
  errors: readonly string[];
  idPrefix?: string;
  disabled?: boolean;
}

export function FieldInput({ siblings, recordType, field: f, meta, value, onChange, required, errors: serverErrors, idPrefix = 'f', disabled }: Props) {
  const { t, lang } = useI18n();
  // A money field checks its text as it is typed (manat, two decimals, the schema's limits); that
  // error is the current one, so it is shown instead of the server's (from the last save).
  const [moneyError, setMoneyError] = useState<MoneyError | undefined>(undefined);
  // A date field likewise checks its text (dd.mm.yyyy) as it is typed.
  const [dateError, setDateError] = useState<DateError | undefined>(undefined);
  const limits: MoneyLimits = { min: f.min, max: f.max };
  const isDate = f.type === 'date' || f.type === 'datetime' || f.type === 'partial_date';
  const errors =
    f.type === 'money' && moneyError
      ? [moneyMessage(moneyError, limits, t, lang)]
      : isDate && dateError
        ? [dateErrorText(dateError, f.type as DateKind, t)]
        : serverErrors;
  const id = `${idPrefix}-${f.name}`;
  const hint = f.help ? label(f.help, lang) : f.type === 'partial_date' ? t('form.partial_date_hint') : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: f.name,
    disabled,
    'aria-invalid': errors.length > 0 ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': required ? true : undefined,
  };
  const text = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  const fieldLabel = (
    <>
      {label(f.label, lang)}
      {required && (
        <span class="required" aria-hidden="true">
          {' '}*
        </span>
      )}
      {f.sensitivity === 'identity' && <span class="badge badge-identity">{t('form.identity')}</span>}
    </>
  );

  let control;
  switch (f.type) {
    case 'long_text':
      control = <textarea {...common} rows={3} maxLength={f.max_length} value={(value as string) ?? ''} onInput={(e) => onChange(text(e))} />;
      break;
    case 'integer':
    case 'decimal':
      if (isAgencyField(f)) {
        // Agencies are not records: the schema holds their id as a plain integer (referral.to_agency_id).
        control = <AgencySelect common={common} field={f} value={value} onChange={onChange} siblings={siblings} />;
        break;
      }
      if (isUserField(f)) {
        // Users likewise (victim_case.assigned_user_id): a colleague of the signed-in user's agency.
        control = <UserSelect common={common} value={value} onChange={onChange} />;
        break;
      }
      control = (
        <input
          {...common}
          type="text"
          inputMode={f.type === 'integer' ? 'numeric' : 'decimal'}
          class="short"
          value={value === undefined || value === null ? '' : String(value)}
          onInput={(e) => {
            const s = text(e).trim().replace(',', '.');
            if (s === '') onChange(undefined);
            else onChange(/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s);
          }}
        />
      );
      break;
    case 'money':
      control = <MoneyInput common={common} limits={limits} value={value} onChange={onChange} onError={setMoneyError} />;
      break;
    case 'date':
    case 'datetime':
    case 'partial_date':
      // The schema's min_year / max_year (min / max of a date field) bound the calendar.
      control = (
        <DateInput
          {...common}
          kind={f.type}
          value={value}
          keepInvalid
          onChange={onChange}
          onError={setDateError}
          min={typeof f.min === 'number' ? `${String(f.min).padStart(4, '0')}-01-01` : undefined}
          max={typeof f.max === 'number' ? `${String(f.max).padStart(4, '0')}-12-31` : undefined}
        />
      );
      break;
    case 'boolean':
      control = (
        <select
          {...common}
          class="short"
          value={value === true ? 'true' : value === false ? 'false' : ''}
          onChange={(e) => {
            const v = text(e);
            onChange(v === '' ? undefined : v === 'true');
          }}
        >
          <option value="">{t('form.unknown')}</option>
          <option value="true">{t('form.yes')}</option>
          <option value="false">{t('form.no')}</option>
        </select>
      );
      break;
    case 'enum': {
      const values = meta.listValues(f.values).filter((v) => !v.retired || v.code === value);
      control = (
        <select {...common} value={(value as string) ?? ''} onChange={(e) => onChange(text(e) || undefined)}>
          <option value="">{t('form.choose')}</option>
          {values.map((v) => (
            <option key={v.code} value={v.code}>
              {label(v.label, lang)}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'multi_enum': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      const values = meta.listValues(f.values).filter((v) => !v.retired || chosen.includes(v.code));
      return (
        <fieldset class={errors.length ? 'field field-invalid checks' : 'field checks'} id={id} aria-describedby={describedBy}>
          <legend>{fieldLabel}</legend>
          {hint && <p class="field-hint" id={hintId}>{hint}</p>}
          {errors.length > 0 && <p class="field-error" id={errorId}>{errors.join(' ')}</p>}
          <div class="check-grid">
            {values.map((v) => (
              <label key={v.code} class="check">
                <input
                  type="checkbox"
                  name={f.name}
                  value={v.code}
                  disabled={disabled}
                  checked={chosen.includes(v.code)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    const next = on ? [...chosen, v.code] : chosen.filter((c) => c !== v.code);
                    onChange(next.length ? next : undefined);
                  }}
                />{' '}
                {label(v.label, lang)}
              </label>
            ))}
          </div>
        </fieldset>
      );
    }
    case 'country':
      control = <CountrySelect common={common} value={value} onChange={onChange} />;
      break;
    case 'reference':
      control = <RefPicker common={common} field={f} meta={meta} value={value} onChange={onChange} siblings={siblings} recordType={recordType} />;
      break;
    case 'attachment':
      control = <AttachmentInput common={common} type={recordType} field={f} value={value} onChange={onChange} />;
      break;
    default:
      control = (
        <input
          {...common}
          type="text"
          maxLength={f.max_length}
          value={(value as string) ?? ''}
          onInput={(e) => onChange(text(e) === '' ? undefined : text(e))}
          autoComplete="off"
        />
      );
  }
  return (
    <div class={errors.length ? 'field field-invalid' : 'field'} data-field={f.name}>
      <label for={id}>{fieldLabel}</label>
      {hint && (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {errors.length > 0 && (
        <p class="field-error" id={errorId}>
          {errors.join(' ')}
        </p>
      )}
      {control}
    </div>
  );
}

type Common = Record<string, unknown> & { id: string };

/** An agency id field: a choice of agencies ("name (region)"), narrowed by the agency type chosen beside it. */
/** A select of record-less ids (agencies, colleagues): a number, or nothing for the empty choice. */
function IdSelect({ common, value, onChange, empty, options }: { common: Common; value: unknown; onChange: (v: unknown) => void; empty: string; options: Array<{ value: string | number; label: string }> }) {
  return (
    <select
      {...common}
      value={typeof value === 'number' ? String(value) : ''}
      onChange={(e) => {
        const v = (e.currentTarget as HTMLSelectElement).value;
        onChange(v ? Number(v) : undefined);
      }}
    >
      <option value="">{empty}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function AgencySelect({ common, field, value, onChange, siblings }: { common: Common; field: FieldDef; value: unknown; onChange: (v: unknown) => void; siblings?: Record<string, unknown> | undefined }) {
  const { t, lang } = useI18n();
  const agencies = useAgencies();
  const { meta } = useSession();
  const options = agencyOptions(agencies, value, siblings?.[agencyTypeField(field.name)], lang, (c) => meta.valueLabel('region', c, lang));
  return <IdSelect common={common} value={value} onChange={onChange} empty={t('form.choose')} options={options} />;
}

/** A user id field: a choice of the signed-in user's colleagues, by name; empty for nobody. */
function UserSelect({ common, value, onChange }: { common: Common; value: unknown; onChange: (v: unknown) => void }) {
  const { t, lang } = useI18n();
  const colleagues = useColleagues();
  const options = colleagueOptions(colleagues, value, lang);
  return <IdSelect common={common} value={value} onChange={onChange} empty={t('form.nobody')} options={options} />;
}

/** An attachment: the stored file (name, size, a link to its content) and a file chooser to replace it. */
function AttachmentInput({ common, type, field, value, onChange }: { common: Common; type: string; field: FieldDef; value: unknown; onChange: (v: unknown) => void }) {
  const { t, lang } = useI18n();
  const [info, setInfo] = useState<{ name: string; size: number } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    setInfo(undefined);
    if (typeof value !== 'string') return;
    api.request<{ name: string; size: number }>('GET', `/attachments/${encodeURIComponent(value)}`).then(setInfo, () => setInfo(undefined));
  }, [value]);
  return (
    <div class="attachment">
      {typeof value === 'string' ? (
        <p>
          <a href={`/api/v1/attachments/${encodeURIComponent(value)}/content`} download>
            {info?.name ?? t('form.attachment_stored')}
          </a>
          {info && <span class="muted small"> ({formatNumber(Math.ceil(info.size / 1024), lang)} KB)</span>}{' '}
          {!common.disabled && (
            <button type="button" class="link-button" onClick={() => onChange(undefined)}>
              {t('form.attachment_remove')}
            </button>
          )}
        </p>
      ) : (
        common.disabled && <p class="muted">{t('form.attachment_none')}</p>
      )}
      {!common.disabled && (
        <FileInput
          {...common}
          accept={field.accept?.join(',')}
          disabled={busy}
          onFile={async (file) => {
            if (!file) return;
            setBusy(true);
            setError('');
            try {
              const r = await api.upload(type, field.name, file);
              onChange(r.id);
            } catch (err) {
              setError(err instanceof ApiError ? err.errors.map((x) => x.message).join(' ') || err.detail : String(err));
            } finally {
              setBusy(false);
            }
          }}
        />
      )}
      {busy && <p class="small" role="status">{t('form.uploading')}</p>}
      {error && <p class="field-error">{error}</p>}
    </div>
  );
}

/**
 * An amount in manat ("700", "700.50", "700,50"); the form holds qəpik (an integer), or the text
 * itself while it is not an acceptable amount (the error is reported to the field).
 */
function MoneyInput({
  common,
  limits,
  value,
  onChange,
  onError,
}: {
  common: Common;
  limits: MoneyLimits;
  value: unknown;
  onChange: (v: unknown) => void;
  onError: (e: MoneyError | undefined) => void;
}) {
  const [textValue, setText] = useState(qepikToManatInput(value));
  useEffect(() => {
    // A value set from outside (a reset, the record reloaded, the amount filled by the server).
    if (!sameMoney(textValue, value, limits)) {
      const next = qepikToManatInput(value);
      setText(next);
      onError(parseManat(next, limits).error);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <span class="money">
      <input
        {...common}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        class="short"
        value={textValue}
        onInput={(e) => {
          const s = (e.currentTarget as HTMLInputElement).value;
          const r = parseManat(s, limits);
          setText(s);
          onError(r.error);
          onChange(r.value);
        }}
      />{' '}
      ₼
    </span>
  );
}

function CountrySelect({ common, value, onChange }: { common: Common; value: unknown; onChange: (v: unknown) => void }) {
  const { t, lang } = useI18n();
  const countries = useCountries();
  const sorted = [...countries].sort((a, b) => label(a.label, lang).localeCompare(label(b.label, lang), lang));
  return (
    <select {...common} value={(value as string) ?? ''} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value || undefined)}>
      <option value="">{t('form.choose')}</option>
      {typeof value === 'string' && !countries.some((c) => c.code === value) && <option value={value}>{value}</option>}
      {sorted.map((c) => (
        <option key={c.code} value={c.code}>
          {label(c.label, lang)}
        </option>
      ))}
    </select>
  );
}

/**
 * A reference as a search box: a number finds that record, text searches names (types with a
 * name search, for roles with identity access) and the type's title field — by its words or
 * their starts when the type has word_search fields ("yardim" finds "Yardım Mərkəzi"), else as
 * typed; the choice shows its title with a button to clear it.
 */
function RefPicker({ common, field, meta, value, onChange, siblings, recordType }: { common: Common; field: FieldDef; meta: Meta; value: unknown; onChange: (v: unknown) => void; siblings?: Record<string, unknown> | undefined; recordType: string }) {
  const { t, lang } = useI18n();
  const type = field.ref!;
  const td = meta.type(type);
  // Field work offline: the records of this type saved on the device and not yet sent (a child
  // found refers to the raid recorded before it), and a new one made from here (docs/offline.md).
  const userId = useContext(SessionContext)?.user.id;
  const device = useOfflineView();
  const locals = useLocalRecords(type);
  const localLabel = (r: LocalRecord | undefined) =>
    t('offline.local_ref', {
      title: (r && localTitle(meta.type(r.type), r.data, lang)) || label(td?.label, lang),
      at: r ? formatDateTime(r.savedAt, lang) : '—',
    });
  const formPath = typeof window !== 'undefined' ? window.location.pathname : '';
  const newHere =
    captureMode(type, device.info, userId) === 'yes' && meta.may(type, 'create') && /^\/records\/[a-z][a-z0-9_]*\/new$/.test(formPath)
      ? newRefHref(type, formPath, meta.type(recordType), siblings ?? {}, field.name)
      : undefined;
  const title = useRecordTitle(meta, type, value, lang);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Array<{ id: number; title: string }>>([]);
  const [open, setOpen] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  // The last search started: an older one that answers late does not replace its results.
  const latest = useRef(0);

  useEffect(() => {
    window.clearTimeout(timer.current);
    const text = q.trim();
    const run = ++latest.current;
    if (!text) {
      setFound([]);
      return;
    }
    timer.current = window.setTimeout(async () => {
      const tf = td?.title_field;
      const nameSearch = !!td?.fields.some((x) => x.name_search) && meta.identity(type) !== 'none';
      // With identity access, the names help to tell people apart (the read is audited).
      const names = nameSearch ? (td?.fields ?? []).filter((x) => x.name_search && x.type === 'text').map((x) => x.name).slice(0, 3) : [];
      const fields = [...(tf ? [tf] : []), ...names];
      const hits = new Map<number, string>();
      const add = (items: Array<{ id: number; data: Record<string, unknown> }>) => {
        for (const r of items) {
          const title = titleText(td, tf ? r.data[tf] : undefined, lang) || `${label(td?.label, lang)} № ${r.id}`;
          const who = names.map((n) => r.data[n]).filter((v) => typeof v === 'string' && v).join(' ');
          hits.set(r.id, who ? `${title} — ${who}` : title);
        }
      };
      // The title's words ("Yardım" finds "Yardım Mərkəzi Sumqayıt"), else the title as typed.
      const plan = refSearchPlan(text, { titleField: tf, wordSearch: hasWordSearch(td), nameSearch });
      const listed = (params: Record<string, string | number>) =>
        records.list(type, { ...params, limit: 10, fields: fields.join(',') }).then((r) => add(r.items));
      const tries: Promise<void>[] = [];
      if (plan.id !== undefined)
        tries.push(records.get(type, plan.id, fields.length ? fields : undefined).then((r) => add([r])).catch(() => undefined));
      if (plan.words !== undefined) {
        const words = plan.words;
        // The server's folding decides what a word is: when it refuses the text, the exact title.
        tries.push(listed({ words }).catch(() => (tf ? listed({ [tf]: words }).catch(() => undefined) : undefined)));
      } else if (plan.title) tries.push(listed({ [plan.title[0]]: plan.title[1] }).catch(() => undefined));
      if (plan.names !== undefined) tries.push(listed({ q: plan.names }).catch(() => undefined));
      await Promise.all(tries);
      if (run !== latest.current) return;
      setFound([...hits].map(([id, title]) => ({ id, title })));
      setOpen(true);
    }, 200);
    return () => window.clearTimeout(timer.current);
  }, [q, type]);

  if (isLocalId(value)) {
    return (
      <div class="ref-chosen">
        <span id={common.id} data-ref-id={value} data-local="true" class="ref-local">
          {localLabel(locals.find((r) => r.localId === value))}
        </span>{' '}
        {!common.disabled && (
          <button type="button" class="link-button" onClick={() => onChange(undefined)} aria-label={t('form.ref_clear_label', { name: label(field.label, lang) })}>
            {t('form.ref_clear')}
          </button>
        )}
      </div>
    );
  }
  if (typeof value === 'number') {
    return (
      <div class="ref-chosen">
        <a href={`/records/${type}/${value}`} onClick={onLinkClick} id={common.id} data-ref-id={value}>
          {title === null ? t('record.out_of_reach', { id: value }) : (title ?? `№ ${value}`)}
        </a>{' '}
        {!common.disabled && (
          <button type="button" class="link-button" onClick={() => onChange(undefined)} aria-label={t('form.ref_clear_label', { name: label(field.label, lang) })}>
            {t('form.ref_clear')}
          </button>
        )}
      </div>
    );
  }
  const listId = `${common.id}-results`;
  return (
    <div class="ref-picker">
      <input
        {...common}
        type="search"
        role="combobox"
        list={undefined}
        aria-expanded={open && found.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        placeholder={t('form.ref_placeholder', { type: label(td?.label, lang) })}
        value={q}
        autoComplete="off"
        onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && found.length > 0) {
            e.preventDefault();
            onChange(found[0]!.id);
            setQ('');
          }
        }}
      />
      {open && q.trim() !== '' && (
        <ul class="ref-results" id={listId} role="listbox">
          {found.length === 0 && <li class="muted">{t('form.ref_none')}</li>}

          {found.map((r) => (
            <li key={r.id} role="option" aria-selected="false">
              <button
                type="button"
                class="link-button"
                onClick={() => {
                  onChange(r.id);
                  setQ('');
                }}
              >
                {r.title} <span class="muted">(№ {r.id})</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {locals.length > 0 && (
        <div class="ref-local-list" data-testid={`${common.id}-local`}>
          <p class="muted small">{t('offline.on_device')}</p>
          <ul class="link-list">
            {locals.map((r) => (
              <li key={r.localId}>
                <button type="button" class="link-button" data-local-id={r.localId} onClick={() => onChange(r.localId)}>
                  {localLabel(r)}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {newHere && (
        <p class="small">
          <a href={newHere} onClick={onLinkClick} data-new-ref={type}>
            {t('list.new_of', { type: label(td?.label, lang) })}
          </a>
        </p>
      )}
      {/* A case worker finds no facility of another agency without the facility directory role. */}
      {open && q.trim() !== '' && type === FACILITY_TYPE && facilityDirectoryHint(meta, found.length === 0) && (
        <p class="hint-note" data-testid="facility-directory-hint">
          {t('facilities.directory_hint')}
        </p>
      )}
    </div>
  );
}
