import { describe, expect, it } from 'vitest';
import { decisionsFor, groupReviewItems, itemKey, shortcutChoices, type ReviewItem } from '../src/linkageGroups';

// Persons are record ids; registrations of a person are records linked to it.
function item(first: number, firstPerson: number, second: number, secondPerson: number, probability: number, pairs = 1): ReviewItem {
  return {
    first: { id: first, type: 'person', visible: true },
    second: { id: second, type: first > 100 ? 'signal' : 'person', visible: true },
    first_person: firstPerson,
    second_person: secondPerson,
    probability,
    pairs,
    explanation: [],
  };
}

describe('review queue groups', () => {
  it('groups items into connected components over persons, best group first', () => {
    const items = [
      item(1, 1, 5, 5, 0.4), // group {1, 5, 9}
      item(20, 20, 21, 21, 0.7), // group {20, 21}
      item(9, 9, 5, 5, 0.55),
      item(2, 1, 9, 9, 0.3, 2), // registration 2 of person 1
    ];
    const groups = groupReviewItems(items);
    expect(groups.map((g) => g.key)).toEqual([20, 1]);
    expect(groups[0]!.best).toBe(0.7);
    const g = groups[1]!;
    expect(g.best).toBe(0.55);
    expect(g.items.map(itemKey)).toEqual(['9-5', '1-5', '2-9']);
    expect(g.persons.map((p) => p.id)).toEqual([1, 5, 9]);
    expect(g.persons[0]!.registrations.map((r) => r.id)).toEqual([1, 2]);
    expect(g.persons[1]!.registrations.map((r) => r.id)).toEqual([5]);
  });

  it('joins groups through a chain of persons whatever the order of the items', () => {
    const items = [item(1, 1, 2, 2, 0.5), item(3, 3, 4, 4, 0.5), item(2, 2, 3, 3, 0.5)];
    const groups = groupReviewItems(items);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.persons.map((p) => p.id)).toEqual([1, 2, 3, 4]);
    expect(groups[0]!.items).toHaveLength(3);
    // Equal probabilities: a stable order by registrations.
    expect(groups[0]!.items.map(itemKey)).toEqual(['1-2', '2-3', '3-4']);
  });

  it('keeps each registration once per person and breaks ties between groups by key', () => {
    const groups = groupReviewItems([item(7, 7, 8, 8, 0.6), item(7, 7, 9, 8, 0.5), item(3, 3, 4, 4, 0.6)]);
    expect(groups.map((g) => g.key)).toEqual([3, 7]);
    expect(groups[1]!.persons.map((p) => p.registrations.map((r) => r.id))).toEqual([[7], [8, 9]]);
  });

  it('has no groups for an empty queue', () => {
    expect(groupReviewItems([])).toEqual([]);
  });
});

describe('decisions of a group', () => {
  const group = groupReviewItems([item(1, 1, 5, 5, 0.4), item(9, 9, 5, 5, 0.55), item(2, 1, 9, 9, 0.3)])[0]!;

  it('creates one decision per chosen item, in the group order, leaving undecided ones out', () => {
    expect(decisionsFor(group, { '1-5': 'same', '2-9': 'different', '9-5': undefined })).toEqual([
      { first_record: 1, second_record: 5, decision: 'same' },
      { first_record: 2, second_record: 9, decision: 'different' },
    ]);
    expect(decisionsFor(group, {})).toEqual([]);
  });

  it('ignores choices of items that are not in the group', () => {
    expect(decisionsFor(group, { '40-41': 'same' })).toEqual([]);
  });

  it('decides every item with a shortcut, with the note trimmed', () => {
    expect(decisionsFor(group, 'all_same', '  same photo ')).toEqual([
      { first_record: 9, second_record: 5, decision: 'same', note: 'same photo' },
      { first_record: 1, second_record: 5, decision: 'same', note: 'same photo' },
      { first_record: 2, second_record: 9, decision: 'same', note: 'same photo' },
    ]);
    expect(decisionsFor(group, 'all_different', '   ').map((d) => [d.decision, 'note' in d])).toEqual([
      ['different', false],
      ['different', false],
      ['different', false],
    ]);
  });

  it('gives a shortcut as choices, for the form to show', () => {
    expect(shortcutChoices(group, 'all_different')).toEqual({ '9-5': 'different', '1-5': 'different', '2-9': 'different' });
  });
});
