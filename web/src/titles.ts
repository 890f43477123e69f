// Record titles (the type's title_field) fetched in batches: every title asked for in the same
// moment — a list page's 25 rows with their persons, cases and facilities — becomes one request
// per record type (GET /records/<type>?id[in]=…&fields=<title field>) instead of one per record.
// A record the list does not return is out of the user's reach (null), as a 404 of its own
// read would say.

/** The one list request a batch makes; injected so that the batching is tested without a server. */
export type ListFn = (
  type: string,
  params: Record<string, string | number | boolean | undefined>,
) => Promise<{ items: Array<{ id: number; data: Record<string, unknown> }> }>;

interface Waiting {
  titleField: string | undefined;
  ids: Map<number, Array<(title: string | null) => void>>;
}

/** The largest batch: the list API's limit is 500; 100 keeps the query string short. */
export const BATCH = 100;

export class TitleBatcher {
  private readonly waiting = new Map<string, Waiting>();
  private scheduled = false;

  constructor(private readonly list: ListFn, private readonly schedule: (run: () => void) => void = (run) => setTimeout(run, 0)) {}

  /** The record's title text ('' when the type has no title field); null when out of reach. */
  title(type: string, id: number, titleField: string | undefined): Promise<string | null> {
    return new Promise((resolve) => {
      let w = this.waiting.get(type);
      if (!w) {
        w = { titleField, ids: new Map() };
        this.waiting.set(type, w);
      }
      const list = w.ids.get(id);
      if (list) list.push(resolve);
      else w.ids.set(id, [resolve]);
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.waiting];
    this.waiting.clear();
    await Promise.all(
      batches.map(async ([type, w]) => {
        const ids = [...w.ids.keys()];
        for (let i = 0; i < ids.length; i += BATCH) {
          const chunk = ids.slice(i, i + BATCH);
          let found = new Map<number, string>();
          let failed = false;
          try {
            const body = await this.list(type, {
              'id[in]': chunk.join(','),
              limit: chunk.length,
              fields: w.titleField,
            });
            found = new Map(
              body.items.map((r) => {
                const v = w.titleField ? r.data[w.titleField] : undefined;
                return [r.id, typeof v === 'string' ? v : ''];
              }),
            );
          } catch {
            failed = true; // the type cannot be listed by this user: each title is out of reach
          }
          for (const id of chunk) {
            const title = failed ? null : (found.get(id) ?? null);
            for (const resolve of w.ids.get(id) ?? []) resolve(title);
          }
        }
      }),
    );
  }
}
