// The summary at the top of a record page (and of its print view): the workflow state, who holds
// the record (the registering agency when the record names it, else who registered it and when),
// the worker in charge when the type names one (a user field), the deadlines the server computed; for a victim case also the latest screening and the
// placements (how many, and the facility the person stays in now). A few label / value pairs.
import { api, type RecordBody } from '../api';
import { displayDate, displayDateTime } from '../dates';
import { formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { label, type Label } from '../meta';
import { holdingAgency, registeredBy, summarizePlacements } from '../recordSummary';
import { onLinkClick } from '../router';
import { useLoad, useSession } from '../session';
import { loadLatest } from '../pages/DecisionScreening';
import { listAll } from '../pages/Plans';
import { assigneeField } from '../colleagues';
import { AgencyName, ColleagueName, RefLink } from './ValueView';

interface Deadline {
  name: string;
  label: Label;
  due_at: string;
  overdue: boolean;
}

export function RecordSummary({ type, rec }: { type: string; rec: RecordBody }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const agency = holdingAgency(rec as unknown as Record<string, unknown>);
  // Who registered it: the history's first entry (only when the record does not name its agency).
  const history = useLoad(
    () =>
      agency === undefined
        ? api.request<{ items: Array<{ action: string; at: string; by_name?: string }> }>('GET', `/records/${type}/${rec.id}/history`).then((h) => registeredBy(h.items))
        : Promise.resolve(undefined),
    [type, rec.id, agency],
  );
  const isCase = type === 'victim_case';
  const mayScreening = isCase && meta.may('screening', 'read');
  const mayPlacements = isCase && meta.may('placement', 'read');
  const screening = useLoad(() => (mayScreening ? loadLatest(rec.id, rec.data.person) : Promise.resolve(undefined)), [rec.id, mayScreening]);
  const placements = useLoad(
    () => (mayPlacements ? listAll('placement', { victim_case: rec.id, fields: 'facility,admitted_on' }).then(summarizePlacements) : Promise.resolve(undefined)),
    [rec.id, mayPlacements],
  );
  // The worker in charge (victim_case.assigned_user_id), when the case names one.
  const assignee = assigneeField(meta.type(type)?.fields ?? []);
  const assigned = assignee ? rec.data[assignee.name] : undefined;
  const deadlines = Array.isArray(rec.deadlines) ? (rec.deadlines as Deadline[]) : [];
  const screeningType = meta.type('screening');
  const s = screening.data?.latest;
  const result =
    s && typeof s.data.overall_result === 'string' && s.data.overall_result
      ? meta.valueLabel(screeningType?.fields.find((f) => f.name === 'overall_result')?.values, s.data.overall_result, lang)
      : t('decision.screening_not_computed');

  return (
    <section class="panel record-summary" aria-label={t('summary.title')} data-testid="record-summary">
      <dl class="facts">
        {rec.state && (
          <div>
            <dt>{t('summary.state')}</dt>
            <dd>
              <span class="state state-big" data-testid="record-state">
                {meta.stateLabel(type, rec.state, lang)}
              </span>
            </dd>
          </div>
        )}
        {agency !== undefined ? (
          <div data-testid="summary-agency">
            <dt>{t('summary.agency')}</dt>
            <dd>
              <AgencyName id={agency} />
            </dd>
          </div>
        ) : (
          history.data && (
            <div data-testid="summary-registered-by">
              <dt>{t('summary.registered_by')}</dt>
              <dd>
                {history.data.name}, {displayDateTime(history.data.at).slice(0, 10)}
              </dd>
            </div>
          )
        )}
        {assignee && typeof assigned === 'number' && (
          <div data-testid="summary-assignee">
            <dt>{label(assignee.label, lang)}</dt>
            <dd>
              <ColleagueName id={assigned} />
            </dd>
          </div>
        )}
        {deadlines.length > 0 && (
          <div class="summary-wide">
            <dt>{t('record.deadlines')}</dt>
            <dd>
              <ul class="deadline-list" data-testid="deadlines" aria-label={t('record.deadlines')}>
                {deadlines.map((d) => (
                  <li key={d.name} class={d.overdue ? 'due overdue' : 'due'}>
                    {label(d.label, lang)}: {d.overdue ? t('home.was_due', { at: displayDateTime(d.due_at) }) : t('home.due', { at: displayDateTime(d.due_at) })}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
        {mayScreening && screening.data && (
          <div data-testid="summary-screening">
            <dt>{t('decision.latest_screening')}</dt>
            <dd>
              {s ? (
                <>
                  <a href={`/records/screening/${s.id}`} onClick={onLinkClick}>
                    {result}
                  </a>
                  {typeof s.data.screened_on === 'string' && <span class="muted"> · {displayDate(s.data.screened_on)}</span>}
                </>
              ) : (
                <span class="muted">{t('summary.no_screening')}</span>
              )}
            </dd>
          </div>
        )}
        {mayPlacements && placements.data && (
          <div data-testid="summary-placements" data-count={placements.data.count}>
            <dt>{t('summary.placements')}</dt>
            <dd>
              {placements.data.count === 0 ? (
                <span class="muted">{t('summary.no_placements')}</span>
              ) : (
                <>
                  {formatNumber(placements.data.count, lang)}
                  {placements.data.current && typeof placements.data.current.data.facility === 'number' && (
                    <>
                      {' · '}
                      {t('summary.staying_at')} <RefLink meta={meta} type="facility" id={placements.data.current.data.facility} />
                    </>
                  )}
                </>
              )}
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}
