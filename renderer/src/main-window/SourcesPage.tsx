// Sources: the live sources of config.yml (added, changed and removed here: ./sources/), the
// importers Skrode knows, importing a file or folder (a path on the machine Skrode runs on) with
// a progress bar, the imports of this session with their problems, and everything else the
// config sets up.
import { useEffect, useState } from 'react';
import type { ConfigurationDto, ImportJobDto, ImporterDto } from '../../../shared/api.js';
import { api, errorMessage } from '../api/index.js';
import { progressPercent } from '../format.js';
import { ConfiguredSources } from './sources/ConfiguredSources.js';

function JobRow({ job }: { job: ImportJobDto }) {
  const pct = progressPercent(job.done, job.total);
  const label = `Import of ${job.path}`;
  return (
    <li className={`job ${job.state}`} data-testid="import-job" data-state={job.state}>
      <div className="row">
        <strong>{job.path}</strong>
        <span className="muted">{job.importer}</span>
        <span className="badge">{job.state}</span>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={job.state === 'done' ? 100 : (pct ?? undefined)}
        aria-valuetext={pct === null && job.state === 'running' ? `${job.done} ${job.unit} so far` : undefined}
      >
        <div className="progress-fill" style={{ width: `${job.state === 'done' ? 100 : (pct ?? 5)}%` }} />
      </div>
      <p className="muted">
        {job.observations} observations · {job.problemCount} problem{job.problemCount === 1 ? '' : 's'}
        {job.error ? ` · ${job.error}` : ''}
      </p>
      {job.problems.length > 0 && (
        <details>
          <summary>Problems</summary>
          <ul>
            {job.problems.map((p, i) => (
              <li key={i}>
                {p.file}
                {p.record ? `: ${p.record}` : ''}: {p.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

export function SourcesPage() {
  const [importers, setImporters] = useState<ImporterDto[]>([]);
  const [jobs, setJobs] = useState<ImportJobDto[]>([]);
  const [path, setPath] = useState('');
  const [as, setAs] = useState('');
  const [error, setError] = useState<string | null>(null);

  const [config, setConfig] = useState<ConfigurationDto | null>(null);

  const loadConfiguration = () => void api().configuration().then(setConfig, (e) => setError(errorMessage(e)));
  useEffect(() => {
    void api().importers().then(setImporters, (e) => setError(errorMessage(e)));
    loadConfiguration();
    void api().importJobs().then(setJobs);
  }, []);

  const running = jobs.some((j) => j.state === 'running');
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => {
      void api().importJobs().then(setJobs);
    }, 250);
    return () => clearInterval(t);
  }, [running]);

  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const job = await api().startImport({ path, ...(as ? { as } : {}) });
      setJobs((js) => [job, ...js.filter((j) => j.id !== job.id)]);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section aria-labelledby="sources-h" className="page">
      <h2 id="sources-h">Sources and import</h2>
      <ConfiguredSources onChanged={loadConfiguration} />
      <h3>Import a file</h3>
      <form className="filters" onSubmit={(e) => void start(e)}>
        <div className="field wide">
          <label htmlFor="import-path">File or folder to import</label>
          <input id="import-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/twitter-archive.zip" />
        </div>
        <div className="field">
          <label htmlFor="import-as">Format</label>
          <select id="import-as" value={as} onChange={(e) => setAs(e.target.value)}>
            <option value="">detect</option>
            {importers.map((i) => (
              <option key={i.name} value={i.name}>
                {i.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={path.trim() === ''}>
          Import
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      <h3>Imports</h3>
      {jobs.length === 0 && <p className="muted">No imports yet in this session.</p>}
      <ul className="jobs">
        {jobs.map((j) => (
          <JobRow key={j.id} job={j} />
        ))}
      </ul>
      <h3>Formats Skrode can import</h3>
      <ul className="importers">
        {importers.map((i) => (
          <li key={i.name}>
            <strong>{i.name}</strong> <span className="muted">{i.description}</span>
          </li>
        ))}
      </ul>
      <h3>Everything config.yml sets up</h3>
      <p className="muted" data-testid="config-file">
        {config === null
          ? 'loading…'
          : config.file
            ? `Read from ${config.file}.`
            : 'No config.yml: Skrode runs on its built-in single-user defaults.'}{' '}
        Sources are added above; queues, the store and workers of your own are set up in the file itself and run by the ingestion topology.
      </p>
      {config?.error && <p role="alert">config.yml: {config.error}</p>}
      {config && config.entries.length > 0 && (
        <table className="grid" aria-label="Configured values">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Kind</th>
              <th scope="col">Settings (secrets hidden)</th>
            </tr>
          </thead>
          <tbody>
            {config.entries.map((e) => (
              <tr key={e.keyPath}>
                <td>{e.keyPath}</td>
                <td>!{e.tag}</td>
                <td>
                  <code>{JSON.stringify(e.value)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
