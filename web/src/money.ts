// Money typed in manat, stored in qəpik (pure; unit-tested in tests/money.test.ts).
// The API keeps money fields as integers in qəpik (1 AZN = 100 qəpik, 700 AZN = 70000) and the
// schema's min/max are in qəpik too; people type and read manat with up to two decimals, with a
// comma or a point ("700", "700.50", "700,50", "1 234,56"). The text is parsed digit by digit,
// never through a binary floating-point number: "0.29" is 29 qəpik, "1234567.89" is 123456789.
import { formatMoney } from './format';
import type { Lang, Translate } from './i18n';

export interface MoneyLimits {
  /** Qəpik, as in the schema. */
  min?: number | undefined;
  /** Qəpik, as in the schema. */
  max?: number | undefined;
}

/** Why a text is not an acceptable amount (each has a message: money.<error>). */
export type MoneyError = 'format' | 'decimals' | 'negative' | 'min' | 'max' | 'too_large';

export interface MoneyParse {
  /**
   * What the form holds: undefined for a blank text, the amount in qəpik when the text is a
   * number (also when it is outside the limits: the server refuses it too), else the text itself
   * (trimmed), so that a wrong amount is never dropped quietly.
   */
  value: number | string | undefined;
  error?: MoneyError;
}

/** The longest text looked at (digit groups and all); longer is not an amount anybody typed. */
const MAX_TEXT = 64;

// An optional minus (also U+2212), the manat (plain digits, or groups of three parted by a
// space, a no-break space or a narrow no-break space), then optionally a point or a comma and
// the decimals. ASCII digits only: Arabic-Indic or full-width digits are not accepted.
const AMOUNT = /^([-\u2212]?)([0-9]+|[0-9]{1,3}(?:[ \u00A0\u202F][0-9]{3})+)?(?:[.,]([0-9]*))?$/;

/** The text of a money field -> qəpik, with the first thing wrong with it. */
export function parseManat(text: string, limits: MoneyLimits = {}): MoneyParse {
  const t = text.trim();
  if (t === '') return { value: undefined };
  if (t.length > MAX_TEXT) {
    // A very long run of digits is an amount far too large; anything else is not an amount.
    return /^[0-9]+$/.test(t) ? { value: t, error: limits.max !== undefined ? 'max' : 'too_large' } : { value: t, error: 'format' };
  }
  const m = AMOUNT.exec(t);
  const intText = (m?.[2] ?? '').replace(/[ \u00A0\u202F]/g, '');
  const fracText = m?.[3] ?? '';
  if (!m || (intText === '' && fracText === '')) return { value: t, error: 'format' };
  if (fracText.length > 2) return { value: t, error: 'decimals' };
  const negative = m[1] !== '';
  // Nobody owes a negative fine: "-5" (and "-0") is refused, not read as 5 (or 0); the form
  // keeps the text, which the server refuses as well.
  if (negative && limits.min !== undefined && limits.min >= 0) return { value: t, error: 'negative' };
  const magnitude = exactQepik(intText, fracText);
  if (magnitude === undefined) return { value: t, error: limits.max !== undefined && !negative ? 'max' : 'too_large' };
  const qepik = negative ? -magnitude || 0 : magnitude; // never -0
  if (limits.min !== undefined && qepik < limits.min) return { value: qepik, error: 'min' };
  if (limits.max !== undefined && qepik > limits.max) return { value: qepik, error: 'max' };
  return { value: qepik };
}

/** Manat and decimals (ASCII digits) -> qəpik, exactly; undefined beyond a safe integer. */
function exactQepik(intText: string, fracText: string): number | undefined {
  const digits = (intText.replace(/^0+/, '') || '0') + fracText.padEnd(2, '0');
  // 16 digits are already beyond Number.MAX_SAFE_INTEGER for all but a few; BigInt decides.
  if (digits.length > 17) return undefined;
  const q = BigInt(digits);
  return q > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(q);
}

/** The amount in qəpik, or undefined when the text is blank or not an acceptable amount. */
export function manatToQepik(text: string, limits: MoneyLimits = {}): number | undefined {
  const r = parseManat(text, limits);
  return r.error === undefined && typeof r.value === 'number' ? r.value : undefined;
}

/** A stored amount (qəpik) as the text of the manat input: 70000 -> "700.00", 29 -> "0.29". */
export function qepikToManatInput(qepik: unknown): string {
  if (typeof qepik === 'string') return qepik; // a wrong text kept in the form
  if (typeof qepik !== 'number' || !Number.isFinite(qepik)) return '';
  if (!Number.isSafeInteger(qepik)) return String(qepik / 100); // not qəpik: shown as it is, to be corrected
  const abs = Math.abs(qepik);
  return `${qepik < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Does the text of the input already say this form value (so that it is left as typed)? */
export function sameMoney(text: string, value: unknown, limits: MoneyLimits = {}): boolean {
  return parseManat(text, limits).value === value;
}

/** The message for a money error, the limits read in manat ("At most 100.000,00 ₼"). */
export function moneyMessage(error: MoneyError, limits: MoneyLimits, t: Translate, lang: Lang): string {
  switch (error) {
    case 'min':
      return limits.min === undefined ? t('money.format') : t('money.min', { min: formatMoney(limits.min, lang) });
    case 'max':
      return limits.max === undefined ? t('money.too_large') : t('money.max', { max: formatMoney(limits.max, lang) });
    default:
      return t(`money.${error}`);
  }
}

/**
 * The server's error codes for a money field worded in manat: its "must be at most 10000000"
 * names qəpik; undefined for the codes worded elsewhere (required, hidden, ...).
 */
export function moneyServerMessage(code: string, limits: MoneyLimits, t: Translate, lang: Lang): string | undefined {
  if (code === 'min' || code === 'max') return moneyMessage(code, limits, t, lang);
  if (code === 'type' || code === 'integer') return t('money.format');
  return undefined;
}
