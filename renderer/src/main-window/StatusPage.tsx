// Ingestion status: every worker (state, restarts, done/failed, last error) and every queue
// (ready, delayed, in flight, dead), refreshed every two seconds; pause and resume ingestion.
import { useEffect, useState } from 'react';
import type { SettingsDto } from '../../../shared/api.js';
import type { TopologyStatusDto } from '../../../shared/topology.js';
import { api, errorMessage } from '../api/index.js';
import { formatDateTime } from '../format.js';

export function StatusPage() {
  const [status, setStatus] = useState<TopologyStatusDto | null>(null);
  const [settings, setSettings] = useState<SettingsDto | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = () => {
      void api()
        .status()
        .then(
          (s) => live && setStatus(s),
          (e) => live && setError(errorMessage(e)),
        );
    };
    load();
    void api().settings().then(setSettings);
    const t = setInterval(load, 2000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);

  const togglePause = async () => {
    try {
      await api().setIngestPaused({ paused: !settings?.ingestPaused });
      setSettings(await api().settings());
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section aria-labelledby="status-h" className="page">
      <h2 id="status-h">Ingestion status</h2>
      <div className="row">
        <button type="button" onClick={() => void togglePause()}>
          {settings?.ingestPaused ? 'Resume ingestion' : 'Pause ingestion'}
        </button>
        <span className="muted">{status ? `as of ${formatDateTime(status.at)}` : 'loading…'}</span>
      </div>
      {error && <p role="alert">{error}</p>}
      {status && status.problems.length > 0 && (
        <ul className="problems" aria-label="Problems">
          {status.problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      <h3>Workers</h3>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">Worker</th>
            <th scope="col">State</th>
            <th scope="col">Restarts</th>
            <th scope="col">Done</th>
            <th scope="col">Failed</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {status?.workers.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No workers reported.
              </td>
            </tr>
          )}
          {status?.workers.map((w) => (
            <tr key={`${w.host}/${w.worker}/${w.replica}`} className={w.stale ? 'stale' : ''}>
              <td>{w.host}</td>
              <td>
                {w.worker}#{w.replica}
              </td>
              <td>
                {w.state}
                {w.stale ? ' (stale)' : ''}
              </td>
              <td>{w.restarts}</td>
              <td>{w.done}</td>
              <td>{w.failed}</td>
              <td>{w.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Queues</h3>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Backend</th>
            <th scope="col">Ready</th>
            <th scope="col">Delayed</th>
            <th scope="col">In flight</th>
            <th scope="col">Dead</th>
          </tr>
        </thead>
        <tbody>
          {status?.queues.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No queues configured.
              </td>
            </tr>
          )}
          {status?.queues.map((q) => (
            <tr key={q.queue}>
              <td>{q.queue}</td>
              <td>{q.backend}</td>
              <td>{q.ready}</td>
              <td>{q.delayed}</td>
              <td>{q.inflight}</td>
              <td>{q.dead}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
