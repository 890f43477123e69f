// The linkage review queue (S4, issue 26): pairs of persons the matcher is unsure of
// (GET /linkage/review), grouped by the people they are about (src/linkageGroups.ts: connected
// components over persons), one card per group. The special police open the registrations,
// compare them and choose for each pair "same" / "different" / not decided — or decide the whole
// group at once ("all one person", "all different persons") — and save: one link_decision record
// per pair chosen, created one after another (the first error stops them), which overrides the
// model. No names are shown here: the records themselves are opened (and audited).
import { useMemo, useState } from 'preact/hooks';
import { api, records } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import {
  decisionsFor,
  groupReviewItems,
  itemKey,
  shortcutChoices,
  type Choice,
  type Choices,
  type ReviewGroup,
  type ReviewItem,
  type ReviewRegistration,
} from '../linkageGroups';
import { label } from '../meta';
import { onLinkClick } from '../router';
import { useLoad, useSession } from '../session';
import { levelText } from './HotlineIntake';

/** How many items the page asks for (the server gives at most 500). */
const LIMIT = 200;

export function LinkageReview() {
  const { t, lang } = useI18n();
  const queue = useLoad(() => api.request<{ items: ReviewItem[] }>('GET', `/linkage/review?limit=${LIMIT}`), []);
  const groups = useMemo(() => groupReviewItems(queue.data?.items ?? []), [queue.data]);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(0);
  const [saving, setSaving] = useState<number | undefined>(undefined);

  // Creates the decisions one after another; the first error stops them. Then the queue is read again.
  const save = async (group: ReviewGroup, choices: Choices, note: string) => {
    setError(undefined);
    setSaved(0);
    setSaving(group.key);
    let count = 0;
    try {
      for (const body of decisionsFor(group, choices, note)) {
        await records.create('link_decision', { ...body });
        count += 1;
      }
    } catch (e) {
      setError(e);
    } finally {
      setSaved(count);
      setSaving(undefined);
      queue.reload();
    }
  };

  return (
    <Page title={t('review.title')}>
      <p class="muted">{t('review.intro')}</p>
      <p class="muted">{t('review.how')}</p>
      {saved > 0 && (
        <div data-testid="review-saved">
          <Alert kind="success">{t('review.saved_n', { n: formatNumber(saved, lang) })}</Alert>
        </div>
      )}
      <ErrorAlert error={error} />
      <ErrorAlert error={queue.error} />
      {queue.loading && !queue.data && <Loading />}
      {queue.data && groups.length === 0 && <p data-testid="review-empty">{t('review.none')}</p>}
      {groups.length > 0 && (
        <ol class="match-list" data-testid="review-queue">
          {groups.map((g, i) => (
            <GroupCard key={g.key} group={g} index={i + 1} saving={saving ?? (queue.loading ? -1 : undefined)} onSave={save} />
          ))}
        </ol>
      )}
    </Page>
  );
}

interface CardProps {
  group: ReviewGroup;
  index: number;
  /** The key of the group being saved, -1 while the queue is read again, else undefined (one save at a time). */
  saving: number | undefined;
  onSave: (group: ReviewGroup, choices: Choices, note: string) => Promise<void>;
}

function GroupCard({ group, index, saving, onSave }: CardProps) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const [choices, setChoices] = useState<Choices>({});
  const [note, setNote] = useState('');
  const id = `group-${group.key}`;
  const chosen = decisionsFor(group, choices).length;
  const busy = saving !== undefined;

  const fieldLabel = (field: string) => {
    const name = field === 'document' ? 'document_number' : field;
    return label(meta.type('person')?.fields.find((f) => f.name === name)?.label, lang) || field;
  };
  const regLink = (r: ReviewRegistration) => (
    <a href={`/records/${r.type}/${r.id}`} onClick={onLinkClick}>
      {label(meta.type(r.type)?.label, lang) || r.type} № {r.id}
      {r.title ? ` (${r.title})` : ''}
    </a>
  );
  const choose = (it: ReviewItem, c: Choice | undefined) => setChoices({ ...choices, [itemKey(it)]: c });
  const percent = (p: number) => formatNumber(Math.round(p * 100), lang);
  const registrations = group.persons.flatMap((p) => p.registrations.map((r) => r.id));

  return (
    <li class="card" data-testid="review-group" data-records={registrations.join(' ')}>
      <h2 class="h3" id={`${id}-h`}>
        {t('review.group', { i: formatNumber(index, lang), n: formatNumber(group.persons.length, lang), p: percent(group.best) })}
      </h2>
      <h3>{t('review.persons')}</h3>
      <ul class="link-list" data-testid="review-persons">
        {group.persons.map((p) => (
          <li key={p.id} data-person={p.id}>
            {t('review.person', { id: p.id })}:{' '}
            {p.registrations.map((r, k) => (
              <span key={r.id}>
                {k > 0 && ', '}
                {regLink(r)}
              </span>
            ))}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && chosen > 0) void onSave(group, choices, note);
        }}
      >
        <h3>{t('review.items')}</h3>
        <ol class="match-list">
          {group.items.map((it) => {
            const k = itemKey(it);
            const name = `${id}-${k}`;
            const current = choices[k];
            return (
              <li key={k} data-testid="review-item" data-pair={k}>
                <fieldset class="card">
                  <legend>
                    <strong>{t('review.pair', { a: it.first_person, b: it.second_person })}</strong>
                  </legend>
                  <p>{t('hotline.probability', { p: percent(it.probability) })}</p>
                  {(it.pairs ?? 1) > 1 && (
                    <p class="small" data-testid="review-pairs">
                      {t('review.pairs', { n: formatNumber(it.pairs ?? 1, lang) })}
                    </p>
                  )}
                  <dl class="pairs">
                    <dt>{t('review.first')}</dt>
                    <dd>{regLink(it.first)}</dd>
                    <dt>{t('review.second')}</dt>
                    <dd>{regLink(it.second)}</dd>
                  </dl>
                  <p class="small">
                    <strong>{t('review.compared')}: </strong>
                    {it.explanation
                      .filter((e) => e.level !== 'missing')
                      .map((e) => `${fieldLabel(e.field)}: ${levelText(e.level, t)}`)
                      .join('; ')}
                  </p>
                  <div class="check-grid">
                    {(['same', 'different', undefined] as const).map((c) => (
                      <label class="check" key={c ?? 'undecided'}>
                        <input
                          type="radio"
                          name={name}
                          value={c ?? 'undecided'}
                          checked={current === c}
                          disabled={busy}
                          onChange={() => choose(it, c)}
                        />{' '}
                        {c === 'same' ? t('review.same') : c === 'different' ? t('review.different') : t('review.undecided')}
                      </label>
                    ))}
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
        <fieldset class="checks">
          <legend>{t('review.shortcuts')}</legend>
          <div class="toolbar">
            <button
              type="button"
              class="button button-plain"
              data-testid="review-all-same"
              disabled={busy}
              onClick={() => setChoices(shortcutChoices(group, 'all_same'))}
            >
              {t('review.all_same')}
            </button>
            <button
              type="button"
              class="button button-plain"
              data-testid="review-all-different"
              disabled={busy}
              onClick={() => setChoices(shortcutChoices(group, 'all_different'))}
            >
              {t('review.all_different')}
            </button>
          </div>
        </fieldset>
        <div class="field">
          <label for={`${id}-note`}>{t('review.note')}</label>
          <input id={`${id}-note`} type="text" maxLength={2000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <p class="small" aria-live="polite" data-testid="review-chosen">
          {t('review.chosen', { n: formatNumber(chosen, lang), total: formatNumber(group.items.length, lang) })}
        </p>
        <div class="toolbar">
          <button type="submit" class="button" data-testid="review-save" disabled={busy || chosen === 0}>
            {saving === group.key ? t('review.saving') : t('review.save')}
          </button>
        </div>
      </form>
    </li>
  );
}
