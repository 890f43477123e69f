// Facility occupancy board: each facility within reach with its capacity and the placements
// now in state "admitted" there (a count per facility), and a link to place someone. Empty for a
// user whose roles read facilities only within their agency's reach (a case worker without the
// facility directory role): it says which role an administrator must give (src/facilityDirectory.ts).
import { records, type RecordBody } from '../api';
import { facilityDirectoryHint } from '../facilityDirectory';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { ValueView } from '../components/ValueView';
import { formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { label } from '../meta';
import { onLinkClick } from '../router';
import { useLoad, useSession } from '../session';

export function Facilities() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const td = meta.type('facility');
  const board = useLoad(async () => {
    const list = await records.list('facility', { limit: 100, sort: 'name' }).catch(() => records.list('facility', { limit: 100 }));
    const canCount = meta.may('placement', 'read');
    const counts = await Promise.all(
      list.items.map((f) =>
        canCount
          ? records.list('placement', { facility: f.id, state: 'admitted', count: true, limit: 1 }).then((r) => r.total ?? 0).catch(() => undefined)
          : Promise.resolve(undefined),
      ),
    );
    return list.items.map((f, i) => ({ f, occupied: counts[i] }));
  }, []);
  if (!td) return <Page title={t('facilities.title')}>{null}</Page>;
  const kind = td.fields.find((x) => x.name === 'facility_kind')!;
  const takes = td.fields.find((x) => x.name === 'takes')!;
  return (
    <Page title={t('facilities.title')}>
      {meta.may('facility', 'create') && (
        <div class="toolbar">
          <a class="button" href="/records/facility/new" onClick={onLinkClick}>{t('list.new_of', { type: label(td.label, lang) })}</a>
        </div>
      )}
      {board.loading && <Loading />}
      <ErrorAlert error={board.error} />
      {board.data && board.data.length === 0 && <p>{t('list.empty')}</p>}
      {board.data && facilityDirectoryHint(meta, board.data.length === 0) && (
        <p class="hint-note" data-testid="facility-directory-hint">
          {t('facilities.directory_hint')}
        </p>
      )}
      <ul class="cards" data-testid="facilities">
        {(board.data ?? []).map(({ f, occupied }: { f: RecordBody; occupied: number | undefined }) => {
          const capacity = typeof f.data.capacity === 'number' ? f.data.capacity : undefined;
          const free = capacity !== undefined && occupied !== undefined ? capacity - occupied : undefined;
          const share = capacity && occupied !== undefined ? Math.min(100, Math.round((occupied / capacity) * 100)) : 0;
          return (
            <li key={f.id} class="card" data-facility={f.id}>
              <h3>
                <a href={`/records/facility/${f.id}`} onClick={onLinkClick}>{String(f.data.name ?? `№ ${f.id}`)}</a>
              </h3>
              <p class="small muted">
                <ValueView meta={meta} field={kind} value={f.data.facility_kind} />
                {typeof f.data.region === 'string' ? ` · ${meta.valueLabel('region', f.data.region, lang)}` : ''}
              </p>
              {capacity !== undefined && occupied !== undefined && (
                <>
                  <div class={share >= 100 ? 'meter full' : 'meter'} role="img" aria-label={t('facilities.occupancy', { n: formatNumber(occupied, lang), of: formatNumber(capacity, lang) })}>
                    <span style={{ width: `${share}%` }} />
                  </div>
                  <p data-testid="occupancy">
                    {t('facilities.occupancy', { n: formatNumber(occupied, lang), of: formatNumber(capacity, lang) })}
                    {free !== undefined && (free > 0 ? ` · ${t('facilities.free', { n: formatNumber(free, lang) })}` : ` · ${t('facilities.full')}`)}
                  </p>
                </>
              )}
              {capacity === undefined && occupied !== undefined && <p>{t('facilities.placed', { n: formatNumber(occupied, lang) })}</p>}
              {f.data.takes !== undefined && (
                <p class="small">
                  <ValueView meta={meta} field={takes} value={f.data.takes} />
                </p>
              )}
              {meta.may('placement', 'create') && (
                <a class="small" href={`/records/placement/new?facility=${f.id}`} onClick={onLinkClick}>{t('facilities.place')}</a>
              )}
            </li>
          );
        })}
      </ul>
    </Page>
  );
}
