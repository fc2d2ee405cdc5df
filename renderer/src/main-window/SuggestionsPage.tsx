// Suggested contacts: addresses mail imports saw under a header whose capture action is
// `suggest` (config.yml `email.headers`), most seen first, each with Accept (it becomes a
// contact, an email account with its names) and Dismiss (never suggested again).
import { useCallback, useEffect, useState } from 'react';
import type { SuggestionDto } from '../../../shared/suggestions.js';
import { api, errorMessage } from '../api/index.js';
import { formatDate } from '../format.js';

export function SuggestionsPage() {
  const [list, setList] = useState<SuggestionDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setList(await api().suggestions());
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (s: SuggestionDto, action: 'accept' | 'dismiss') => {
    try {
      if (action === 'accept') await api().acceptSuggestion({ address: s.address });
      else await api().dismissSuggestion({ address: s.address });
      setDone(action === 'accept' ? `${s.address} is a contact now.` : `${s.address} will not be suggested again.`);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
    await load();
  };

  return (
    <section aria-labelledby="suggestions-h" className="page">
      <h2 id="suggestions-h">Suggested contacts</h2>
      <p className="muted">
        Addresses seen in mail under a header set to <code>suggest</code> in config.yml (<code>email.headers</code>).
      </p>
      {error && <p role="alert">{error}</p>}
      {done && <p role="status">{done}</p>}
      <table className="grid" aria-label="Pending suggestions">
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Names</th>
            <th scope="col">Messages</th>
            <th scope="col">Seen</th>
            <th scope="col">Source</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list === null && (
            <tr>
              <td colSpan={6} className="muted">
                loading…
              </td>
            </tr>
          )}
          {list?.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No pending suggestions.
              </td>
            </tr>
          )}
          {list?.map((s) => (
            <tr key={s.address} data-testid="suggestion" data-address={s.address}>
              <td>{s.address}</td>
              <td>{s.names.join(', ')}</td>
              <td>{s.count}</td>
              <td>{s.firstSeen && s.lastSeen ? `${formatDate(s.firstSeen)} – ${formatDate(s.lastSeen)}` : ''}</td>
              <td className="muted">{s.source}</td>
              <td>
                <div className="row">
                  <button type="button" aria-label={`Accept ${s.address}`} onClick={() => void act(s, 'accept')}>
                    Accept
                  </button>
                  <button type="button" aria-label={`Dismiss ${s.address}`} onClick={() => void act(s, 'dismiss')}>
                    Dismiss
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
