// A stored record as the API returns it, for the unit tests of the register pages' logic.
import type { RecordBody } from '../src/api';

/** A factory of records of `type`: (id, data, state, extra fields such as deadlines). */
export function recordsOf(type: string) {
  return (id: number, data: Record<string, unknown>, state: string, extra: Partial<RecordBody> = {}): RecordBody => ({
    id,
    type,
    version: 1,
    state,
    data,
    created_at: '2024-01-01T00:00:00Z',
    created_by: 1,
    updated_at: '2024-01-01T00:00:00Z',
    updated_by: 1,
    ...extra,
  });
}
