import { useInfiniteQuery } from '@tanstack/react-query';
import { useRef, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router';
import { searchTab, type SearchTab } from '../logic/search.js';
import { InfiniteList } from './infinite-list.js';
import { PersonRow } from './person-row.js';
import { useServices } from './services.js';
import { StatusSearchResults } from './status-search-results.js';

const TABS: readonly { id: SearchTab; label: string }[] = [
  { id: 'people', label: 'People' },
  { id: 'statuses', label: 'Statuses' },
];

function PeopleResults({ q }: { q: string }) {
  const { api } = useServices();
  const query = useInfiniteQuery({
    queryKey: ['search-people', q],
    queryFn: ({ pageParam }) => api.searchPeople(q, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    select: (data) => ({
      ...data,
      pages: data.pages.map((p) => ({ ...p, items: p.items.map((u) => ({ ...u, id: u.alias })) })),
    }),
  });
  return (
    <InfiniteList
      query={query}
      label="People"
      what="people"
      empty={`No one matches “${q}”.`}
      render={(p) => <PersonRow person={p} />}
    />
  );
}

/** /search?q=…&type=people|statuses: the results of the top bar's search box, in two tabs. */
export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const tab = searchTab(params.get('type'));
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});

  function select(id: SearchTab) {
    setParams({ q, type: id }, { replace: true });
    refs.current[id]?.focus();
  }
  // Arrow keys move between the tabs (the WAI-ARIA tabs pattern).
  function onKey(e: KeyboardEvent) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const i = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    if (next) select(next.id);
  }

  if (!q) {
    return (
      <section className="card">
        <h1>Search</h1>
        <p>Type a name, an @alias or words in the search box at the top.</p>
      </section>
    );
  }
  return (
    <>
      <h1>Search: {q}</h1>
      <div role="tablist" aria-label="Search results" className="tabs" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => select(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'people' ? <PeopleResults q={q} /> : <StatusSearchResults q={q} />}
      </div>
    </>
  );
}
