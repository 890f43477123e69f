// The linkage review queue in groups (issue 26): the queue's items are pairs of persons the
// matcher is unsure of; a group is a connected component of persons over those items, so that
// the special police decide all the doubts about the same people on one screen. And the
// link_decision bodies a group's choices (or a shortcut: all one person, all different) make.
// Pure, unit-tested (tests/linkageGroups.test.ts).

export interface ReviewRegistration {
  id: number;
  type: string;
  visible: boolean;
  title?: string;
}

export interface ReviewItem {
  first: ReviewRegistration;
  second: ReviewRegistration;
  first_person: number;
  second_person: number;
  probability: number;
  pairs?: number; // pairs of the two persons' registrations this decision settles
  explanation: Array<{ field: string; level: string; weight: number }>;
}

/** A person of a group: its id (a record id) and the registrations of it the group's items show. */
export interface GroupPerson {
  id: number;
  registrations: ReviewRegistration[];
}

export interface ReviewGroup {
  /** Stable key: the smallest person id of the group. */
  key: number;
  persons: GroupPerson[];
  /** By probability, highest first. */
  items: ReviewItem[];
  best: number;
}

export type Choice = 'same' | 'different';
/** The user's choice per item (itemKey), absent when undecided. */
export type Choices = Record<string, Choice | undefined>;
/** A choice for the whole group at once. */
export type Shortcut = 'all_same' | 'all_different';

export interface LinkDecisionBody {
  first_record: number;
  second_record: number;
  decision: Choice;
  note?: string;
}

/** The key of an item: its two registrations. */
export function itemKey(it: ReviewItem): string {
  return `${it.first.id}-${it.second.id}`;
}

function byProbability(a: ReviewItem, b: ReviewItem): number {
  return b.probability - a.probability || a.first.id - b.first.id || a.second.id - b.second.id;
}

/**
 * The queue's items grouped by connected components over persons (an item joins its two
 * persons). Groups by their best probability, highest first (ties: the smaller key first);
 * items in a group by probability, highest first; persons and their registrations by id.
 */
export function groupReviewItems(items: readonly ReviewItem[]): ReviewGroup[] {
  // Union-find over person ids.
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    if (!parent.has(root)) parent.set(root, root);
    let cur = x; // path compression
    while (cur !== root) {
      const next = parent.get(cur) ?? root;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  };
  for (const it of items) union(it.first_person, it.second_person);

  const groups = new Map<number, { persons: Map<number, Map<number, ReviewRegistration>>; items: ReviewItem[] }>();
  for (const it of items) {
    const root = find(it.first_person);
    let g = groups.get(root);
    if (!g) {
      g = { persons: new Map(), items: [] };
      groups.set(root, g);
    }
    g.items.push(it);
    for (const [person, reg] of [
      [it.first_person, it.first],
      [it.second_person, it.second],
    ] as const) {
      let regs = g.persons.get(person);
      if (!regs) {
        regs = new Map();
        g.persons.set(person, regs);
      }
      if (!regs.has(reg.id)) regs.set(reg.id, reg);
    }
  }

  const out: ReviewGroup[] = [];
  for (const g of groups.values()) {
    const persons = [...g.persons.entries()]
      .map(([id, regs]) => ({ id, registrations: [...regs.values()].sort((a, b) => a.id - b.id) }))
      .sort((a, b) => a.id - b.id);
    const sorted = [...g.items].sort(byProbability);
    out.push({ key: persons[0]!.id, persons, items: sorted, best: sorted[0]!.probability });
  }
  return out.sort((a, b) => b.best - a.best || a.key - b.key);
}

/** The choices a shortcut stands for: every item of the group the same way. */
export function shortcutChoices(group: ReviewGroup, shortcut: Shortcut): Choices {
  const decision: Choice = shortcut === 'all_same' ? 'same' : 'different';
  return Object.fromEntries(group.items.map((it) => [itemKey(it), decision]));
}

/**
 * The link_decision bodies to create for a group: one per item chosen (in the group's order),
 * undecided items left out; with a shortcut, every item decided that way. A note (trimmed) goes
 * with each decision when there is one.
 */
export function decisionsFor(group: ReviewGroup, choices: Choices | Shortcut, note?: string): LinkDecisionBody[] {
  const chosen = typeof choices === 'string' ? shortcutChoices(group, choices) : choices;
  const text = note?.trim();
  const out: LinkDecisionBody[] = [];
  for (const it of group.items) {
    const decision = chosen[itemKey(it)];
    if (decision !== 'same' && decision !== 'different') continue;
    out.push({ first_record: it.first.id, second_record: it.second.id, decision, ...(text ? { note: text } : {}) });
  }
  return out;
}
