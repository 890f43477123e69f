// Home per role: the user's tasks (GET /tasks: records past or near their deadlines), the
// records they opened lately (kept in this browser), the latest records of their registers.
import { api, records, type RecordBody, type User } from '../api';
import { Alert } from '../components/Alert';
import { assignedHref, assigneeField } from '../colleagues';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { label, recordTitle, titleText, type Label } from '../meta';
import { onLinkClick } from '../router';
import { useLoad, useSession } from '../session';
import { recentRecords } from '../recent';
import { periodName, returnTaskHref } from '../returns';

interface Props {
  user: User;
  notice?: string | undefined;
}

interface TaskGroup {
  deadline: string;
  label: Label;
  type: string;
  total: number;
  overdue_in_shown: number;
  /** A "return_due" group's items are periods: no id when the return is missing. */
  items: Array<{ id?: number; period?: string; due_at: string; overdue: boolean; state?: string; title?: string }>;
}

/** The registers each role works in first (the home page shows their latest records). */
const MAIN_TYPES = ['hotline_appeal', 'signal', 'victim_case', 'referral', 'placement', 'subsidy', 'criminal_case'];

export function Home({ user, notice }: Props) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const tasks = useLoad(() => api.request<{ groups: TaskGroup[] }>('GET', '/tasks'), []);
  const mainTypes = MAIN_TYPES.filter((x) => meta.may(x, 'create') || meta.may(x, 'update')).slice(0, 3);
  const latest = useLoad(
    () =>
      Promise.all(
        mainTypes.map((type) =>
          records
            .list(type, { limit: 5, sort: '-updated_at', fields: meta.type(type)?.title_field ?? '' })
            .then((r) => ({ type, items: r.items }))
            .catch(() => ({ type, items: [] as RecordBody[] })),
        ),
      ),
    [mainTypes.join()],
  );
  const recent = recentRecords();
  const groups = (tasks.data?.groups ?? []).filter((g) => g.total > 0);

  return (
    <Page title={t('home.title')}>
      {notice && <Alert kind="success">{notice}</Alert>}
      <p class="welcome" data-testid="welcome">
        {t('home.welcome', { name: user.display_name })}
      </p>
      <div class="roles-line muted">
        <span>{t('home.roles')}:</span>
        {user.roles.length === 0 ? (
          <span>{t('home.no_roles')}</span>
        ) : (
          <ul class="inline-list" data-testid="roles">
            {user.roles.map((r) => (
              <li key={r}>{meta.roleLabel(r, lang)}</li>
            ))}
          </ul>
        )}
      </div>
      {meta.isAdmin && (
        <div class="panel">
          <p>{t('home.admin_intro')}</p>
          <ul class="link-list">
            <li><a href="/admin/agencies" onClick={onLinkClick}>{t('nav.agencies')}</a></li>
            <li><a href="/admin/users" onClick={onLinkClick}>{t('nav.users')}</a></li>
            <li><a href="/admin/audit" onClick={onLinkClick}>{t('nav.audit')}</a></li>
          </ul>
        </div>
      )}
      {!meta.isAdmin && meta.may('victim_case', 'export') && !meta.may('victim_case', 'create') && (
        <div class="panel home-links">
          <ul class="inline-links">
            <li><a href="/dashboard" onClick={onLinkClick}>{t('nav.dashboard')}</a></li>
            <li><a href="/reports/annual" onClick={onLinkClick}>{t('nav.report')}</a></li>
            <li><a href="/records" onClick={onLinkClick}>{t('nav.registers')}</a></li>
          </ul>
        </div>
      )}
      {!meta.isAdmin && <MyCases user={user} />}
      {!meta.isAdmin && (
        <div class="home-grid">
          <section class="panel" aria-labelledby="tasks-h">
            <h2 id="tasks-h">{t('home.tasks')}</h2>
            {tasks.loading && !tasks.data && <Loading />}
            <ErrorAlert error={tasks.error} />
            {tasks.data && groups.length === 0 && <p class="muted">{t('home.no_tasks')}</p>}
            {groups.map((g) => (
              <div key={`${g.type}-${g.deadline}`} class="task-group" data-testid={`tasks-${g.deadline}`}>
                <h3>
                  {label(g.label, lang)} <span class="count">{g.total}</span>
                  {g.overdue_in_shown > 0 && <span class="badge badge-overdue">{t('home.overdue_n', { n: g.overdue_in_shown })}</span>}
                </h3>
                {g.deadline === 'return_due' ? (
                  <ReturnDueList group={g} />
                ) : (
                <ul class="task-list">
                  {g.items.slice(0, 8).map((it) => (
                    <li key={it.id}>
                      <a href={`/records/${g.type}/${it.id}`} onClick={onLinkClick}>
                        {titleText(meta.type(g.type), it.title, lang) || `${label(meta.type(g.type)?.label, lang)} № ${it.id}`}
                      </a>{' '}
                      <span class={it.overdue ? 'due overdue' : 'due'}>
                        {it.overdue ? t('home.was_due', { at: formatDateTime(it.due_at, lang) }) : t('home.due', { at: formatDateTime(it.due_at, lang) })}
                      </span>
                    </li>
                  ))}
                </ul>
                )}
                {g.type === 'plan_measure' && (
                  <a href="/plans" onClick={onLinkClick} data-testid="plans-link">
                    {t('home.plans_page')}
                  </a>
                )}{' '}
                {g.deadline === 'return_due' ? (
                  <a href={`/returns?type=${g.type}`} onClick={onLinkClick}>
                    {t('home.returns_page')}
                  </a>
                ) : g.total > 8 && (
                  <a href={`/records/${g.type}`} onClick={onLinkClick}>
                    {t('home.all_n', { n: g.total })}
                  </a>
                )}
              </div>
            ))}
          </section>
          <section class="panel" aria-labelledby="recent-h">
            <h2 id="recent-h">{t('home.recent')}</h2>
            {recent.length === 0 && <p class="muted">{t('home.no_recent')}</p>}
            <ul class="link-list">
              {recent.map((r) => (
                <li key={`${r.type}/${r.id}`}>
                  <a href={`/records/${r.type}/${r.id}`} onClick={onLinkClick}>
                    {r.title}
                  </a>{' '}
                  <span class="muted">{label(meta.type(r.type)?.label, lang)}</span>
                </li>
              ))}
            </ul>
            {(latest.data ?? []).map((g) => (
              <div key={g.type}>
                <h3>
                  {t('home.latest', { type: label(meta.type(g.type)?.label, lang) })}{' '}
                  <a href={`/records/${g.type}`} onClick={onLinkClick} class="small">
                    {t('home.open_register')}
                  </a>
                </h3>
                {g.items.length === 0 ? (
                  <p class="muted">{t('list.empty')}</p>
                ) : (
                  <ul class="link-list">
                    {g.items.map((r) => (
                      <li key={r.id}>
                        <a href={`/records/${g.type}/${r.id}`} onClick={onLinkClick}>
                          {recordTitle(meta.type(g.type), r, lang)}
                        </a>{' '}
                        {r.state && <span class="state">{meta.stateLabel(g.type, r.state, lang)}</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ))}
          </section>
        </div>
      )}
    </Page>
  );
}

/** "My cases": how many victim cases name the user as their worker in charge, and a link to them. */
function MyCases({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const type = 'victim_case';
  const field = meta.may(type, 'read') && typeof user.agency_id === 'number' ? assigneeField(meta.type(type)?.fields ?? []) : undefined;
  const count = useLoad(
    () => (field ? records.list(type, { [field.name]: user.id, limit: 1, count: true, fields: field.name }).then((r) => r.total ?? r.items.length) : Promise.resolve(undefined)),
    [field?.name, user.id],
  );
  if (!field) return null;
  return (
    <section class="panel my-cases" aria-labelledby="my-cases-h" data-testid="home-my-cases">
      <h2 id="my-cases-h">{t('home.my_cases')}</h2>
      <ErrorAlert error={count.error} />
      {count.loading && count.data === undefined && <Loading />}
      {count.data !== undefined &&
        (count.data === 0 ? (
          <p class="muted">{t('home.my_cases_none')}</p>
        ) : (
          <p>
            <span data-testid="my-cases-count" data-count={count.data}>
              {t('home.my_cases_n', { n: formatNumber(count.data, lang) })}
            </span>{' '}
            <a href={assignedHref(type, field.name, user.id)} onClick={onLinkClick}>
              {t('home.my_cases_open')}
            </a>
          </p>
        ))}
    </section>
  );
}

/** Periods of a periodic return past due (missing, a draft or returned): enter or open each. */
function ReturnDueList({ group: g }: { group: TaskGroup }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  return (
    <ul class="task-list" data-testid={`return-due-${g.type}`}>
      {g.items.slice(0, 8).map((it) => {
        const period = it.period ?? '';
        const hasReturn = typeof it.id === 'number';
        return (
          <li key={period || it.id} data-period={period}>
            <a href={returnTaskHref(g.type, { ...it, period })} onClick={onLinkClick} data-action={hasReturn ? 'open' : 'create'}>
              {hasReturn ? t('home.return_open', { period: periodName(period, lang) }) : t('home.return_enter', { period: periodName(period, lang) })}
            </a>{' '}
            {hasReturn && it.state && <span class="state">{meta.stateLabel(g.type, it.state, lang)}</span>}{' '}
            <span class={it.overdue ? 'due overdue' : 'due'}>
              {it.overdue ? t('home.was_due', { at: formatDate(it.due_at.slice(0, 10), lang) }) : t('home.due', { at: formatDate(it.due_at.slice(0, 10), lang) })}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
