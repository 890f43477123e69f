// Hotline quick intake: keyboard-first form for a call (hotline_appeal) and, when it is about a
// possible victim, a signal; Ctrl+Enter saves both. While the operator types the person's name,
// possible matches come from POST /linkage/search (debounced; a 404 — not deployed — shows nothing).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, records } from '../api';
import { Alert } from '../components/Alert';
import { FieldInput } from '../components/FieldInput';
import { Page } from '../components/Page';
import { useMedia } from '../components/useMedia';
import { fieldErrors, otherErrors } from '../components/RecordForm';
import { formatNumber, nowIso } from '../format';
import { useI18n } from '../i18n/context';
import { az } from '../i18n/az';
import type { MessageKey, Translate } from '../i18n';
import { isRequired, isVisible, label, type FieldDef } from '../meta';
import { onLinkClick } from '../router';
import { useAgencies, useSession } from '../session';
import { agencyLabel } from '../agencies';

export interface LinkageCandidate {
  person_id: number;
  probability: number;
  band: 'link' | 'review';
  agreements: Array<{ field: string; level: string; weight: number }>;
  registrations: Array<{ type: string; id: number; title?: string; visible?: boolean; agency_id?: number }>;
  hidden_registrations: number;
}

/** The notes the server adds to a level when the names were compared crosswise. */
const LEVEL_NOTES: Array<[string, MessageKey]> = [
  [' (given name and surname swapped)', 'linkage.swapped'],
  [' (the lone name in the given-name field)', 'linkage.lone_surname'],
];

/** A comparison level as the server names it ("phonetic key", "exact (given name and surname swapped)"), in the user's language. */
export function levelText(level: string, t: Translate): string {
  const note = LEVEL_NOTES.find(([suffix]) => level.endsWith(suffix));
  const base = note ? level.slice(0, -note[0].length) : level;
  const key = `linkage.level.${base}` as MessageKey;
  const text = key in az ? t(key) : base;
  return note ? `${text} (${t(note[1])})` : text;
}

/** The person record among a candidate's registrations the user may open (a signal links to it). */
export function personRecord(c: LinkageCandidate): number | undefined {
  return (c.registrations ?? []).find((r) => r.type === 'person' && r.visible !== false)?.id;
}

export interface LinkageQuery {
  first_name?: string;
  last_name?: string;
  patronymic?: string;
  birth?: string;
  sex?: string;
  citizenship?: string;
  phone?: string;
}

/** The search body: only what was typed; nothing (undefined) when no name or phone is known yet. */
export function linkageQuery(p: LinkageQuery): LinkageQuery | undefined {
  const out: LinkageQuery = {};
  for (const [k, v] of Object.entries(p) as Array<[keyof LinkageQuery, string | undefined]>) {
    const s = v?.trim();
    if (s) out[k] = s;
  }
  const enough = (out.last_name?.length ?? 0) + (out.first_name?.length ?? 0) >= 3 || (out.phone?.length ?? 0) >= 6;
  return enough ? out : undefined;
}

const APPEAL_FIELDS = ['line', 'received_at', 'topic', 'caller_type', 'anonymous', 'caller_name', 'response', 'routed_to_agency_type', 'follow_up_on'];
const SIGNAL_FIELDS = ['person_sex', 'person_birth', 'person_citizenship', 'is_child', 'contact_phone', 'region', 'summary'];

function fresh(): { appeal: Record<string, unknown>; signal: Record<string, unknown> } {
  return { appeal: { line: 'hotline_152', received_at: nowIso() }, signal: {} };
}

export function HotlineIntake() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const appealType = meta.type('hotline_appeal');
  const signalType = meta.type('signal');
  const [appeal, setAppeal] = useState<Record<string, unknown>>(fresh().appeal);
  const [signal, setSignal] = useState<Record<string, unknown>>({});
  const [withSignal, setWithSignal] = useState(true);
  const [names, setNames] = useState({ last_name: '', first_name: '', patronymic: '' });
  const [error, setError] = useState<{ on: 'appeal' | 'signal'; error: unknown } | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<{ appeal: number; signal?: number; referredTo?: string; referFailed?: boolean } | undefined>(undefined);
  const agencies = useAgencies();
  const [signalId, setSignalId] = useState<number | undefined>(undefined);
  const [matches, setMatches] = useState<{ candidates: LinkageCandidate[]; took_ms?: number; known_elsewhere?: number } | undefined>(undefined);
  const first = useRef<HTMLDivElement>(null);
  const mayRefer = meta.may('signal', 'create');
  const narrow = useMedia('(max-width: 60rem)');
  const inline = narrow && mayRefer && withSignal;
  // Keyboard first: the first field is focused when the page opens (after the layout has moved
  // focus to the heading, which it does after an in-app navigation).
  useEffect(() => {
    const timer = window.setTimeout(() => first.current?.querySelector<HTMLElement>('select, input')?.focus(), 0);
    return () => window.clearTimeout(timer);
  }, []);

  // Possible matches while typing: debounced, latest answer wins, 404 = not deployed = nothing.
  const seq = useRef(0);
  const linkage = useRef<'unknown' | 'absent'>('unknown');
  const q = linkageQuery({
    ...names,
    birth: typeof signal.person_birth === 'string' ? signal.person_birth : undefined,
    sex: typeof signal.person_sex === 'string' && signal.person_sex !== 'unknown' ? signal.person_sex : undefined,
    citizenship: typeof signal.person_citizenship === 'string' ? signal.person_citizenship : undefined,
    phone: typeof signal.contact_phone === 'string' ? signal.contact_phone : undefined,
  });
  const qKey = JSON.stringify(q ?? null);
  useEffect(() => {
    if (!q || linkage.current === 'absent' || !withSignal) {
      setMatches(undefined);
      return;
    }
    const mine = ++seq.current;
    const timer = window.setTimeout(async () => {
      try {
        const r = await api.request<{ candidates: LinkageCandidate[]; took_ms?: number; known_elsewhere?: number }>('POST', '/linkage/search', q);
        if (mine === seq.current)
          setMatches({
            candidates: Array.isArray(r?.candidates) ? r.candidates : [],
            took_ms: r?.took_ms,
            known_elsewhere: typeof r?.known_elsewhere === 'number' ? r.known_elsewhere : 0,
          });
      } catch (e) {
        // Not deployed (404) or not for this role (403): stop asking; other failures are retried.
        if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 405 || e.status === 501)) linkage.current = 'absent';
        if (mine === seq.current) setMatches(undefined);
      }
    }, 150);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [qKey, withSignal]);

  if (!appealType || !signalType) return <Page title={t('hotline.title')}>{null}</Page>;

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setError(undefined);
    setSaved(undefined);
    let sid = signalId;
    let signalVersion: number | undefined;
    let referredTo: string | undefined;
    let referFailed = false;
    try {
      if (withSignal && mayRefer && sid === undefined) {
        const personName = [names.last_name, names.first_name, names.patronymic].map((s) => s.trim()).filter(Boolean).join(' ');
        const line = typeof appeal.line === 'string' ? appeal.line : undefined;
        const body: Record<string, unknown> = {
          ...signal,
          received_at: appeal.received_at,
          source: line && meta.listValues('signal_source').some((v) => v.code === line) ? line : 'other',
          channel: 'phone',
        };
        if (personName) body.person_name = personName;
        try {
          const created = await records.create('signal', body);
          sid = created.id;
          setSignalId(sid);
          signalVersion = created.version;
        } catch (e) {
          setError({ on: 'signal', error: e });
          return;
        }
      }
      // Routed to the special police with the unit picked: the signal is referred to it now (the
      // 24-hour deadline met at intake), not in a second step on the record.
      const routedTo = typeof appeal.routed_to === 'string' ? appeal.routed_to : '';
      if (sid !== undefined && signalVersion !== undefined && refersAtIntake(appeal, routedTo)) {
        try {
          await records.transition('signal', sid, signalVersion, 'refer', { referred_at: nowIso(), referred_to: routedTo });
          referredTo = routedTo;
        } catch {
          referFailed = true;  // the appeal is still saved; the signal waits for its referral (a task)
        }
      }
      try {
        const body = { ...appeal };
        if (sid !== undefined) body.signal = sid;
        for (const k of Object.keys(body)) if (body[k] === undefined || body[k] === '') delete body[k];
        const a = await records.create('hotline_appeal', body);
        setSaved({ appeal: a.id, signal: sid, referredTo, referFailed });
        const f = fresh();
        setAppeal(f.appeal);
        setSignal({});
        setNames({ last_name: '', first_name: '', patronymic: '' });
        setSignalId(undefined);
        setMatches(undefined);
        first.current?.querySelector<HTMLElement>('select, input')?.focus();
      } catch (e) {
        setError({ on: 'appeal', error: e });
      }
    } finally {
      setSaving(false);
    }
  };

  const field = (td: typeof appealType, name: string, values: Record<string, unknown>, set: (v: Record<string, unknown>) => void, on: 'appeal' | 'signal', prefix: string) => {
    const f = td.fields.find((x) => x.name === name) as FieldDef | undefined;
    if (!f) return null;
    if (!isVisible(f, values)) return null;
    return (
      <FieldInput
        key={name}
        recordType={td.name}
        field={f}
        meta={meta}
        value={values[name]}
        required={isRequired(f, values) || (on === 'signal' && name === 'summary')}
        errors={error?.on === on ? fieldErrors(error.error, name, t) : []}
        idPrefix={prefix}
        onChange={(v) => {
          const next = { ...values };
          if (v === undefined) delete next[name];
          else next[name] = v;
          set(next);
        }}
      />
    );
  };
  const personField = (name: 'last_name' | 'first_name' | 'patronymic') => {
    const f = meta.type('person')?.fields.find((x) => x.name === name);
    return (
      <div class="field" key={name}>
        <label for={`p-${name}`}>
          {label(f?.label, lang) || name}
          <span class="badge badge-identity">{t('form.identity')}</span>
        </label>
        <input
          id={`p-${name}`}
          type="text"
          autoComplete="off"
          value={names[name]}
          onInput={(e) => setNames({ ...names, [name]: (e.currentTarget as HTMLInputElement).value })}
        />
      </div>
    );
  };
  // Possible matches: beside the form on a wide screen; on a narrow one (the columns stacked)
  // right under the name fields, where the operator is typing, not below the whole form.
  const matchesContent = (
    <>
            <h2 id="matches-h">{t('hotline.matches')}</h2>
            {!matches && <p class="muted">{t('hotline.matches_hint')}</p>}
            {matches && matches.candidates.length === 0 && !matches.known_elsewhere && <p>{t('hotline.no_matches')}</p>}
            {matches && (matches.known_elsewhere ?? 0) > 0 && (
              // Persons known only to agencies whose records this user may not open: a count, nothing more.
              <p data-testid="known-elsewhere">{t('hotline.known_elsewhere', { n: matches.known_elsewhere ?? 0 })}</p>
            )}
            {matches && matches.candidates.length > 0 && (
              <ol class="match-list" data-testid="matches">
                {matches.candidates.map((c) => (
                  <li key={c.person_id} class="card">
                    <h3>
                      {/* A person id is the id of the person's first registration (a person or a signal record), not always a person record. */}
                      {t('hotline.person_n', { id: c.person_id })}{' '}
                      <span class={c.band === 'link' ? 'badge badge-overdue' : 'badge badge-identity'}>
                        {c.band === 'link' ? t('hotline.band_link') : t('hotline.band_review')}
                      </span>
                    </h3>
                    <p class="small">{t('hotline.probability', { p: formatNumber(Math.round(c.probability * 100), lang) })}</p>
                    {c.agreements?.length > 0 && (
                      <p class="small muted">
                        {c.agreements
                          .filter((a) => a.level !== 'missing')  // only what was compared
                          .map((a) => {
                            const name = a.field === 'document' ? 'document_number' : a.field;
                            return `${label(meta.type('person')?.fields.find((f) => f.name === name)?.label, lang) || a.field}: ${levelText(a.level, t)}`;
                          })
                          .join('; ')}
                      </p>
                    )}
                    <ul class="link-list">
                      {(c.registrations ?? []).map((r) => (
                        <li key={`${r.type}/${r.id}`}>
                          <a href={`/records/${r.type}/${r.id}`} onClick={onLinkClick}>
                            {label(meta.type(r.type)?.label, lang) || r.type}: {r.title ?? `№ ${r.id}`}
                          </a>
                        </li>
                      ))}
                    </ul>
                    {c.hidden_registrations > 0 && <p class="small muted">{t('hotline.hidden', { n: c.hidden_registrations })}</p>}
                    {withSignal && personRecord(c) !== undefined && (
                      <button type="button" class="link-button" onClick={() => setSignal({ ...signal, person: personRecord(c) })}>
                        {t('hotline.use_person')}
                      </button>
                    )}
                  </li>
                ))}
              </ol>
            )}
            {typeof signal.person === 'number' && (
              <p>
                {t('hotline.linked_person', { id: signal.person })}{' '}
                <button type="button" class="link-button" onClick={() => { const s = { ...signal }; delete s.person; setSignal(s); }}>
                  {t('form.ref_clear')}
                </button>
              </p>
            )}
    </>
  );
  const errs = error ? otherErrors(error.error, (error.on === 'appeal' ? appealType : signalType).fields) : [];

  return (
    <Page title={t('hotline.title')}>
      <p class="muted">
        {t('hotline.intro')} <span class="kbd">Ctrl</span>+<span class="kbd">Enter</span>
      </p>
      {saved && (
        <Alert kind="success">
          <p data-testid="intake-saved">
            {t('hotline.saved')}{' '}
            <a href={`/records/hotline_appeal/${saved.appeal}`} onClick={onLinkClick} data-testid="saved-appeal">
              {t('hotline.appeal_n', { id: saved.appeal })}
            </a>
            {saved.signal !== undefined && (
              <>
                {' · '}
                <a href={`/records/signal/${saved.signal}`} onClick={onLinkClick} data-testid="saved-signal">
                  {t('hotline.signal_n', { id: saved.signal })}
                </a>
              </>
            )}
          </p>
          {saved.referredTo && <p data-testid="saved-referred">{t('hotline.referred_to', { agency: saved.referredTo })}</p>}
          {saved.referFailed && <p data-testid="saved-refer-failed">{t('hotline.refer_failed')}</p>}
        </Alert>
      )}
      {error && (
        <Alert kind="error">
          <p>{error.on === 'signal' ? t('hotline.signal_failed') : t('hotline.appeal_failed')}</p>
          {!(error.error instanceof ApiError && error.error.errors.length) && <p>{error.error instanceof Error ? error.error.message : ''}</p>}
          {errs.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </Alert>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void save();
          }
        }}
      >
        <div class="two-col">
          <div>
            <section class="panel" aria-labelledby="call-h" ref={first}>
              <h2 id="call-h">{t('hotline.call')}</h2>
              <div class="record-form">
                {APPEAL_FIELDS.map((n) => field(appealType, n, appeal, setAppeal, 'appeal', 'h'))}
                {typeof appeal.routed_to_agency_type === 'string' && (
                  <RoutedTo
                    agencies={agencies.filter((a) => a.active && a.type === appeal.routed_to_agency_type)}
                    value={typeof appeal.routed_to === 'string' ? appeal.routed_to : ''}
                    refers={mayRefer && withSignal && meta.mayPermission('signal.refer') && appeal.routed_to_agency_type === 'special_police'}
                    onChange={(v) => setAppeal({ ...appeal, routed_to: v || undefined })}
                  />
                )}
              </div>
            </section>
            {mayRefer && (
              <section class="panel" aria-labelledby="sig-h">
                <h2 id="sig-h">{t('hotline.about_person')}</h2>
                <label class="check field">
                  <input type="checkbox" id="with-signal" checked={withSignal} onChange={(e) => setWithSignal((e.currentTarget as HTMLInputElement).checked)} />{' '}
                  {t('hotline.with_signal')}
                </label>
                {withSignal && (
                  <div class="record-form">
                    {personField('last_name')}
                    {personField('first_name')}
                    {personField('patronymic')}
                    {inline && (
                      <div class="panel matches matches-inline" role="region" aria-labelledby="matches-h" aria-live="polite">
                        {matchesContent}
                      </div>
                    )}
                    {SIGNAL_FIELDS.map((n) => field(signalType, n, signal, setSignal, 'signal', 's'))}
                  </div>
                )}
              </section>
            )}
            <div class="actions">
              <button type="submit" class="button" disabled={saving}>
                {saving ? t('form.saving') : t('hotline.save')}
              </button>
              <span class="muted small">{t('form.ctrl_enter')}</span>
            </div>
          </div>
          {!inline && (
            <aside class="panel matches" aria-labelledby="matches-h" aria-live="polite">
              {matchesContent}
            </aside>
          )}
        </div>
      </form>
    </Page>
  );
}

/** Whether saving the intake also refers its new signal: routed to the special police, a unit picked. */
export function refersAtIntake(appeal: Record<string, unknown>, routedTo: string): boolean {
  return appeal.routed_to_agency_type === 'special_police' && routedTo.trim() !== '';
}

/** The agency the call was routed to, picked from the agencies of the chosen type (or typed when there are none). */
function RoutedTo({ agencies, value, refers, onChange }: { agencies: { id: number; name: string; region: string }[]; value: string; refers: boolean; onChange: (v: string) => void }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  return (
    <div class="field">
      <label for="h-routed_to">{t('hotline.routed_to')}</label>
      {agencies.length > 0 ? (
        <select id="h-routed_to" value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)} aria-describedby="h-routed_to-hint">
          <option value="">{t('hotline.routed_to_choose')}</option>
          {agencies.map((a) => (
            <option key={a.id} value={a.name}>
              {agencyLabel(a, (c) => meta.valueLabel('region', c, lang))}
            </option>
          ))}
        </select>
      ) : (
        <input id="h-routed_to" type="text" maxLength={200} value={value} onInput={(e) => onChange((e.currentTarget as HTMLInputElement).value)} aria-describedby="h-routed_to-hint" />
      )}
      <p class="hint small" id="h-routed_to-hint">{refers ? t('hotline.routed_to_refers') : t('hotline.routed_to_hint')}</p>
    </div>
  );
}
