// A figure's definition and, when allowed, the records behind it (audited by the server).
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { ErrorAlert, Loading } from '../components/Page';
import { useI18n } from '../i18n/context';
import { unitFor } from '../plural';
import { onLinkClick } from '../router';
import { useSession } from '../session';
import { RefLink } from '../components/ValueView';
import type { Figure } from './Dashboard';

export function FigureDetails({ figure, onClose }: { figure: Figure; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const [recs, setRecs] = useState<{ ids: number[]; register: string; count: number } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const mayRead = figure.register ? meta.may(figure.register, 'read') : false;
  return (
    <section class="panel figure-details" aria-labelledby="fig-h" data-testid="figure-details">
      <h2 id="fig-h" tabIndex={-1} ref={(el) => el?.focus()}>
        {figure.label}: {figure.display} {unitFor(figure.unit, figure.value, lang)}
      </h2>
      <p>
        <strong>{t('dash.definition')}:</strong> {figure.definition}
      </p>
      <p class="small muted">{t('dash.period', { period: figure.period })}</p>
      <div class="actions">
        {mayRead && !recs && (
          <button
            type="button"
            class="button button-plain"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              try {
                setRecs(await api.request('GET', `/statistics/indicators/${encodeURIComponent(figure.indicator)}/records?period=${encodeURIComponent(figure.period)}`));
              } catch (e) {
                setError(e);
              } finally {
                setBusy(false);
              }
            }}
          >
            {busy ? t('app.loading') : t('dash.show_records')}
          </button>
        )}
        <button type="button" class="button button-plain" onClick={onClose}>
          {t('dash.close')}
        </button>
      </div>
      {busy && <Loading />}
      {error !== undefined && (error instanceof ApiError && error.status === 403 ? <p>{t('dash.records_not_allowed')}</p> : <ErrorAlert error={error} />)}
      {recs && (
        <>
          <p>{t('dash.records_n', { n: recs.count })}</p>
          <ul class="inline-links">
            {recs.ids.slice(0, 30).map((id) => (
              <li key={id}>
                <RefLink meta={meta} type={recs.register} id={id} />
              </li>
            ))}
          </ul>
          {recs.ids.length > 30 && (
            <a href={`/records/${recs.register}`} onClick={onLinkClick}>
              {t('home.open_register')}
            </a>
          )}
        </>
      )}
    </section>
  );
}
