// A record list's saved filters (src/savedFilters.ts): links to the list with each one's query,
// a delete button each, and a form that saves the list's current query under a typed name. Kept
// in this browser's storage under the signed-in user's id and the type (never another user's).
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/context';
import { currentQuery } from '../router';
import {
  addSavedFilter,
  dropsNameSearch,
  filterQuery,
  isCurrentFilter,
  loadSavedFilters,
  MAX_FILTER_NAME,
  MAX_SAVED_FILTERS,
  normalName,
  removeSavedFilter,
  savedFilterHref,
  storeSavedFilters,
  type AddRefusal,
  type SavedFilter,
  type StorageLike,
} from '../savedFilters';

function browserStorage(): StorageLike | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled by policy
  }
}

interface Props {
  type: string;
  userId: number;
  /** Opens the list at an address (the list resets its paging first). */
  onOpen: (href: string) => void;
}

export function SavedFilters({ type, userId, onOpen }: Props) {
  const { t } = useI18n();
  const [items, setItems] = useState<SavedFilter[]>([]);
  const [corrupt, setCorrupt] = useState(false);
  const [name, setName] = useState('');
  const [refusal, setRefusal] = useState<AddRefusal | 'storage' | undefined>(undefined);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    const loaded = loadSavedFilters(browserStorage(), userId, type);
    setItems(loaded.items);
    setCorrupt(loaded.corrupt);
    setName('');
    setRefusal(undefined);
    setNotice('');
  }, [type, userId]);

  const query = currentQuery();
  const refusalText =
    refusal === 'name_empty'
      ? t('saved.name_empty')
      : refusal === 'name_long'
        ? t('saved.name_long', { max: MAX_FILTER_NAME })
        : refusal === 'nothing'
          ? t('saved.nothing')
          : refusal === 'full'
            ? t('saved.full', { max: MAX_SAVED_FILTERS })
            : refusal === 'storage'
              ? t('saved.storage_failed')
              : '';

  const save = () => {
    setNotice('');
    const r = addSavedFilter(items, name, filterQuery(currentQuery()));
    if ('error' in r) {
      setRefusal(r.error);
      document.getElementById('saved-name')?.focus();
      return;
    }
    if (!storeSavedFilters(browserStorage(), userId, type, r.items)) {
      setRefusal('storage');
      return;
    }
    const shown = normalName(name);
    setItems(r.items);
    setCorrupt(false);
    setRefusal(undefined);
    setName('');
    setNotice(
      (r.replaced ? t('saved.replaced', { name: shown }) : t('saved.saved', { name: shown })) +
        (dropsNameSearch(currentQuery()) ? ` ${t('saved.no_name_search')}` : ''),
    );
  };

  const remove = (f: SavedFilter) => {
    const next = removeSavedFilter(items, f.name);
    if (!storeSavedFilters(browserStorage(), userId, type, next)) {
      setRefusal('storage');
      return;
    }
    setItems(next);
    setRefusal(undefined);
    setNotice(t('saved.deleted', { name: f.name }));
    // The focus stays in the section: on the name field (the button it was on is gone).
    document.getElementById('saved-name')?.focus();
  };

  return (
    <section class="saved-filters panel" aria-labelledby="saved-filters-h" data-testid="saved-filters">
      <h2 id="saved-filters-h">{t('saved.title')}</h2>
      {items.length === 0 ? (
        <p class="muted small">{t('saved.none')}</p>
      ) : (
        <ul class="saved-list">
          {items.map((f) => (
            <li key={f.name} data-saved={f.name}>
              <a
                href={savedFilterHref(type, f.query)}
                aria-current={isCurrentFilter(f, query) ? 'true' : undefined}
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  setNotice('');
                  onOpen(savedFilterHref(type, f.query));
                }}
              >
                {f.name}
              </a>
              <button type="button" class="link-button small" data-action="delete-saved" aria-label={t('saved.delete_label', { name: f.name })} onClick={() => remove(f)}>
                {t('saved.delete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {corrupt && <p class="muted small" data-testid="saved-corrupt">{t('saved.corrupt')}</p>}
      <form
        class="saved-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <div class={refusal ? 'field field-invalid' : 'field'}>
          <label for="saved-name">{t('saved.name')}</label>
          {refusal && (
            <p class="field-error" id="saved-name-error">
              {refusalText}
            </p>
          )}
          <input
            id="saved-name"
            type="text"
            autoComplete="off"
            maxLength={MAX_FILTER_NAME * 2}
            value={name}
            aria-invalid={refusal ? true : undefined}
            aria-describedby={refusal ? 'saved-name-error saved-filters-hint' : 'saved-filters-hint'}
            onInput={(e) => {
              setName((e.currentTarget as HTMLInputElement).value);
              if (refusal === 'name_empty' || refusal === 'name_long') setRefusal(undefined);
            }}
          />
        </div>
        <button type="submit" class="button button-plain" data-action="save-filter">
          {t('saved.save')}
        </button>
      </form>
      <p class="muted small" id="saved-filters-hint">
        {t('saved.hint')}
      </p>
      <p class="small" role="status" data-testid="saved-status">
        {notice}
      </p>
    </section>
  );
}
