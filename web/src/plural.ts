// Counted words by each language's plural rules (pure; unit-tested against Intl.PluralRules).
// Azerbaijani keeps the noun singular after a number ("91 şəxs"); English has one / other
// ("1 person", "2 persons"); Russian one / few / many ("1 лицо", "2 лица", "5 лиц", "21 лицо",
// "11 лиц"), and a fraction takes the genitive singular ("1,5 лица").
import type { Lang } from './i18n';

export type PluralCategory = 'one' | 'few' | 'many' | 'other';

/** The CLDR plural category of `n` for cardinal numbers (az, en, ru rules). */
export function pluralCategory(lang: Lang, n: number): PluralCategory {
  const abs = Math.abs(n);
  const integer = Number.isInteger(abs);
  if (lang === 'ru') {
    if (!integer) return 'other';
    const d = abs % 10;
    const h = abs % 100;
    if (d === 1 && h !== 11) return 'one';
    if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return 'few';
    return 'many';
  }
  // en and az: "one" is exactly 1 (an integer).
  return abs === 1 && integer ? 'one' : 'other';
}

/**
 * Picks the form for `n` from the forms a catalogue gives, in this order: az one form; en
 * one | other; ru one | few | many (a fraction takes the few form, the genitive singular).
 * Fewer forms than the language needs: the last one given.
 */
export function pluralForm(lang: Lang, n: number, forms: readonly string[]): string {
  const c = pluralCategory(lang, n);
  const at = (i: number) => forms[Math.min(i, forms.length - 1)] ?? '';
  if (lang === 'ru') return at(c === 'one' ? 0 : c === 'few' || c === 'other' ? 1 : 2);
  if (lang === 'en') return at(c === 'one' ? 0 : 1);
  return at(0);
}

// The statistics' units (indicators/*.yaml unit_label) come from the server in the form for
// many: the forms for one and few, by language.
const UNITS: Record<'en' | 'ru', Record<string, readonly string[]>> = {
  en: {
    persons: ['person', 'persons'],
    children: ['child', 'children'],
    appeals: ['appeal', 'appeals'],
    cases: ['case', 'cases'],
    contracts: ['contract', 'contracts'],
    measures: ['measure', 'measures'],
    incidents: ['incident', 'incidents'],
    crimes: ['crime', 'crimes'],
    events: ['event', 'events'],
    employers: ['employer', 'employers'],
    inspections: ['inspection', 'inspections'],
    groups: ['group', 'groups'],
    orders: ['order', 'orders'],
    'legal entities': ['legal entity', 'legal entities'],
    examinations: ['examination', 'examinations'],
    experts: ['expert', 'experts'],
    'cities and regions': ['city or region', 'cities and regions'],
    parents: ['parent', 'parents'],
    organisations: ['organisation', 'organisations'],
    visits: ['visit', 'visits'],
    shelters: ['shelter', 'shelters'],
    requests: ['request', 'requests'],
    sites: ['site', 'sites'],
    copies: ['copy', 'copies'],
    centres: ['centre', 'centres'],
    materials: ['material', 'materials'],
    items: ['item', 'items'],
    projects: ['project', 'projects'],
    facts: ['fact', 'facts'],
    offences: ['offence', 'offences'],
    acts: ['act', 'acts'],
  },
  ru: {
    лиц: ['лицо', 'лица', 'лиц'],
    детей: ['ребёнок', 'ребёнка', 'детей'],
    обращений: ['обращение', 'обращения', 'обращений'],
    дел: ['дело', 'дела', 'дел'],
    договоров: ['договор', 'договора', 'договоров'],
    манатов: ['манат', 'маната', 'манатов'],
    мер: ['мера', 'меры', 'мер'],
    случаев: ['случай', 'случая', 'случаев'],
    преступлений: ['преступление', 'преступления', 'преступлений'],
    мероприятий: ['мероприятие', 'мероприятия', 'мероприятий'],
    работодателей: ['работодатель', 'работодателя', 'работодателей'],
    проверок: ['проверка', 'проверки', 'проверок'],
    групп: ['группа', 'группы', 'групп'],
    ордеров: ['ордер', 'ордера', 'ордеров'],
    'юридических лиц': ['юридическое лицо', 'юридических лица', 'юридических лиц'],
    экспертиз: ['экспертиза', 'экспертизы', 'экспертиз'],
    экспертов: ['эксперт', 'эксперта', 'экспертов'],
    'городов и районов': ['город или район', 'города и района', 'городов и районов'],
    родителей: ['родитель', 'родителя', 'родителей'],
    организаций: ['организация', 'организации', 'организаций'],
    посещений: ['посещение', 'посещения', 'посещений'],
    приютов: ['приют', 'приюта', 'приютов'],
    запросов: ['запрос', 'запроса', 'запросов'],
    объектов: ['объект', 'объекта', 'объектов'],
    экземпляров: ['экземпляр', 'экземпляра', 'экземпляров'],
    центров: ['центр', 'центра', 'центров'],
    материалов: ['материал', 'материала', 'материалов'],
    проектов: ['проект', 'проекта', 'проектов'],
    фактов: ['факт', 'факта', 'фактов'],
    актов: ['акт', 'акта', 'актов'],
  },
};

/**
 * A statistics unit as the server words it (the form for many) agreed with the figure's value.
 * No value (a figure held back, "<5") or an unknown unit: the server's word as it is.
 */
export function unitFor(unit: string, value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value) || lang === 'az') return unit;
  const forms = UNITS[lang][unit];
  return forms ? pluralForm(lang, value, forms) : unit;
}
