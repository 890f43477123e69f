import { describe, expect, it } from 'vitest';
import type { TransitionDef, TypeDef } from '../src/meta';
import { actorAgencyFields, needsNoInput, offeredTransitions, transitionFields, transitionOffered } from '../src/workflow';

const tr = (name: string, extra: Partial<TransitionDef> = {}): TransitionDef => ({
  name,
  label: { az: name },
  from: [],
  to: name,
  permission: `referral.${name}`,
  requires: [],
  ...extra,
});

const referral: Pick<TypeDef, 'name' | 'fields' | 'workflow'> = {
  name: 'referral',
  fields: [
    { name: 'responded_at', type: 'datetime', label: { az: 'Cavab vaxtı' }, required: false, indexed: true, sensitivity: 'case' },
    { name: 'decline_reason', type: 'enum', label: { az: 'Səbəb' }, required: false, indexed: false, sensitivity: 'case' },
    { name: 'decline_note', type: 'text', label: { az: 'Qeyd' }, required: false, indexed: false, sensitivity: 'case', required_if: { field: 'decline_reason', equals: 'other' } },
  ],
  workflow: {
    initial: 'sent',
    states: [],
    transitions: [
      tr('accept', { from: ['sent'], to: 'accepted', requires: ['responded_at'], actor_agency_field: 'to_agency_id' }),
      tr('decline', { from: ['sent'], to: 'declined', requires: ['decline_reason'], actor_agency_field: 'to_agency_id' }),
      tr('withdraw', { from: ['sent'], to: 'withdrawn' }),
      tr('close', { to: 'closed' }),
    ],
  },
};
const all = () => true;

describe('the steps offered for a record (the record page and the bulk actions alike)', () => {
  it('from its state, not to the state it is in, by permission', () => {
    const sent = { state: 'sent', data: {} };
    expect(offeredTransitions(referral, sent, all, 7).map((x) => x.name)).toEqual(['accept', 'decline', 'withdraw', 'close']);
    expect(offeredTransitions(referral, { state: 'closed', data: {} }, all, 7).map((x) => x.name)).toEqual([]);
    expect(offeredTransitions(referral, { state: 'accepted', data: {} }, all, 7).map((x) => x.name)).toEqual(['close']);
    expect(offeredTransitions(referral, sent, (p) => p === 'referral.withdraw', 7).map((x) => x.name)).toEqual(['withdraw']);
  });
  it("a step kept to the record's agency: only that agency's users", () => {
    const accept = referral.workflow!.transitions[0]!;
    expect(transitionOffered('referral', accept, { state: 'sent', data: { to_agency_id: 7 } }, all, 7)).toBe(true);
    expect(transitionOffered('referral', accept, { state: 'sent', data: { to_agency_id: 7 } }, all, 8)).toBe(false);
    expect(transitionOffered('referral', accept, { state: 'sent', data: { to_agency_id: 7 } }, all, null)).toBe(false);
    // none named: anyone with the permission
    expect(transitionOffered('referral', accept, { state: 'sent', data: {} }, all, 8)).toBe(true);
  });
  it('never for a deleted record, nor the international request\'s bare "answer"', () => {
    expect(offeredTransitions(referral, { state: 'sent', data: {}, deleted: { at: 'x' } }, all, 7)).toEqual([]);
    const answer = tr('answer', { from: ['received'], to: 'answered' });
    expect(transitionOffered('international_request', answer, { state: 'received', data: {} }, all, 1)).toBe(false);
    expect(transitionOffered('other', answer, { state: 'received', data: {} }, all, 1)).toBe(true);
  });
  it('the fields a step asks for, with those that become required with them', () => {
    const [accept, decline, withdraw] = referral.workflow!.transitions;
    expect(transitionFields(referral, accept!)).toEqual(['responded_at']);
    expect(transitionFields(referral, decline!)).toEqual(['decline_reason', 'decline_note']);
    expect(needsNoInput(referral, withdraw!)).toBe(true);
    expect(needsNoInput(referral, accept!)).toBe(false);
    expect(actorAgencyFields(referral)).toEqual(['to_agency_id']);
    expect(actorAgencyFields({})).toEqual([]);
  });
});
