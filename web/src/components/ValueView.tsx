// A stored value shown for reading, in the chosen language.
import { agencyName, isAgencyField } from '../agencies';
import { colleagueName, isUserField } from '../colleagues';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPartialDate } from '../format';
import { readableValue } from '../display';
import { useI18n } from '../i18n/context';
import type { FieldDef, Meta } from '../meta';
import { onLinkClick } from '../router';
import { countryName, useAgencies, useColleagues, useCountries, useRecordTitle } from '../session';

export function ValueView({ meta, field: f, value }: { meta: Meta; field: FieldDef; value: unknown }) {
  const { t, lang } = useI18n();
  if (value === undefined || value === null || value === '') return <span class="muted">—</span>;
  switch (f.type) {
    case 'enum':
      return <>{meta.valueLabel(f.values, String(value), lang)}</>;
    case 'multi_enum':
      return <>{(Array.isArray(value) ? value : [value]).map((v) => meta.valueLabel(f.values, String(v), lang)).join(', ')}</>;
    case 'boolean':
      return <>{value ? t('form.yes') : t('form.no')}</>;
    case 'date':
      return <>{formatDate(String(value), lang)}</>;
    case 'partial_date':
      return <>{formatPartialDate(String(value), lang)}</>;
    case 'datetime':
      return <>{formatDateTime(String(value), lang)}</>;
    case 'money':
      return <>{typeof value === 'number' ? formatMoney(value, lang) : String(value)}</>;
    case 'integer':
      if (isAgencyField(f)) return <AgencyName id={value} />;
      if (isUserField(f)) return <ColleagueName id={value} />;
      return <>{typeof value === 'number' ? formatNumber(value, lang) : String(value)}</>;
    case 'decimal':
      return <>{typeof value === 'number' ? formatNumber(value, lang) : String(value)}</>;
    case 'country':
      return <Country code={String(value)} />;
    case 'reference':
      return <RefLink meta={meta} type={f.ref!} id={value as number} />;
    default:
      return <>{typeof value === 'object' ? readableValue(value, lang, t) : String(value)}</>;
  }
}

/** An agency id read as the agency's name. */
export function AgencyName({ id }: { id: unknown }) {
  const agencies = useAgencies();
  return <span data-agency-id={typeof id === 'number' ? id : undefined}>{agencyName(agencies, id)}</span>;
}

/** A user id read as the user's name (a colleague's; "№ id" for anyone else). */
export function ColleagueName({ id }: { id: unknown }) {
  const colleagues = useColleagues();
  return <span data-user-id={typeof id === 'number' ? id : undefined}>{colleagueName(colleagues, id)}</span>;
}

function Country({ code }: { code: string }) {
  const { lang } = useI18n();
  const items = useCountries();
  return <>{countryName(items, code, lang)}</>;
}

export function RefLink({ meta, type, id }: { meta: Meta; type: string; id: number }) {
  const { t, lang } = useI18n();
  const title = useRecordTitle(meta, type, id, lang);
  if (title === null) return <span class="muted">{t('record.out_of_reach', { id })}</span>;
  const href = type === 'criminal_case' ? `/criminal-cases/${id}` : `/records/${type}/${id}`;
  return (
    <a href={href} onClick={onLinkClick}>
      {title ?? `№ ${id}`}
    </a>
  );
}
