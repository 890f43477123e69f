// The victim case's identification decision (identify / reject) beside the latest screening of
// the case — its result in words, day, who screened, the list — or a warning that there is none
// (with the way to screen). Read from the screening register's list (?victim_case=, else
// ?person=), so nothing new is asked of the server. Also the confirmation a case shows when a
// screening was just saved from it (?screened=<id>).
import { api, records, type RecordBody } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading } from '../components/Page';
import { formatDate, formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { onLinkClick } from '../router';
import { latestScreening, screenedBy } from '../screening';
import { useLoad, useSession } from '../session';

export interface Latest {
  latest?: RecordBody;
  count: number;
  /** The screening is the person's, not linked to this case. */
  ofPerson: boolean;
  by?: string;
}

/** The case's latest screening (else the person's), how many there are and who screened. */
export async function loadLatest(caseId: number, person: unknown): Promise<Latest> {
  let list = await records.list('screening', { victim_case: caseId, sort: '-screened_on', limit: 50 });
  let ofPerson = false;
  if (list.items.length === 0 && typeof person === 'number') {
    list = await records.list('screening', { person, sort: '-screened_on', limit: 50 });
    ofPerson = true;
  }
  const latest = latestScreening(list.items);
  let by: string | undefined;
  if (latest) {
    by = screenedBy(latest.data, undefined);
    if (!by) {
      try {
        const h = await api.request<{ items: Array<{ action: string; by_name?: string }> }>('GET', `/records/screening/${latest.id}/history`);
        by = screenedBy(latest.data, h.items);
      } catch {
        // the name stays unknown
      }
    }
  }
  return { latest, count: list.items.length, ofPerson, by };
}

export function DecisionScreening({ victimCase }: { victimCase: RecordBody }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const td = meta.type('screening');
  const may = meta.may('screening', 'read');
  const got = useLoad(() => (may ? loadLatest(victimCase.id, victimCase.data.person) : Promise.resolve(undefined)), [victimCase.id, may]);
  if (!td || !may) return null;
  if (got.loading && !got.data) return <Loading />;
  if (got.error) return <ErrorAlert error={got.error} />;
  const s = got.data?.latest;
  const field = (name: string) => td.fields.find((f) => f.name === name);
  if (!s)
    return (
      <div class="decision-screening missing" data-testid="decision-no-screening" role="status">
        <h3>{t('decision.latest_screening')}</h3>
        <p>{t('decision.no_screening')}</p>
        {meta.may('screening', 'create') && (
          <p>
            <a href={`/screening?from=victim_case:${victimCase.id}`} onClick={onLinkClick} data-action="screen-now">
              {t('decision.screen_now')}
            </a>
          </p>
        )}
      </div>
    );
  const d = s.data;
  const result = typeof d.overall_result === 'string' && d.overall_result ? meta.valueLabel(field('overall_result')?.values, d.overall_result, lang) : t('decision.screening_not_computed');
  const positive = Array.isArray(d.positive_dimensions) ? d.positive_dimensions.map((c) => meta.valueLabel(field('positive_dimensions')?.values, String(c), lang)) : [];
  const list = [
    typeof d.exploitation_focus === 'string' ? meta.valueLabel(field('exploitation_focus')?.values, d.exploitation_focus, lang) : '',
    d.is_child === true ? t('screening.list_child') : d.is_child === false ? t('screening.list_adult') : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <div class="decision-screening" data-testid="decision-screening" data-result={typeof d.overall_result === 'string' ? d.overall_result : ''} data-screening={s.id}>
      <h3>{t('decision.latest_screening')}</h3>
      {got.data!.ofPerson && <p class="small">{t('decision.screening_of_person')}</p>}
      <dl class="facts">
        <div>
          <dt>{t('decision.screening_result')}</dt>
          <dd data-testid="decision-screening-result">
            <strong>{result}</strong>
          </dd>
        </div>
        <div>
          <dt>{t('decision.screening_date')}</dt>
          <dd data-testid="decision-screening-date">{typeof d.screened_on === 'string' ? formatDate(d.screened_on, lang) : '—'}</dd>
        </div>
        <div>
          <dt>{t('decision.screening_by')}</dt>
          <dd data-testid="decision-screening-by">{got.data!.by ?? t('decision.screening_unknown_who')}</dd>
        </div>
        {list && (
          <div>
            <dt>{t('decision.screening_list')}</dt>
            <dd>{list}</dd>
          </div>
        )}
        {positive.length > 0 && (
          <div>
            <dt>{t('decision.screening_positive')}</dt>
            <dd>{positive.join(', ')}</dd>
          </div>
        )}
      </dl>
      <p class="small">
        <a href={`/records/screening/${s.id}`} onClick={onLinkClick}>
          {t('screening.open_saved')} (№ {s.id})
        </a>
        {got.data!.count > 1 && <span class="muted"> · {t('decision.screening_count', { n: formatNumber(got.data!.count, lang) })}</span>}
      </p>
    </div>
  );
}

/** The confirmation on a case that a screening was just saved from it. */
export function ScreeningSaved({ id }: { id: number }) {
  const { t } = useI18n();
  return (
    <Alert kind="success">
      <p data-testid="screening-saved">
        {t('screening.saved_on_case', { id })}{' '}
        <a href={`/records/screening/${id}`} onClick={onLinkClick}>
          {t('screening.open_saved')}
        </a>
      </p>
    </Alert>
  );
}
