// Values with no field definition to read them by (history entries of fields since removed,
// structured values, the audit log's details) shown readably: never "[object Object]", JSON or
// a raw ISO timestamp (pure; unit-tested).
import { formatDate, formatDateTime, formatNumber } from './format';
import type { Lang, MessageKey, Translate } from './i18n';
import { hasKey } from './i18n';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A history entry's value of an identity field: the server records that it changed, never
 * the value ({"changed": true}).
 */
export function isHiddenChange(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as Record<string, unknown>).changed === true && Object.keys(v).length === 1;
}

/** A key of a structured value as words: "last_name" -> "last name". */
export function keyWords(key: string): string {
  return key.replace(/[_.]+/g, ' ').trim();
}

/**
 * Any value as text: dates and instants in the language, numbers with its separators, lists
 * with commas, structured values as "key: value" pairs (`keyLabel` names the keys).
 */
export function readableValue(v: unknown, lang: Lang, t: Translate, keyLabel: (key: string) => string = keyWords): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('form.yes') : t('form.no');
  if (typeof v === 'number') return formatNumber(v, lang);
  if (typeof v === 'string') {
    if (ISO_INSTANT.test(v)) return formatDateTime(v, lang);
    if (ISO_DAY.test(v)) return formatDate(v, lang);
    return v;
  }
  if (Array.isArray(v)) return v.length === 0 ? '—' : v.map((x) => readableValue(x, lang, t, keyLabel)).join(', ');
  if (typeof v === 'object') {
    if (isHiddenChange(v)) return t('history.identity_hidden');
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && x !== null && x !== '');
    if (entries.length === 0) return '—';
    return entries.map(([k, x]) => `${keyLabel(k)}: ${readableValue(x, lang, t, keyLabel)}`).join('; ');
  }
  return String(v);
}

/** What the audit viewer needs to name things (the schema, agencies, roles), by the caller. */
export interface AuditNames {
  lang: Lang;
  t: Translate;
  /** A record type's label (users and agencies included); the code when unknown. */
  typeLabel: (type: string) => string;
  /** A field of `type`, by its label. */
  fieldLabel: (type: string, field: string) => string;
  /** A workflow step of `type`, by its label. */
  transitionLabel: (type: string, transition: string) => string;
  agencyName: (id: unknown) => string;
  roleLabel: (role: string) => string;
  /** A value of the agency types list. */
  agencyTypeLabel: (code: string) => string;
}

/** An audit action in words ("record.create" -> "Qeyd yaradılıb"); unknown ones as they are. */
export function auditActionLabel(action: string, t: Translate): string {
  const key = `audit.a.${action}`;
  return hasKey(key) ? t(key) : action;
}

/** One line of an audit entry's details. */
export interface DetailLine {
  key: string;
  label: string;
  value: string;
}

/**
 * An audit entry's details as label / value lines: field names by their labels, a step by its
 * label, an agency by its name, roles by theirs, dates in the language; other keys in words.
 */
export function auditDetails(details: unknown, recordType: string, n: AuditNames): DetailLine[] {
  if (details === undefined || details === null) return [];
  if (typeof details !== 'object' || Array.isArray(details)) return [{ key: '', label: '', value: readableValue(details, n.lang, n.t) }];
  const keyLabel = (k: string) => {
    const key = `audit.k.${k}`;
    if (hasKey(key)) return n.t(key);
    const type = n.typeLabel(k); // counts by record type (an import's)
    return type && type !== k ? type : keyWords(k);
  };
  const lines: DetailLine[] = [];
  for (const [k, v] of Object.entries(details as Record<string, unknown>)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    let value: string;
    const list = (x: unknown) => (Array.isArray(x) ? x : [x]).map(String);
    if (k === 'fields' || k === 'filters') value = list(v).map((f) => n.fieldLabel(recordType, f)).join(', ');
    else if (k === 'transition') value = n.transitionLabel(recordType, String(v));
    else if (k === 'agency_id' || k.endsWith('_agency_id')) value = n.agencyName(v);
    else if (k === 'roles' || k === 'roles_from' || k === 'roles_to' || k === 'replaces') value = list(v).map(n.roleLabel).join(', ');
    else if (k === 'decision' && hasKey(`audit.v.${String(v)}`)) value = n.t(`audit.v.${String(v)}` as MessageKey);
    else if (k === 'type' && recordType === 'agency') value = n.agencyTypeLabel(String(v));
    else if (k === 'record_type' || (k === 'type' && typeof v === 'string' && recordType !== 'agency')) value = n.typeLabel(String(v));
    else value = readableValue(v, n.lang, n.t, keyLabel);
    lines.push({ key: k, label: keyLabel(k), value });
  }
  return lines;
}
