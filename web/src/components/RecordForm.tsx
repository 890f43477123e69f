// A form generated from a record type: every field that is not computed, shown when its
// condition holds, with the server's field errors at the field and the rest above the form.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
import { Alert } from './Alert';
import { ErrorAlert } from './Page';
import { hasKey, type Translate } from '../i18n';
import { useI18n } from '../i18n/context';
import { isRequired, isVisible, label, type FieldDef, type Meta, type TypeDef } from '../meta';
import { moneyServerMessage } from '../money';
import { ValueView } from './ValueView';
import { FieldInput } from './FieldInput';

interface Props {
  type: TypeDef;
  meta: Meta;
  values: Record<string, unknown>;
  onChange: (values: Record<string, unknown>) => void;
  error?: unknown;
  /** Only these fields (e.g. a transition's required fields), shown whatever their conditions; default every field. */
  only?: string[];
  /** Only these fields (a section of the record), shown by their conditions as usual. */
  subset?: string[];
  readOnly?: boolean;
  idPrefix?: string;
  /** Identity fields the user may not write: shown but not editable. */
  identityReadOnly?: boolean;
}

/**
 * The server's errors of one field (and its items, "roles[0]"), worded by code when we can;
 * `word` words a code for this field first (money: its limits in manat, not qəpik).
 */
export function fieldErrors(error: unknown, field: string, t?: Translate, word?: (code: string) => string | undefined): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors
    .filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`))
    .map((e) => {
      const own = word?.(e.code);
      if (own !== undefined) return own;
      const key = `rec.${e.code}`;
      // The server's message names limits and lists ("at most 200 characters"): keep it when the code has no wording.
      return t && hasKey(key) ? t(key) : e.message || e.code;
    });
}

/**
 * Errors naming no field of the form (shown in the summary). `named` gives a field outside the
 * form its words (a section's form: an error of another section's field, by its label).
 */
export function otherErrors(error: unknown, fields: FieldDef[], named?: (field: string) => string | undefined): string[] {
  if (!(error instanceof ApiError)) return [];
  const names = new Set(fields.map((f) => f.name));
  return error.errors
    .filter((e) => !names.has(e.field.split(/[.[]/)[0] ?? ''))
    .map((e) => (e.field ? `${named?.(e.field.split(/[.[]/)[0] ?? '') ?? e.field}: ` : '') + (e.message || e.code));
}

/**
 * Above a form: "fix the errors" with the errors naming no field the form shows (`fields`, default
 * the type's; another field of the type by its label), or the failure itself when not a validation.
 */
export function FormErrors({ error, td, fields }: { error: unknown; td: TypeDef; fields?: FieldDef[] }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  const others = otherErrors(error, fields ?? td.fields, (name) => {
    const f = td.fields.find((x) => x.name === name);
    return f ? label(f.label, lang) : undefined;
  });
  const isValidation = error instanceof ApiError && error.errors.length > 0;
  return (
    <>
      {isValidation ? (
        <Alert kind="error">
          <p>{t('form.fix_errors')}</p>
          {others.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </Alert>
      ) : (
        <ErrorAlert error={error} />
      )}
    </>
  );
}

/** The type's notice (e.g. never upload the material itself), prominently at the top of its forms. */
export function TypeNotice({ type }: { type: TypeDef }) {
  const { t, lang } = useI18n();
  const text = label(type.notice, lang);
  if (!text) return null;
  return (
    <div class="alert alert-warning type-notice" role="note" aria-label={t('form.notice')} data-testid="type-notice">
      <p>
        <strong>{t('form.notice')}:</strong> {text}
      </p>
    </div>
  );
}

export function RecordForm({ type, meta, values, onChange, error, only, subset, readOnly, idPrefix = 'f', identityReadOnly }: Props) {
  const { t, lang } = useI18n();
  // A section's fields in the section's order; otherwise the schema's.
  const fields = subset
    ? subset.map((name) => type.fields.find((f) => f.name === name)).filter((f): f is FieldDef => f !== undefined)
    : type.fields.filter((f) => (only ? only.includes(f.name) : true));
  const out: ComponentChildren[] = [];
  for (const f of fields) {
    // A type that takes no file at all (child sexual abuse material must never be stored): no upload control.
    if (f.type === 'attachment' && type.attachments === 'never') continue;
    if (!isVisible(f, values) && !only) continue;
    if (f.computed) {
      if (values[f.name] !== undefined && values[f.name] !== null)
        out.push(
          <div class="field field-computed" key={f.name} data-field={f.name}>
            <span class="field-label">{label(f.label, lang)}</span>
            <ValueView meta={meta} field={f} value={values[f.name]} />
          </div>,
        );
      continue;
    }
    out.push(
      <FieldInput
        key={f.name}
        recordType={type.name}
        siblings={values}
        field={f}
        meta={meta}
        value={values[f.name]}
        required={isRequired(f, values)}
        errors={fieldErrors(error, f.name, t, f.type === 'money' ? (code) => moneyServerMessage(code, { min: f.min, max: f.max }, t, lang) : undefined)}
        idPrefix={idPrefix}
        disabled={readOnly || (identityReadOnly && f.sensitivity === 'identity')}
        onChange={(v) => {
          const next = { ...values };
          if (v === undefined) delete next[f.name];
          else next[f.name] = v;
          onChange(next);
        }}
      />,
    );
  }
  return <div class="record-form">{out}</div>;
}
