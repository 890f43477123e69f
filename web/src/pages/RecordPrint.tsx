// The print view of one record (/records/{type}/{id}/print): no menus, navigation or editing,
// only the record — its title and number, the summary, every part in read mode — in the chosen
// language, with the day and time printed and who printed it. Its "Print" button (and the way
// back) are hidden on paper (styles.css, @media print).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, records } from '../api';
import { ErrorAlert, Loading } from '../components/Page';
import { ReadOnlySections } from '../components/RecordSections';
import { RecordSummary } from '../components/RecordSummary';
import { displayDateTime } from '../dates';
import { useI18n } from '../i18n/context';
import { label, recordTitle } from '../meta';
import { onLinkClick } from '../router';
import { useAgencies, useLoad, useSession } from '../session';
import { recordHref } from './RecordList';

export function RecordPrint({ type, id }: { type: string; id: number }) {
  const { t, lang } = useI18n();
  const { meta, user } = useSession();
  const agencies = useAgencies();
  const td = meta.type(type);
  const rec = useLoad(() => records.get(type, id), [type, id]);
  const title = td && rec.data ? recordTitle(td, rec.data, lang) : label(td?.label, lang);
  const [printedAt] = useState(() => new Date().toISOString());

  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);

  // The printing user's agency by name, once the list has it (never as a bare number).
  const agency = agencies.find((a) => a.id === user.agency_id)?.name;
  const by = agency ? `${user.display_name} (${agency})` : user.display_name;
  return (
    <main id="main" class="container print-view" tabIndex={-1}>
      <div class="print-toolbar no-print">
        <button type="button" class="button" data-action="print" onClick={() => window.print()} disabled={!rec.data}>
          {t('print.print')}
        </button>
        <a href={recordHref(type, id)} onClick={onLinkClick}>
          {t('print.back')}
        </a>
      </div>
      <header class="print-head">
        <p class="print-brand">
          {t('app.name')} — {t('app.tagline')}
        </p>
        <h1>{title}</h1>
        {td && (
          <p class="print-number" data-testid="print-number">
            {label(td.label, lang)} № {id}
          </p>
        )}
        <p class="muted small" data-testid="printed">
          {t('print.printed', { at: displayDateTime(printedAt), by })}
        </p>
      </header>
      {!td || (rec.error instanceof ApiError && rec.error.status === 404) ? (
        <ErrorAlert error={new ApiError({ status: 404, code: 'not_found' })} />
      ) : rec.error ? (
        <ErrorAlert error={rec.error} />
      ) : !rec.data ? (
        <Loading />
      ) : (
        <>
          {rec.data.deleted && <p data-testid="deleted">{t('record.deleted', { at: displayDateTime(rec.data.deleted.at) })}</p>}
          <RecordSummary type={type} rec={rec.data} />
          <ReadOnlySections td={td} meta={meta} rec={rec.data} />
        </>
      )}
    </main>
  );
}
