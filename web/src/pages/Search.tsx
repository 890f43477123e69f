// The search over every register the user may read (the header's box leads here): the records
// whose titles (names, numbers) have the words typed or words starting with them, and, for roles
// that read identities, persons by name. Hits are grouped by register; a register with more than
// the page shows links to its list filtered the same way.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorAlert, Page } from '../components/Page';
import { formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { label, titleText } from '../meta';
import { currentQuery, navigate, onLinkClick, useLocation } from '../router';
import { groupHits, hitHref, MAX_SEARCH, moreHref, searchHref, searchPath, searchRefusal, type SearchBody } from '../search';
import { useLoad, useSession } from '../session';

export function Search() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const location = useLocation();
  const q = (currentQuery().q ?? '').trim();
  const [text, setText] = useState(q);
  // A new search from the header's box while this page shows: the box here follows.
  useEffect(() => setText(q), [q]);

  const found = useLoad<SearchBody | undefined>(() => (q ? api.request<SearchBody>('GET', searchPath(q)) : Promise.resolve(undefined)), [location]);
  const refusal = searchRefusal(found.error, 'q');
  const typeLabel = (type: string) => label(meta.type(type)?.label, lang) || type;
  // While a new search runs, the last one's hits are not shown under its words.
  const groups = found.data && !found.loading ? groupHits(found.data.results, (a, b) => typeLabel(a).localeCompare(typeLabel(b), lang)) : [];
  const count = found.data?.results.length ?? 0;

  let status = '';
  if (q && found.loading) status = t('search.searching');
  else if (refusal === 'min_length') status = t('search.too_short');
  else if (refusal === 'max_length') status = t('search.too_long', { max: formatNumber(MAX_SEARCH, lang) });
  else if (found.data && count === 0) status = t('search.none', { q });
  else if (found.data) status = t('search.found', { n: formatNumber(count, lang) });

  return (
    <Page title={t('search.title')}>
      <form
        class="panel search-form"
        role="search"
        aria-label={t('search.title')}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(searchHref(text));
        }}
      >
        <div class={refusal ? 'field field-invalid' : 'field'}>
          <label for="search-q">{t('search.input')}</label>
          <p class="field-hint" id="search-q-hint">
            {t('search.hint')}
          </p>
          <div class="search-row">
            <input
              id="search-q"
              name="q"
              type="search"
              enterKeyHint="search"
              autoComplete="off"
              value={text}
              aria-describedby={refusal ? 'search-q-hint search-status' : 'search-q-hint'}
              aria-invalid={refusal ? true : undefined}
              onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
            />
            <button type="submit" class="button">
              {t('search.submit')}
            </button>
          </div>
        </div>
      </form>
      {/* One live region for what the search found (or why it did not run). */}
      <p id="search-status" class={refusal ? 'field-error search-status' : 'search-status'} aria-live="polite" data-testid="search-status" data-refusal={refusal}>
        {status}
      </p>
      {!refusal && <ErrorAlert error={found.error} />}
      {groups.length > 0 && (
        <div class="search-results" data-testid="search-results">
          {groups.map((g) => {
            const td = meta.type(g.type);
            const name = typeLabel(g.type);
            return (
              <section key={g.type} class="search-group" data-type={g.type} aria-labelledby={`search-type-${g.type}`}>
                <h2 id={`search-type-${g.type}`}>{name}</h2>
                <ul class="search-hits">
                  {g.hits.map((h) => {
                    const title = titleText(td, h.title, lang);
                    return (
                      <li key={h.id} data-hit={h.id} data-match={h.match}>
                        <a href={hitHref(h)} onClick={onLinkClick}>
                          {title || `№ ${h.id}`}
                        </a>
                        {title && <span class="muted"> (№ {h.id})</span>}
                        {h.match === 'name' && <span class="badge badge-match">{t('search.by_name')}</span>}
                      </li>
                    );
                  })}
                </ul>
                {g.more && (
                  <p class="search-more">
                    <a href={moreHref(g.type, q, g.more)} onClick={onLinkClick} data-more={g.type}>
                      {t('search.more', { type: name })}
                    </a>
                  </p>
                )}
              </section>
            );
          })}
        </div>
      )}
    </Page>
  );
}
