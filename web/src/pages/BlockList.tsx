// O1: the block list for an access provider (GET /api/v1/block-list): the addresses whose
// limitation of access is in force on a day, as a text file downloaded through fetch (so that a
// refusal is shown on the form, not as a broken download). Every export is audited with its
// recipient on the server; the addresses never appear on this page.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Page } from '../components/Page';
import { formatDate, formatNumber, todayIso } from '../format';
import { useI18n } from '../i18n/context';
import { blockListErrors, blockListPath, downloadName, parseEntries, type BlockListField } from '../returns';
import { useSession } from '../session';
import { DateInput } from '../components/DateInput';

/** Hands a text to the browser as a downloaded file. */
function saveFile(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function BlockList() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const [recipient, setRecipient] = useState('');
  const [date, setDate] = useState(todayIso());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<{ entries: number | undefined; file: string; date: string; recipient: string } | undefined>(undefined);
  const summary = useRef<HTMLDivElement>(null);
  const errs = blockListErrors(error);
  const fieldMessage: Record<BlockListField, string> = {
    recipient: t('blocklist.error_recipient'),
    date: t('blocklist.error_date'),
  };
  const fieldLabel: Record<BlockListField, string> = { recipient: t('blocklist.recipient'), date: t('blocklist.date') };
  const invalid = (f: BlockListField) => errs.fields.includes(f);

  useEffect(() => {
    if (errs.fields.length > 0) summary.current?.focus();
  }, [error]);

  if (!meta.mayExportBlockList)
    return (
      <Page title={t('blocklist.title')}>
        <ErrorAlert error={new ApiError({ status: 404, code: 'not_found' })} />
      </Page>
    );

  const download = async () => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await api.getText(blockListPath(recipient, date));
      const file = downloadName(r.headers.get('Content-Disposition'), date);
      saveFile(r.text, file);
      setDone({ entries: parseEntries(r.headers.get('X-Entries')), file, date, recipient: recipient.trim() });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('blocklist.title')}>
      <p>{t('blocklist.intro')}</p>
      <form
        class="panel narrow-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void download();
        }}
      >
        {done && (
          <Alert kind="success">
            <p data-testid="block-list-done">
              {done.entries === undefined
                ? t('blocklist.done_file', { file: done.file })
                : t('blocklist.done', { n: formatNumber(done.entries, lang), date: formatDate(done.date, lang), recipient: done.recipient })}
            </p>
            {done.entries === 0 && <p>{t('blocklist.empty')}</p>}
          </Alert>
        )}
        {errs.fields.length > 0 ? (
          <div class="alert alert-error" role="alert" data-alert="error" tabIndex={-1} ref={summary}>
            <p>{t('blocklist.fix_errors')}</p>
            <ul>
              {errs.fields.map((f) => (
                <li key={f}>
                  <a href={`#bl-${f}`}>{fieldLabel[f]}</a>: {fieldMessage[f]}
                </li>
              ))}
            </ul>
            {errs.other.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        ) : (
          <ErrorAlert error={error} />
        )}
        <div class={invalid('recipient') ? 'field field-invalid' : 'field'}>
          <label for="bl-recipient">
            {t('blocklist.recipient')}
            <span class="required" aria-hidden="true">
              {' '}*
            </span>
          </label>
          <p class="field-hint" id="bl-recipient-hint">
            {t('blocklist.recipient_hint')}
          </p>
          {invalid('recipient') && (
            <p class="field-error" id="bl-recipient-error">
              {fieldMessage.recipient}
            </p>
          )}
          <input
            id="bl-recipient"
            type="text"
            maxLength={200}
            autoComplete="off"
            value={recipient}
            aria-required="true"
            aria-invalid={invalid('recipient') ? true : undefined}
            aria-describedby={invalid('recipient') ? 'bl-recipient-hint bl-recipient-error' : 'bl-recipient-hint'}
            onInput={(e) => setRecipient((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class={invalid('date') ? 'field field-invalid' : 'field'}>
          <label for="bl-date">{t('blocklist.date')}</label>
          <p class="field-hint" id="bl-date-hint">
            {t('blocklist.date_hint')}
          </p>
          {invalid('date') && (
            <p class="field-error" id="bl-date-error">
              {fieldMessage.date}
            </p>
          )}
          <DateInput
            id="bl-date"
            value={date}
            keepInvalid
            aria-invalid={invalid('date') ? true : undefined}
            aria-describedby={invalid('date') ? 'bl-date-hint bl-date-error' : 'bl-date-hint'}
            onChange={(v) => setDate(v ?? '')}
          />
        </div>
        <p class="muted small">{t('blocklist.audited')}</p>
        <button type="submit" class="button" disabled={busy} data-action="download-block-list">
          {busy ? t('blocklist.downloading') : t('blocklist.download')}
        </button>
      </form>
    </Page>
  );
}
