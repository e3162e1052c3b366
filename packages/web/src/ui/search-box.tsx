import { useEffect, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { searchUrl, searchTab } from '../logic/search.js';

/** The top bar's search box: Enter opens /search?q=…, on the tab shown (People by default). */
export function SearchBox() {
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const onSearch = location.pathname === '/search';
  const [text, setText] = useState(onSearch ? (params.get('q') ?? '') : '');
  useEffect(() => {
    if (onSearch) setText(params.get('q') ?? '');
  }, [onSearch, params]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const url = searchUrl(text, onSearch ? searchTab(params.get('type')) : 'people');
    if (url) void navigate(url);
  }

  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor="top-search" className="visually-hidden">
        Search people and statuses
      </label>
      <input
        id="top-search"
        type="search"
        placeholder="Search"
        value={text}
        maxLength={200}
        onChange={(e) => setText(e.target.value)}
      />
    </form>
  );
}
