// A form generated from a record type: every field that is not computed, shown when its
// condition holds, with the server's field errors at the field and the rest above the form.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
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
  /** Only these fields (e.g. a transition's required fields); default every field. */
  only?: string[];
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

/** Errors naming no field of the form (shown in the summary). */
export function otherErrors(error: unknown, fields: FieldDef[]): string[] {
  if (!(error instanceof ApiError)) return [];
  const names = new Set(fields.map((f) => f.name));
  return error.errors.filter((e) => !names.has(e.field.split(/[.[]/)[0] ?? '')).map((e) => (e.field ? `${e.field}: ` : '') + (e.message || e.code));
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

export function RecordForm({ type, meta, values, onChange, error, only, readOnly, idPrefix = 'f', identityReadOnly }: Props) {
  const { t, lang } = useI18n();
  const fields = type.fields.filter((f) => (only ? only.includes(f.name) : true));
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
