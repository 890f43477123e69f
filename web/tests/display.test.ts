import { describe, expect, it } from 'vitest';
import { auditActionLabel, auditDetails, isHiddenChange, readableValue, type AuditNames } from '../src/display';
import { translator } from '../src/i18n';

const t = translator('az');
const names: AuditNames = {
  lang: 'az',
  t,
  typeLabel: (type) => ({ victim_case: 'Qurbanın işi', person: 'Şəxs', user: 'İstifadəçi' })[type] ?? type,
  fieldLabel: (_type, f) => ({ last_name: 'Soyadı', decision_date: 'Qərar tarixi' })[f] ?? f,
  transitionLabel: (_type, tr) => (tr === 'identify' ? 'Qurban kimi tanı' : tr),
  agencyName: (id) => (id === 4 ? 'Ümid körpüsü' : `№ ${String(id)}`),
  roleLabel: (r) => (r === 'case_worker' ? 'Sosial işçi' : r),
  agencyTypeLabel: (c) => (c === 'ngo' ? 'QHT' : c),
};

describe('values without a field to read them by', () => {
  it('never "[object Object]": structured values as key: value pairs', () => {
    const v = readableValue({ last_name: 'Nümunəova', first_name: 'Sınaq' }, 'az', t);
    expect(v).toBe('last name: Nümunəova; first name: Sınaq');
    expect(v).not.toContain('[object');
    expect(readableValue({ parts: { a: 1 } }, 'az', t)).toBe('parts: a: 1');
    expect(readableValue({}, 'az', t)).toBe('—');
  });

  it('an identity change the history hides', () => {
    expect(isHiddenChange({ changed: true })).toBe(true);
    expect(isHiddenChange({ changed: true, value: 'x' })).toBe(false);
    expect(isHiddenChange(null)).toBe(false);
    expect(readableValue({ changed: true }, 'az', t)).toBe(t('history.identity_hidden'));
  });

  it('dates and instants in the language, never raw ISO', () => {
    expect(readableValue('2019-03-10', 'az', t)).toBe('10 mart 2019');
    expect(readableValue('2015-03-10T10:47:00Z', 'az', t)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(readableValue(['a', 'b'], 'az', t)).toBe('a, b');
    expect(readableValue(true, 'az', t)).toBe('Bəli');
    expect(readableValue(1234567, 'az', t)).toBe('1.234.567');
    expect(readableValue(null, 'az', t)).toBe('—');
  });
});

describe('the audit viewer', () => {
  it('names actions in words, unknown ones by their code', () => {
    expect(auditActionLabel('record.create', t)).toBe('Qeyd yaradılıb');
    expect(auditActionLabel('user.create', t)).toBe('İstifadəçi yaradılıb');
    expect(auditActionLabel('something.new', t)).toBe('something.new');
  });

  it('details as label / value lines: fields, steps, agencies and roles by their names', () => {
    expect(auditDetails({ fields: ['last_name', 'decision_date'], transition: 'identify', version_from: 1 }, 'victim_case', names)).toEqual([
      { key: 'fields', label: 'Sahələr', value: 'Soyadı, Qərar tarixi' },
      { key: 'transition', label: 'Addım', value: 'Qurban kimi tanı' },
      { key: 'version_from', label: 'Əvvəlki versiya', value: '1' },
    ]);
    expect(auditDetails({ agency_id: 4, roles: ['case_worker'] }, 'user', names)).toEqual([
      { key: 'agency_id', label: 'Qurum', value: 'Ümid körpüsü' },
      { key: 'roles', label: 'Rollar', value: 'Sosial işçi' },
    ]);
    expect(auditDetails({ type: 'ngo', region: 'baku' }, 'agency', names)[0]).toEqual({ key: 'type', label: 'Növ', value: 'QHT' });
  });

  it('the two-person rule: roles asked for, approved, the decision, in words', () => {
    expect(auditActionLabel('user.roles_approved', t)).toBe('Rollar təsdiq edilib');
    expect(auditActionLabel('user.roles_rejected', t)).toBe('Rollar rədd edilib');
    expect(auditDetails({ roles: ['case_worker'], requested_by: 1, roles_from: [], roles_to: ['case_worker'] }, 'user', names)).toEqual([
      { key: 'roles', label: 'Rollar', value: 'Sosial işçi' },
      { key: 'requested_by', label: 'İstəyən administrator №', value: '1' },
      { key: 'roles_to', label: 'Yeni rollar', value: 'Sosial işçi' },
    ]);
    expect(auditDetails({ roles: ['case_worker'], replaces: ['case_worker'] }, 'user', names)[1]).toEqual({
      key: 'replaces',
      label: 'Əvəz olunan sorğunun rolları',
      value: 'Sosial işçi',
    });
    expect(auditDetails({ decision: 'approved' }, 'user', names)).toEqual([{ key: 'decision', label: 'Qərar', value: 'təsdiq edilib' }]);
    expect(auditDetails({ decision: 'other' }, 'user', names)[0]?.value).toBe('other');
  });

  it('nothing of it is JSON', () => {
    const lines = auditDetails({ created: { person: 3, victim_case: 2 }, format: 'jsonl', fields: [], empty: {} }, 'person', names);
    expect(lines.map((l) => `${l.label}: ${l.value}`)).toEqual(['created: Şəxs: 3; Qurbanın işi: 2', 'Format: jsonl', 'empty: —']);
    for (const l of lines) expect(`${l.label}${l.value}`).not.toMatch(/[{}"]/);
    expect(auditDetails(null, 'person', names)).toEqual([]);
    expect(auditDetails({}, 'person', names)).toEqual([]);
  });
});
