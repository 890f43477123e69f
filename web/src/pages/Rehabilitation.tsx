// Individual rehabilitation plans on the record pages: a victim case lists its plans and offers
// a new one with the case filled in; a plan lists its measures (state, responsible agency by
// name, due day, overdue marked as the server's deadline says) and offers a new measure with the
// plan filled in. Column headings are the schema's own labels (they come from the API).
import type { RecordBody } from '../api';
import { ErrorAlert, Loading } from '../components/Page';
import { formatDate, formatNumber, todayIso } from '../format';
import { useI18n } from '../i18n/context';
import { label, recordTitle } from '../meta';
import { onLinkClick } from '../router';
import { useAgencies, useLoad, useSession } from '../session';
import {
  measureCounts,
  newRehabMeasureHref,
  newRehabPlanHref,
  planTakesMeasures,
  rehabMeasureRows,
  rehabPlanRows,
} from '../rehabilitation';
import { listAll } from './Plans';

/** A victim case's rehabilitation plans, and a new one with the case filled in. */
export function CaseRehabilitationPlans({ victimCase }: { victimCase: RecordBody }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const plans = useLoad(() => listAll('rehabilitation_plan', { victim_case: victimCase.id }), [victimCase.id]);
  const mayCreate = meta.may('rehabilitation_plan', 'create') && !victimCase.deleted;
  const rows = rehabPlanRows(plans.data ?? []);
  const planType = meta.type('rehabilitation_plan');
  const reviewField = planType?.fields.find((f) => f.name === 'next_review_on');
  if (!mayCreate && plans.data && rows.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="rehab-plans-h" data-testid="rehabilitation-plans">
      <h2 id="rehab-plans-h">{t('rehab.plans')}</h2>
      {plans.loading && !plans.data && <Loading />}
      <ErrorAlert error={plans.error} />
      {plans.data && rows.length === 0 && <p class="muted">{t('rehab.no_plans')}</p>}
      {rows.length > 0 && (
        <ul class="link-list">
          {rows.map((p) => (
            <li key={p.id} data-plan={p.id} data-state={p.state}>
              <a href={`/records/rehabilitation_plan/${p.id}`} onClick={onLinkClick}>
                {p.drawnUpOn ? t('rehab.plan_of', { date: formatDate(p.drawnUpOn, lang) }) : `${label(planType?.label, lang)} № ${p.id}`}
              </a>{' '}
              <span class="state">{meta.stateLabel('rehabilitation_plan', p.state, lang)}</span>
              {p.nextReviewOn && p.state === 'active' && (
                <span class="muted small">
                  {' '}
                  · {label(reviewField?.label, lang)}: {formatDate(p.nextReviewOn, lang)}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayCreate && (
        <p>
          <a class="button" href={newRehabPlanHref(victimCase.id, todayIso())} onClick={onLinkClick} data-testid="new-rehabilitation-plan">
            {t('rehab.new_plan')}
          </a>
        </p>
      )}
    </section>
  );
}

/** A plan's measures by due day, and a new measure with the plan filled in. */
export function PlanMeasures({ plan }: { plan: RecordBody }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const agencies = useAgencies();
  const measures = useLoad(() => listAll('rehabilitation_measure', { plan: plan.id }), [plan.id]);
  const today = todayIso();
  const rows = rehabMeasureRows(measures.data ?? [], agencies, today);
  const counts = measureCounts(rows);
  const mt = meta.type('rehabilitation_measure');
  const heading = (name: string) => label(mt?.fields.find((f) => f.name === name)?.label, lang) || name;
  const kindList = mt?.fields.find((f) => f.name === 'kind')?.values;
  const planTitle = recordTitle(meta.type('rehabilitation_plan'), plan, lang);
  const mayCreate = meta.may('rehabilitation_measure', 'create') && planTakesMeasures(plan);
  const n = (x: number) => formatNumber(x, lang);
  return (
    <section class="panel" aria-labelledby="rehab-measures-h" data-testid="plan-measures-section">
      <h2 id="rehab-measures-h">{t('rehab.measures')}</h2>
      {measures.loading && !measures.data && <Loading />}
      <ErrorAlert error={measures.error} />
      {measures.data && rows.length === 0 && (
        <p class="muted" data-testid="no-rehabilitation-measures">
          {t('rehab.no_measures')}
        </p>
      )}
      {rows.length > 0 && (
        <>
          <p data-testid="rehabilitation-summary">
            {t('rehab.summary', { total: n(counts.total), done: n(counts.done), open: n(counts.open), overdue: n(counts.overdue) })}
          </p>
          <div class="table-wrap">
            <table class="table" data-testid="rehabilitation-measures">
              <caption class="visually-hidden">{t('rehab.measures_caption', { plan: planTitle })}</caption>
              <thead>
                <tr>
                  <th scope="col">{heading('title')}</th>
                  <th scope="col">{heading('kind')}</th>
                  <th scope="col">{heading('responsible_agency_id')}</th>
                  <th scope="col">{heading('due_on')}</th>
                  <th scope="col">{t('list.state')}</th>
                  <th scope="col">{heading('done_on')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr
                    key={m.id}
                    data-measure={m.id}
                    data-state={m.state}
                    data-agency={m.agencyId}
                    data-overdue={m.overdue ? 'true' : undefined}
                    class={m.overdue ? 'row-overdue' : undefined}
                  >
                    <th scope="row">
                      <a href={`/records/rehabilitation_measure/${m.id}`} onClick={onLinkClick}>
                        {m.title || `${label(mt?.label, lang)} № ${m.id}`}
                      </a>
                    </th>
                    <td>{m.kind ? meta.valueLabel(kindList, m.kind, lang) : '—'}</td>
                    <td data-testid="responsible-agency">{m.agencyName || '—'}</td>
                    <td class="nowrap">
                      {m.dueOn ? formatDate(m.dueOn, lang) : '—'}
                      {m.overdue && (
                        <>
                          {' '}
                          <span class="badge badge-overdue" data-testid="overdue">
                            {t('rehab.overdue_badge')}
                          </span>
                        </>
                      )}
                    </td>
                    <td>
                      <span class="state">{meta.stateLabel('rehabilitation_measure', m.state, lang)}</span>
                    </td>
                    <td class="nowrap">{m.doneOn ? formatDate(m.doneOn, lang) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {mayCreate && (
        <p>
          <a class="button" href={newRehabMeasureHref(plan)} onClick={onLinkClick} data-testid="new-rehabilitation-measure">
            {t('rehab.new_measure')}
          </a>
        </p>
      )}
    </section>
  );
}
