// Full-text post search with filters: person (found by name), service, date range, direct or
// public. Stale answers are dropped: only the latest search's results are shown.
import { useRef, useState } from 'react';
import type { PostDto, PostSearchQuery } from '../../../shared/api.js';
import { api, errorMessage } from '../api/index.js';
import { PostItem } from '../components/PostItem.js';
import { displayName } from '../format.js';

const SERVICES = ['', 'twitter', 'mastodon', 'bluesky', 'email', 'irc', 'slack', 'github', 'feed', 'hackernews', 'lobsters'];

export function SearchPage() {
  const [text, setText] = useState('');
  const [person, setPerson] = useState('');
  const [service, setService] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [direct, setDirect] = useState<'all' | 'direct' | 'public'>('all');
  const [results, setResults] = useState<PostDto[] | null>(null);
  const [who, setWho] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  const search = async (e?: React.FormEvent) => {
    e?.preventDefault();
    const mine = ++seq.current;
    try {
      const q: PostSearchQuery = { text, limit: 50 };
      let label: string | null = null;
      if (person.trim() !== '') {
        const [hit] = await api().lookup({ query: person, limit: 1 });
        if (!hit) {
          if (mine === seq.current) {
            setResults([]);
            setWho(null);
            setError(`Nobody matches “${person}”`);
          }
          return;
        }
        q.person = hit.person.id;
        label = displayName(hit.person);
      }
      if (service) q.service = service;
      if (from) q.from = from;
      if (to) q.to = to;
      if (direct !== 'all') q.direct = direct === 'direct';
      const found = await api().searchPosts(q);
      if (mine !== seq.current) return;
      setResults(found);
      setWho(label);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(errorMessage(err));
    }
  };

  return (
    <section aria-labelledby="search-h" className="page">
      <h2 id="search-h">Search posts</h2>
      <form className="filters" onSubmit={(e) => void search(e)} role="search">
        <div className="field wide">
          <label htmlFor="post-text">Words</label>
          <input id="post-text" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="allocator slides" />
        </div>
        <div className="field">
          <label htmlFor="post-person">Person</label>
          <input id="post-person" value={person} onChange={(e) => setPerson(e.target.value)} placeholder="name or @handle" />
        </div>
        <div className="field">
          <label htmlFor="post-service">Service</label>
          <select id="post-service" value={service} onChange={(e) => setService(e.target.value)}>
            {SERVICES.map((s) => (
              <option key={s} value={s}>
                {s === '' ? 'any' : s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="post-from">From</label>
          <input id="post-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="post-to">To</label>
          <input id="post-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="post-direct">Kind</label>
          <select id="post-direct" value={direct} onChange={(e) => setDirect(e.target.value as typeof direct)}>
            <option value="all">direct and public</option>
            <option value="direct">direct only</option>
            <option value="public">public only</option>
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      {error && <p role="alert">{error}</p>}
      <div role="status" aria-live="polite" data-testid="search-status">
        {results === null ? '' : `${results.length} post${results.length === 1 ? '' : 's'}${who ? ` by ${who}` : ''}`}
      </div>
      <ul className="posts" aria-label="Posts found">
        {results?.map((p) => (
          <PostItem key={p.externalId} post={p} />
        ))}
      </ul>
    </section>
  );
}
