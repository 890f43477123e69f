// A date (or date and time) typed as dd.mm.yyyy [HH:MM] in every language, instead of the
// browser's control, which follows the browser's locale (mm/dd/yyyy, AM/PM) inside an
// Azerbaijani page. The value given and taken is ISO (src/dates.ts); the text is reformatted
// when the field is left. A button beside it opens a calendar (keyboard first: arrows, Page Up /
// Page Down, Home / End, Enter, Escape; month and weekday names in the page's language; days
// outside `min` / `max` not offered).
import { useEffect, useRef, useState } from 'preact/hooks';
import { calendarNames, clampDay, dayLabel, inRange, keyMove, monthGrid, partsOf, startDay, addMonths } from '../calendar';
import { displayDate, displayDateTime, parseDate, parseDateTime, sameDate, type DateError } from '../dates';
import { todayIso } from '../format';
import type { Lang, Translate } from '../i18n';
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
  /** The earliest and latest days the calendar offers (yyyy-mm-dd). */
  min?: string;
  max?: string;
  /** No calendar button (a cell of a sheet). */
  noCalendar?: boolean;
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

export function DateInput({ id, value, onChange, kind = 'date', keepInvalid = false, onError, class: cls, min, max, noCalendar = false, ...rest }: Props) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLSpanElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
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
  const take = (iso: string) => {
    // A date-time keeps the time typed (or now, when none is).
    let next = displayDate(iso);
    if (kind === 'datetime') {
      const typed = /(\d{1,2}:\d{2})\s*$/.exec(text)?.[1];
      const now = new Date();
      next = `${next} ${typed ?? `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`}`;
    }
    const r = parse(next, kind);
    setText(r.error || !r.value ? next : shown(r.value, kind));
    setError(r.error);
    onError?.(r.error);
    onChange(r.error ? (keepInvalid ? next : undefined) : r.value);
    setOpen(false);
    input.current?.focus();
  };
  const disabled = rest.disabled === true;
  return (
    <span
      class={`date-field${noCalendar ? ' date-field-plain' : ''}`}
      ref={wrap}
      onFocusOut={(e) => {
        const to = (e as FocusEvent).relatedTarget as Node | null;
        if (open && to && !wrap.current?.contains(to)) setOpen(false);
      }}
    >
      <input
        {...rest}
        ref={input}
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
        onKeyDown={(e: KeyboardEvent) => {
          // Alt+ArrowDown opens the calendar from the text, as a select's list opens.
          if (!noCalendar && !disabled && e.altKey && e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            return;
          }
          (rest.onKeyDown as ((e: KeyboardEvent) => void) | undefined)?.(e);
        }}
        onBlur={() => {
          const r = parse(text, kind);
          if (!r.error && r.value) setText(shown(r.value, kind));
        }}
      />
      {!noCalendar && (
        <button
          ref={toggle}
          type="button"
          class="date-toggle"
          aria-label={t('cal.open')}
          aria-haspopup="dialog"
          aria-expanded={open}
          aria-controls={open ? `${id}-calendar` : undefined}
          disabled={disabled}
          data-calendar-for={id}
          onClick={() => setOpen(!open)}
        >
          <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 18 18">
            <rect x="1.5" y="3" width="15" height="13.5" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.5" />
            <path d="M1.5 7h15M5.5 1v4M12.5 1v4" stroke="currentColor" stroke-width="1.5" />
          </svg>
        </button>
      )}
      {open && (
        <CalendarPopup
          id={`${id}-calendar`}
          value={typeof value === 'string' ? value : undefined}
          min={min}
          max={max}
          lang={lang}
          t={t}
          onPick={take}
          onClose={() => {
            setOpen(false);
            toggle.current?.focus();
          }}
        />
      )}
      {error && !onError && (
        <span class="field-error small" id={errorId}>
          {dateErrorText(error, kind, t)}
        </span>
      )}
    </span>
  );
}

interface CalendarProps {
  id: string;
  value?: string;
  min?: string;
  max?: string;
  lang: Lang;
  t: Translate;
  onPick: (iso: string) => void;
  onClose: () => void;
}

/** The calendar: a month of day buttons (one in the tab order), month and year steps, today. */
function CalendarPopup({ id, value, min, max, lang, t, onPick, onClose }: CalendarProps) {
  const today = todayIso();
  const [focused, setFocused] = useState(() => startDay(value, today, min, max));
  const [moveFocus, setMoveFocus] = useState(true);
  // The day the keys act on, ahead of the render (keys pressed quickly follow one another).
  const current = useRef(focused);
  const grid = useRef<HTMLTableElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const names = calendarNames(lang);
  const [y, m] = partsOf(focused)!;
  const weeks = monthGrid(y, m);
  const selected = partsOf(value) ? value : undefined;
  const headingId = `${id}-heading`;

  useEffect(() => {
    if (moveFocus) grid.current?.querySelector<HTMLButtonElement>(`button[data-iso="${focused}"]`)?.focus();
  }, [focused, moveFocus]);
  // Kept inside the screen: a field near the right edge opens its calendar leftwards.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const over = r.right - (document.documentElement.clientWidth - 8);
    if (over > 0) el.style.left = `${Math.max(-r.left + 8, -over)}px`;
  }, []);

  const go = (day: string, focusDay: boolean) => {
    const next = clampDay(day, min, max);
    current.current = next;
    setMoveFocus(focusDay);
    setFocused(next);
  };
  const step = (months: number) => go(addMonths(current.current, months), false);
  return (
    <div
      class="calendar"
      id={id}
      ref={box}
      role="dialog"
      aria-modal="false"
      aria-labelledby={headingId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div class="calendar-head">
        <button type="button" class="calendar-step" data-step="-12" aria-label={t('cal.prev_year')} onClick={() => step(-12)}>
          «
        </button>
        <button type="button" class="calendar-step" data-step="-1" aria-label={t('cal.prev_month')} onClick={() => step(-1)}>
          ‹
        </button>
        <div id={headingId} class="calendar-title" aria-live="polite">
          {names.months[m - 1]} {y}
        </div>
        <button type="button" class="calendar-step" data-step="1" aria-label={t('cal.next_month')} onClick={() => step(1)}>
          ›
        </button>
        <button type="button" class="calendar-step" data-step="12" aria-label={t('cal.next_year')} onClick={() => step(12)}>
          »
        </button>
      </div>
      <table class="calendar-grid" ref={grid} aria-labelledby={headingId}>
        <thead>
          <tr>
            {names.daysShort.map((d, i) => (
              <th key={i} scope="col" abbr={names.daysLong[i]}>
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w[0]!.iso}>
              {w.map((d) => {
                const ok = inRange(d.iso, min, max);
                return (
                  <td key={d.iso}>
                    <button
                      type="button"
                      class={`calendar-day${d.inMonth ? '' : ' other-month'}${d.iso === today ? ' today' : ''}`}
                      data-iso={d.iso}
                      tabIndex={d.iso === focused ? 0 : -1}
                      disabled={!ok}
                      aria-label={dayLabel(d.iso, names, lang)}
                      aria-pressed={d.iso === selected}
                      aria-current={d.iso === today ? 'date' : undefined}
                      onClick={() => ok && onPick(d.iso)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          // The day the keys reached, even if the focus has not followed yet.
                          e.preventDefault();
                          if (inRange(current.current, min, max)) onPick(current.current);
                          return;
                        }
                        const next = keyMove(current.current, e.key, e.shiftKey);
                        if (next) {
                          e.preventDefault();
                          go(next, true);
                        }
                      }}
                    >
                      {d.day}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p class="calendar-keys small muted" id={`${id}-keys`}>
        {t('cal.keys')}
      </p>
      <div class="calendar-foot">
        {inRange(today, min, max) && (
          <button type="button" class="link-button" data-action="today" onClick={() => onPick(today)}>
            {t('cal.today')}
          </button>
        )}
        <button type="button" class="link-button" data-action="close" onClick={onClose}>
          {t('cal.close')}
        </button>
      </div>
    </div>
  );
}
