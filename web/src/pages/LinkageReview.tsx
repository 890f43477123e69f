// The linkage review queue (S4): pairs of registrations the matcher is unsure of
// (GET /linkage/review), each with its field-by-field comparison; the special police open both
// records, compare them and decide "same" or "different" (a link_decision record), which
// overrides the model. No names are shown here: the records themselves are opened (and audited).
import { useState } from 'preact/hooks';
import { api, records } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { label } from '../meta';
import { onLinkClick } from '../router';
import { useLoad, useSession } from '../session';
import { levelText } from './HotlineIntake';

interface Registration {
  id: number;
  type: string;
  visible: boolean;
  title?: string;
}

interface ReviewItem {
  first: Registration;
  second: Registration;
  first_person: number;
  second_person: number;
  probability: number;
  pairs?: number; // pairs of the two persons' registrations this decision settles
  explanation: Array<{ field: string; level: string; weight: number }>;
}

export function LinkageReview() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const queue = useLoad(() => api.request<{ items: ReviewItem[] }>('GET', '/linkage/review?limit=20'), []);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState('');

  const key = (it: ReviewItem) => `${it.first.id}-${it.second.id}`;
  const decide = async (it: ReviewItem, decision: 'same' | 'different') => {
    setError(undefined);
    setDone(false);
    setBusy(key(it));
    try {
      const note = notes[key(it)]?.trim();
      await records.create('link_decision', {
        first_record: it.first.id,
        second_record: it.second.id,
        decision,
        ...(note ? { note } : {}),
      });
      setDone(true);
      queue.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };
  const fieldLabel = (field: string) => {
    const name = field === 'document' ? 'document_number' : field;
    return label(meta.type('person')?.fields.find((f) => f.name === name)?.label, lang) || field;
  };
  const regLink = (r: Registration) => (
    <a href={`/records/${r.type}/${r.id}`} onClick={onLinkClick}>
      {label(meta.type(r.type)?.label, lang) || r.type} № {r.id}
      {r.title ? ` (${r.title})` : ''}
    </a>
  );

  return (
    <Page title={t('review.title')}>
      <p class="muted">{t('review.intro')}</p>
      {done && <Alert kind="success">{t('review.saved')}</Alert>}
      <ErrorAlert error={error} />
      <ErrorAlert error={queue.error} />
      {queue.loading && !queue.data && <Loading />}
      {queue.data && queue.data.items.length === 0 && <p data-testid="review-empty">{t('review.none')}</p>}
      {queue.data && queue.data.items.length > 0 && (
        <ol class="match-list" data-testid="review-queue">
          {queue.data.items.map((it) => (
            <li key={key(it)} class="card">
              <h2 class="h3">
                {t('hotline.probability', { p: formatNumber(Math.round(it.probability * 100), lang) })}
              </h2>
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
              <div class="field">
                <label for={`note-${key(it)}`}>{t('review.note')}</label>
                <input
                  id={`note-${key(it)}`}
                  type="text"
                  maxLength={2000}
                  value={notes[key(it)] ?? ''}
                  onInput={(e) => setNotes({ ...notes, [key(it)]: (e.currentTarget as HTMLInputElement).value })}
                />
              </div>
              <div class="toolbar">
                <button type="button" disabled={busy === key(it)} onClick={() => void decide(it, 'same')}>
                  {t('review.same')}
                </button>
                <button type="button" class="button-secondary" disabled={busy === key(it)} onClick={() => void decide(it, 'different')}>
                  {t('review.different')}
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
    </Page>
  );
}
