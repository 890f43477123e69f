// What the summary at the top of a record page says besides its state and deadlines: who holds
// the record (the registering agency when the record names it, else who registered it, from its
// history) and, for a victim case, its placements: how many, and where the person is now (pure;
// unit-tested in tests/sections.test.ts).

interface HistoryLike {
  action: string;
  at: string;
  by_name?: string;
}

/** Who created the record and when, from its history (the "create" entry); undefined when absent. */
export function registeredBy(history: readonly HistoryLike[]): { name: string; at: string } | undefined {
  const created = history.find((h) => h.action === 'create');
  if (!created || !created.by_name) return undefined;
  return { name: created.by_name, at: created.at };
}

/** The registering agency's id when the record gives it (`agency_id`); undefined otherwise. */
export function holdingAgency(rec: Record<string, unknown>): number | undefined {
  const id = rec.agency_id;
  return typeof id === 'number' && id > 0 ? id : undefined;
}

interface PlacementLike {
  id: number;
  state?: string;
  data: Record<string, unknown>;
}

export interface PlacementSummary {
  count: number;
  /** The stay that is going on ("admitted"), the latest admitted when there are several. */
  current?: PlacementLike;
}

/** A case's placements summed up: their number and the current one. */
export function summarizePlacements(items: readonly PlacementLike[]): PlacementSummary {
  const admitted = items.filter((p) => p.state === 'admitted');
  const day = (p: PlacementLike) => (typeof p.data.admitted_on === 'string' ? p.data.admitted_on : '');
  const current = admitted.reduce<PlacementLike | undefined>((best, p) => (!best || day(p) > day(best) || (day(p) === day(best) && p.id > best.id) ? p : best), undefined);
  return current ? { count: items.length, current } : { count: items.length };
}
