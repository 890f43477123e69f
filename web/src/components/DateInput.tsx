// A date (or date and time) typed as dd.mm.yyyy [HH:MM] in every language, instead of the
// browser's control, which follows the browser's locale (mm/dd/yyyy, AM/PM) inside an
// Azerbaijani page. The value given and taken is ISO (src/dates.ts); the text is reformatted
// when the field is left.
import { useEffect, useState } from 'preact/hooks';
import { displayDate, displayDateTime, parseDate, parseDateTime, sameDate, type DateError } from '../dates';
import type { Translate } from '../i18n';
import { useI18n } from '../i18n/context';

export type DateKind = 'date' | 'partial_date' | 'datetime';

interface Props {
  id: string;
  value: unknown;
  /** The ISO value; undefined when emptied (or, without `keepInvalid`, not a date). */
  onChange: (v: string | undefined) => void;
  kind?: DateKind;
  /** An unreadable text is handed on as it is (a record form: the server names the field). */
  keepInvalid?: boolean;
  /** The reason the text is not a date; without it the field shows the reason itself. */
  onError?: (e: DateError | undefined) => void;
  class?: string;
  [attr: string]: unknown;
}

export function dateErrorText(e: DateError, kind: DateKind, t: Translate): string {
  if (e === 'month') return t('form.date_bad_month');
  if (e === 'day') return t('form.date_bad_day');
  if (e === 'year') return t('form.date_bad_year');
  if (e === 'time') return t('form.date_bad_time');
  return kind === 'partial_date' ? t('form.partial_date_bad') : kind === 'datetime' ? t('form.date_bad_time') : t('form.date_bad_format');
}

function shown(value: unknown, kind: DateKind): string {
  return kind === 'datetime' ? displayDateTime(value) : displayDate(value);
}

function parse(text: string, kind: DateKind) {
  return kind === 'datetime' ? parseDateTime(text) : parseDate(text, kind === 'partial_date');
}

export function DateInput({ id, value, onChange, kind = 'date', keepInvalid = false, onError, class: cls, ...rest }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState(() => shown(value, kind));
  const [error, setError] = useState<DateError | undefined>(undefined);
  useEffect(() => {
    // A value set from outside (a reset, the record reloaded, a default filled in).
    if (!sameDate(text, value, kind)) {
      setText(shown(value, kind));
      setError(undefined);
      onError?.(undefined);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  const placeholder = kind === 'datetime' ? t('form.datetime_placeholder') : kind === 'partial_date' ? t('form.partial_date_placeholder') : t('form.date_placeholder');
  const errorId = `${id}-date-error`;
  const described = [rest['aria-describedby'] as string | undefined, error && !onError ? errorId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <input
        {...rest}
        id={id}
        type="text"
        class={cls ?? 'short'}
        inputMode={kind === 'date' ? 'numeric' : undefined}
        autoComplete="off"
        placeholder={placeholder}
        value={text}
        aria-describedby={described}
        aria-invalid={(rest['aria-invalid'] as boolean | undefined) ?? (error ? true : undefined)}
        data-iso={typeof value === 'string' ? value : undefined}
        onInput={(e) => {
          const s = (e.currentTarget as HTMLInputElement).value;
          const r = parse(s, kind);
          setText(s);
          setError(r.error);
          onError?.(r.error);
          onChange(r.error ? (keepInvalid ? s : undefined) : r.value);
        }}
        onBlur={() => {
          const r = parse(text, kind);
          if (!r.error && r.value) setText(shown(r.value, kind));
        }}
      />
      {error && !onError && (
        <span class="field-error small" id={errorId}>
          {dateErrorText(error, kind, t)}
        </span>
      )}
    </>
  );
}
