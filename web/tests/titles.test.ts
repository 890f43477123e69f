// Titles in batches: one list request per record type and moment, out-of-reach records as null.
import { describe, expect, it } from 'vitest';
import { BATCH, TitleBatcher, type ListFn } from '../src/titles';

function fakeList(records: Record<string, Record<number, Record<string, unknown>>>) {
  const calls: Array<{ type: string; params: Record<string, unknown> }> = [];
  const list: ListFn = async (type, params) => {
    calls.push({ type, params });
    if (!(type in records)) throw new Error('403');
    const ids = String(params['id[in]']).split(',').map(Number);
    return { items: ids.filter((id) => records[type]![id]).map((id) => ({ id, data: records[type]![id]! })) };
  };
  return { list, calls };
}

const now = (run: () => void) => run(); // no waiting: each title its own batch
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('TitleBatcher', () => {
  it('asks once per type for every title asked for together', async () => {
    const { list, calls } = fakeList({
      facility: { 1: { name: 'Sığınacaq' }, 2: { name: 'Yardım Mərkəzi' } },
      victim_case: { 7: { case_number: 'VC-7' } },
    });
    let run: (() => void) | undefined;
    const b = new TitleBatcher(list, (r) => (run = r));
    const asked = [
      b.title('facility', 1, 'name'),
      b.title('facility', 2, 'name'),
      b.title('facility', 1, 'name'),
      b.title('victim_case', 7, 'case_number'),
      b.title('facility', 99, 'name'),
    ];
    run!();
    expect(await Promise.all(asked)).toEqual(['Sığınacaq', 'Yardım Mərkəzi', 'Sığınacaq', 'VC-7', null]);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.params).toEqual({ 'id[in]': '1,2,99', limit: 3, fields: 'name' });
  });

  it('splits large batches and says out of reach when the type cannot be listed', async () => {
    const many: Record<number, Record<string, unknown>> = {};
    for (let i = 1; i <= BATCH + 5; i++) many[i] = { name: `F${i}` };
    const { list, calls } = fakeList({ facility: many });
    const b = new TitleBatcher(list);
    const titles = await Promise.all(Array.from({ length: BATCH + 5 }, (_, i) => b.title('facility', i + 1, 'name')));
    expect(titles[BATCH + 4]).toBe(`F${BATCH + 5}`);
    expect(calls).toHaveLength(2);
    const hidden = new TitleBatcher(list, now);
    expect(await hidden.title('person', 3, undefined)).toBeNull();
  });

  it('gives an empty title for a type without a title field, and batches again later', async () => {
    const { list, calls } = fakeList({ signal: { 5: {} } });
    const b = new TitleBatcher(list);
    expect(await b.title('signal', 5, undefined)).toBe('');
    await tick();
    expect(await b.title('signal', 5, undefined)).toBe('');
    expect(calls).toHaveLength(2);
  });
});
