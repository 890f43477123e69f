import { describe, expect, it } from 'vitest';
import { translator } from '../src/i18n';
import { levelText } from '../src/pages/HotlineIntake';

// The comparison levels the matcher names in English, as users read them.
describe('linkage levels', () => {
  const az = translator('az');
  const en = translator('en');

  it('translates known levels and keeps unknown ones as sent', () => {
    expect(levelText('known variant', az)).toBe('eyni adın başqa forması');
    expect(levelText('one digit different', en)).toBe('one digit different');
    expect(levelText('same district', translator('ru'))).toBe('тот же район (индекс)');
    expect(levelText('a level from a newer server', az)).toBe('a level from a newer server');
  });

  it('keeps the note on names compared crosswise', () => {
    expect(levelText('phonetic key (given name and surname swapped)', az)).toBe('səslənişi eyni (ad və soyad yerini dəyişib)');
    expect(levelText('exact (the lone name in the given-name field)', en)).toBe(
      'exact (the only name given, read as the surname)',
    );
  });
});
