// Criminal case view: the case and its stage, the accused (wanted ones marked), criminal groups
// and the victims taking part (case_victim -> victim_case), with links to add each.
import { records, type RecordBody } from '../api';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { RefLink, ValueView } from '../components/ValueView';
import { useI18n } from '../i18n/context';
import { label, recordTitle } from '../meta';
import { onLinkClick } from '../router';
import { useLoad, useSession } from '../session';

export function CriminalCase({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const td = meta.type('criminal_case');
  const data = useLoad(async () => {
    const cc = await records.get('criminal_case', id);
    const opt = (type: string, params: Record<string, string | number>) =>
      meta.may(type, 'read') ? records.list(type, { ...params, limit: 100 }).then((r) => r.items).catch(() => [] as RecordBody[]) : Promise.resolve([] as RecordBody[]);
    // Names are identity fields: lists leave them out unless asked for (and the read is audited).
    const names = meta.identity('accused') !== 'none' ? ['last_name', 'first_name', 'patronymic'] : [];
    const accusedFields = [...names, 'sex', 'citizenship', 'perpetrator_role', 'procedural_status', 'criminal_group', 'wanted', 'wanted_since'];
    const [accused, groups, victims] = await Promise.all([
      opt('accused', { criminal_case: id, fields: accusedFields.join(',') }),
      opt('criminal_group', { criminal_case: id }),
      opt('case_victim', { criminal_case: id }),
    ]);
    return { cc, accused, groups, victims };
  }, [id]);
  if (!td) return <Page title={t('error.not_found')}>{null}</Page>;
  if (data.error) return <Page title={label(td.label, lang)}><ErrorAlert error={data.error} /></Page>;
  if (!data.data) return <Page title={label(td.label, lang)}><Loading /></Page>;
  const { cc, accused, groups, victims } = data.data;
  const f = (type: string, name: string) => meta.type(type)!.fields.find((x) => x.name === name)!;
  const summary = ['main_article', 'articles', 'registered_on', 'investigating_body', 'region', 'crimes_count', 'cross_border', 'sent_to_court_on', 'court', 'verdict_date'];
  const accusedName = (a: RecordBody) =>
    [a.data.last_name, a.data.first_name, a.data.patronymic].filter((x) => typeof x === 'string' && x).join(' ') || `${label(meta.type('accused')?.label, lang)} № ${a.id}`;
  const wanted = accused.filter((a) => a.data.wanted === true);
  const addLink = (type: string) =>
    meta.may(type, 'create') && (
      <a class="small" href={`/records/${type}/new?criminal_case=${id}`} onClick={onLinkClick}>
        {t('list.new_of', { type: label(meta.type(type)?.label, lang) })}
      </a>
    );
  return (
    <Page title={recordTitle(td, cc, lang)}>
      <p class="record-meta">
        <span class="muted">{label(td.label, lang)} № {cc.id}</span>
        <span class="state state-big" data-testid="record-state">{meta.stateLabel('criminal_case', cc.state, lang)}</span>
        <a href={`/records/criminal_case/${id}`} onClick={onLinkClick}>{t('cc.open_record')}</a>
      </p>
      <section class="panel">
        <dl class="facts">
          {summary.map((n) => (
            <div key={n}>
              <dt>{label(f('criminal_case', n).label, lang)}</dt>
              <dd><ValueView meta={meta} field={f('criminal_case', n)} value={cc.data[n]} /></dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="acc-h">
        <h2 id="acc-h">{t('cc.accused', { n: accused.length })} {addLink('accused')}</h2>
        {accused.length === 0 ? <p class="muted">{t('list.empty')}</p> : (
          <div class="table-wrap">
            <table class="table" data-testid="accused">
              <thead>
                <tr>
                  <th scope="col">{t('cc.name')}</th>
                  <th scope="col">{label(f('accused', 'sex').label, lang)}</th>
                  <th scope="col">{label(f('accused', 'citizenship').label, lang)}</th>
                  <th scope="col">{label(f('accused', 'perpetrator_role').label, lang)}</th>
                  <th scope="col">{label(f('accused', 'procedural_status').label, lang)}</th>
                  <th scope="col">{label(f('accused', 'criminal_group').label, lang)}</th>
                  <th scope="col">{label(f('accused', 'wanted').label, lang)}</th>
                </tr>
              </thead>
              <tbody>
                {accused.map((a) => (
                  <tr key={a.id}>
                    <td><a href={`/records/accused/${a.id}`} onClick={onLinkClick}>{accusedName(a)}</a></td>
                    {['sex', 'citizenship', 'perpetrator_role', 'procedural_status', 'criminal_group'].map((n) => (
                      <td key={n}><ValueView meta={meta} field={f('accused', n)} value={a.data[n]} /></td>
                    ))}
                    <td>{a.data.wanted === true ? <span class="badge badge-overdue">{t('cc.wanted')}</span> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="wanted-h">
        <h2 id="wanted-h">{t('cc.wanted_list', { n: wanted.length })}</h2>
        {wanted.length === 0 ? <p class="muted">{t('cc.no_wanted')}</p> : (
          <ul class="link-list">
            {wanted.map((a) => (
              <li key={a.id}>
                <a href={`/records/accused/${a.id}`} onClick={onLinkClick}>{accusedName(a)}</a>{' '}
                {typeof a.data.wanted_since === 'string' && <span class="muted">({label(f('accused', 'wanted_since').label, lang)}: <ValueView meta={meta} field={f('accused', 'wanted_since')} value={a.data.wanted_since} />)</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="grp-h">
        <h2 id="grp-h">{t('cc.groups', { n: groups.length })} {addLink('criminal_group')}</h2>
        {groups.length === 0 ? <p class="muted">{t('list.empty')}</p> : (
          <ul class="link-list">
            {groups.map((g) => (
              <li key={g.id}>
                <a href={`/records/criminal_group/${g.id}`} onClick={onLinkClick}>{recordTitle(meta.type('criminal_group'), g, lang)}</a>{' '}
                <span class="muted">
                  <ValueView meta={meta} field={f('criminal_group', 'group_form')} value={g.data.group_form} />
                  {' · '}
                  {t('cc.members', { n: accused.filter((a) => a.data.criminal_group === g.id).length })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="vic-h">
        <h2 id="vic-h">{t('cc.victims', { n: victims.length })} {addLink('case_victim')}</h2>
        {victims.length === 0 ? <p class="muted">{t('list.empty')}</p> : (
          <div class="table-wrap">
            <table class="table" data-testid="case-victims">
              <thead>
                <tr>
                  <th scope="col">{label(f('case_victim', 'victim_case').label, lang)}</th>
                  <th scope="col">{label(f('case_victim', 'participation').label, lang)}</th>
                  <th scope="col">{label(f('case_victim', 'compensation_awarded').label, lang)}</th>
                </tr>
              </thead>
              <tbody>
                {victims.map((v) => (
                  <tr key={v.id}>
                    <td>{typeof v.data.victim_case === 'number' ? <RefLink meta={meta} type="victim_case" id={v.data.victim_case} /> : '—'}</td>
                    <td><ValueView meta={meta} field={f('case_victim', 'participation')} value={v.data.participation} /></td>
                    <td><ValueView meta={meta} field={f('case_victim', 'compensation_awarded')} value={v.data.compensation_awarded} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Page>
  );
}
