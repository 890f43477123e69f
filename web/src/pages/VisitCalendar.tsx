// The DOST workers' visit calendar: the planned monitoring visits (care_visit, state planned)
// within the user's reach, oldest first, by week or month; a visit is due on its day and overdue
// after it. "Record the visit" opens the record page with the complete transition's form.
import { useEffect, useState } from 'preact/hooks';
import { records, type RecordBody } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { daysBetween, groupVisits, type VisitGroup } from '../childProtection';
import { formatDate, formatNumber, formatPartialDate, todayIso } from '../format';
import { useI18n } from '../i18n/context';
import { label } from '../meta';
import { onLinkClick } from '../router';
import { useSession } from '../session';

const PAGE = 200;

export function VisitCalendar() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const visitType = meta.type('care_visit');
  const childType = meta.type('care_child');
  const [by, setBy] = useState<'week' | 'month'>('week');
  const [items, setItems] = useState<RecordBody[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [children, setChildren] = useState<Map<number, Record<string, unknown>>>(new Map());
  const today = todayIso();
  const mayComplete = meta.may('care_visit', 'complete');

  const load = async (after?: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const r = await records.list('care_visit', { state: 'planned', sort: 'planned_on', limit: PAGE, count: after ? undefined : true, cursor: after });
      setItems((old) => (after ? [...old, ...r.items] : r.items));
      setCursor(r.next_cursor);
      if (!after) setTotal(r.total);
      // The children's facts (and the family's name for roles that read identities), one request.
      const ids = [...new Set(r.items.map((v) => v.data.care_child).filter((x): x is number => typeof x === 'number'))];
      if (ids.length > 0 && meta.may('care_child', 'read')) {
        const fields = ['care_kind', 'dost_centre', ...(meta.identity('care_child') !== 'none' ? ['family_name'] : [])];
        const kids = await records.list('care_child', { 'id[in]': ids.join(','), fields: fields.join(','), limit: 500 }).catch(() => undefined);
        if (kids)
          setChildren((old) => {
            const next = new Map(old);
            for (const k of kids.items) next.set(k.id, k.data);
            return next;
          });
      }
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!visitType) return <Page title={t('visits.title')}>{null}</Page>;
  const groups = groupVisits(items, by, today);
  const overdue = groups.reduce((n, g) => n + g.overdue, 0);
  const dueToday = groups.reduce((n, g) => n + g.today, 0);
  const fieldOf = (n: string) => childType?.fields.find((f) => f.name === n);

  const period = (g: VisitGroup<RecordBody>) => {
    if (!g.key) return t('visits.no_date');
    if (by === 'month') return formatPartialDate(g.key, lang);
    return t('visits.week', { from: formatDate(g.from, lang), to: formatDate(g.to, lang) });
  };
  const status = (planned: unknown, s: 'overdue' | 'today' | 'upcoming') => {
    const days = typeof planned === 'string' ? daysBetween(today, planned) : undefined;
    if (s === 'overdue') return <span class="badge badge-overdue" data-status="overdue">{t('visits.overdue', { n: formatNumber(-(days ?? 0), lang) })}</span>;
    if (s === 'today') return <span class="badge badge-today" data-status="today">{t('visits.today')}</span>;
    return <span class="muted small" data-status="upcoming">{t('visits.in_days', { n: formatNumber(days ?? 0, lang) })}</span>;
  };
  const childFacts = (id: unknown) => {
    if (typeof id !== 'number') return null;
    const d = children.get(id);
    if (!d) return null;
    const parts: string[] = [];
    if (typeof d.family_name === 'string' && d.family_name) parts.push(d.family_name);
    if (typeof d.care_kind === 'string') parts.push(meta.valueLabel(fieldOf('care_kind')?.values, d.care_kind, lang));
    if (typeof d.dost_centre === 'string' && d.dost_centre) parts.push(d.dost_centre);
    return parts.length ? <div class="small muted">{parts.join(' · ')}</div> : null;
  };

  return (
    <Page title={t('visits.title')}>
      <div class="toolbar align-end">
        <div class="field">
          <label for="visits-by">{t('visits.group_by')}</label>
          <select id="visits-by" class="short" value={by} onChange={(e) => setBy((e.currentTarget as HTMLSelectElement).value === 'month' ? 'month' : 'week')}>
            <option value="week">{t('visits.by_week')}</option>
            <option value="month">{t('visits.by_month')}</option>
          </select>
        </div>
        {meta.may('care_visit', 'create') && (
          <a class="button button-plain" href="/records/care_visit/new" onClick={onLinkClick}>
            {t('visits.plan')}
          </a>
        )}
      </div>
      <ErrorAlert error={error} />
      {loading && items.length === 0 && <Loading />}
      {!loading && !error && items.length === 0 && <p>{t('visits.none')}</p>}
      {items.length > 0 && (
        <p aria-live="polite" data-testid="visits-summary">
          {t('visits.summary', { n: formatNumber(total ?? items.length, lang), overdue: formatNumber(overdue, lang), today: formatNumber(dueToday, lang) })}
        </p>
      )}
      {overdue > 0 && (
        <Alert kind="info">
          <p>{t('visits.overdue_note', { n: formatNumber(overdue, lang) })}</p>
        </Alert>
      )}
      {groups.map((g) => (
        <section key={g.key} class="visit-group" aria-labelledby={`vg-${g.key || 'none'}`} data-group={g.key}>
          <h2 id={`vg-${g.key || 'none'}`}>
            {period(g)} <span class="count" aria-hidden="true">{g.items.length}</span>
            <span class="visually-hidden">: {t('visits.n_visits', { n: g.items.length })}</span>
            {g.overdue > 0 && <span class="badge badge-overdue">{t('visits.n_overdue', { n: formatNumber(g.overdue, lang) })}</span>}
          </h2>
          <div class="table-wrap">
            <table class="table" data-testid="visits">
              <thead>
                <tr>
                  <th scope="col">{label(visitType.fields.find((f) => f.name === 'planned_on')?.label, lang)}</th>
                  <th scope="col">{label(visitType.fields.find((f) => f.name === 'care_child')?.label, lang)}</th>
                  <th scope="col">{t('visits.status')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('visits.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {g.items.map(({ visit: v, status: s }) => (
                  <tr key={v.id} data-visit={v.id} class={s === 'overdue' ? 'row-overdue' : undefined}>
                    <td>{typeof v.data.planned_on === 'string' ? formatDate(v.data.planned_on, lang) : '—'}</td>
                    <td>
                      {typeof v.data.care_child === 'number' ? (
                        <a href={`/records/care_child/${v.data.care_child}`} onClick={onLinkClick}>
                          {t('visits.child_n', { id: v.data.care_child })}
                        </a>
                      ) : (
                        '—'
                      )}
                      {childFacts(v.data.care_child)}
                    </td>
                    <td>{status(v.data.planned_on, s)}</td>
                    <td>
                      <ul class="inline-links">
                        {mayComplete && (
                          <li>
                            <a href={`/records/care_visit/${v.id}?transition=complete`} onClick={onLinkClick} data-action="complete">
                              {t('visits.record')}
                              <span class="visually-hidden"> (№ {v.id})</span>
                            </a>
                          </li>
                        )}
                        <li>
                          <a href={`/records/care_visit/${v.id}`} onClick={onLinkClick}>
                            {t('visits.open', { id: v.id })}
                          </a>
                        </li>
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {cursor && (
        <div class="pager">
          <button type="button" class="button button-plain" disabled={loading} onClick={() => void load(cursor)}>
            {t('visits.more')}
          </button>
        </div>
      )}
    </Page>
  );
}
