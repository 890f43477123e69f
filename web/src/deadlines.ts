// What the register pages need from a record's deadline: whether it is past, as the server says.
// Shared by the rehabilitation plans (measures) and international requests (contributions).
import type { RecordBody } from './api';

/** A field's text, trimmed; '' for anything that is not a string. */
export function fieldText(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * Whether a record is past its deadline `deadline`: the server's verdict when the record carries
 * it (the one GET /tasks uses, so a register page and the home page agree); else, for a record
 * without it, in one of `openStates` with its due day (`field`) before today.
 */
export function isPastDeadline(
  rec: Pick<RecordBody, 'state' | 'data' | 'deadlines'>,
  deadline: string,
  openStates: readonly string[],
  today: string,
  field = 'due_on',
): boolean {
  if (Array.isArray(rec.deadlines)) {
    const d = (rec.deadlines as Array<{ name?: unknown; overdue?: unknown }>).find((x) => x?.name === deadline);
    if (d) return d.overdue === true;
  }
  const due = fieldText(rec.data[field]);
  return openStates.includes(rec.state ?? '') && /^\d{4}-\d{2}-\d{2}$/.test(due) && due < today;
}
