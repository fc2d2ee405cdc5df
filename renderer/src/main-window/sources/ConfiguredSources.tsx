// The sources config.yml configures, with add / edit / remove. Kinds of source and their forms
// come from the main process (sourceTypes: the registered config tags); every change is written
// by it to config.yml, comments kept, and the running ingestion restarts to pick it up.
import { useCallback, useEffect, useState } from 'react';
import type { SecretsDto, SourceDto, SourcesDto, SourceTypeDto } from '../../../../shared/api.js';
import { api, errorMessage } from '../../api/index.js';
import { describeValue } from './form-values.js';
import { SourceForm } from './SourceForm.js';

type Editing = { type: SourceTypeDto; existing: SourceDto | null } | null;

const STATE_TEXT: Record<SecretsDto['secrets'][number]['state'], string> = {
  stored: 'stored in the keychain',
  'needs-reentry': 'stored, but it no longer decrypts: enter it again',
  environment: 'set in the environment',
  missing: 'not set anywhere yet',
};

function SourceRow(props: { source: SourceDto; type: SourceTypeDto | undefined; secrets: SecretsDto | null; onEdit: () => void; onRemoved: (message: string) => void; onError: (m: string) => void }) {
  const { source } = props;
  const [confirming, setConfirming] = useState(false);
  const remove = async () => {
    try {
      const r = await api().removeSource({ key: source.key, tag: source.tag });
      props.onRemoved(`Removed ${source.key} from ${r.file}. ${r.ingestion}`);
    } catch (e) {
      props.onError(errorMessage(e));
    }
  };
  const settings = Object.entries(source.values)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => {
      const label = props.type?.fields.find((f) => f.name === k)?.label ?? k;
      const secret = v !== null && typeof v === 'object' && !Array.isArray(v) && 'env' in v ? props.secrets?.secrets.find((s) => s.name === v.env) : undefined;
      return `${label}: ${describeValue(v)}${secret ? ` (${STATE_TEXT[secret.state]})` : ''}`;
    });
  return (
    <tr data-testid="source-row" data-key={source.key}>
      <th scope="row">{source.key}</th>
      <td>{source.label}</td>
      <td>
        <ul className="settings">
          {settings.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      </td>
      <td>{props.type?.worker ? (source.listed ? 'yes' : 'not in workers:') : 'used by workers'}</td>
      <td>
        {confirming ? (
          <div className="row" role="group" aria-label={`Remove ${source.key}?`}>
            <button type="button" onClick={() => void remove()} autoFocus>
              Yes, remove {source.key}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </div>
        ) : (
          <div className="row">
            <button type="button" onClick={props.onEdit} disabled={!props.type} aria-label={`Edit ${source.key}`}>
              Edit
            </button>
            <button type="button" onClick={() => setConfirming(true)} aria-label={`Remove ${source.key}`}>
              Remove
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

export function ConfiguredSources({ onChanged }: { onChanged?: () => void }) {
  const [types, setTypes] = useState<SourceTypeDto[]>([]);
  const [sources, setSources] = useState<SourcesDto | null>(null);
  const [secrets, setSecrets] = useState<SecretsDto | null>(null);
  const [kind, setKind] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const [s, sec] = await Promise.all([api().sources(), api().secrets()]);
    setSources(s);
    setSecrets(sec);
  }, []);

  useEffect(() => {
    void api()
      .sourceTypes()
      .then((t) => {
        setTypes(t);
        setKind((k) => k || (t[0]?.tag ?? ''));
      }, (e) => setError(errorMessage(e)));
    void refresh().catch((e) => setError(errorMessage(e)));
  }, [refresh]);

  // When the form closes or a row goes away, the keyboard carries on from the kind chooser.
  const refocus = () => requestAnimationFrame(() => document.getElementById('source-kind')?.focus());
  const done = (m: string) => {
    setEditing(null);
    setError(null);
    setMessage(m);
    void refresh();
    onChanged?.();
    refocus();
  };

  const typeOf = (tag: string) => types.find((t) => t.tag === tag);
  const list = sources?.sources ?? [];

  return (
    <section aria-labelledby="configured-h">
      <h3 id="configured-h">Sources in config.yml</h3>
      <p className="muted" data-testid="sources-file">
        {sources === null
          ? 'loading…'
          : sources.file
            ? `Written to ${sources.file}; your comments and layout there are kept.`
            : `No config.yml yet: adding a source creates ${sources.writeTo}.`}
      </p>
      {sources?.error && <p role="alert">config.yml: {sources.error}</p>}
      {secrets && !secrets.canStore && (
        <p className="muted" data-testid="secrets-note">
          Secrets (tokens, passwords): {secrets.reason}
        </p>
      )}
      {list.length > 0 ? (
        <table className="grid" aria-label="Sources">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Settings</th>
              <th scope="col">Runs</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <SourceRow
                key={s.key}
                source={s}
                type={typeOf(s.tag)}
                secrets={secrets}
                onEdit={() => {
                  const t = typeOf(s.tag);
                  if (t) setEditing({ type: t, existing: s });
                  setMessage('');
                }}
                onRemoved={done}
                onError={setError}
              />
            ))}
          </tbody>
        </table>
      ) : (
        sources && <p className="muted">No sources are configured yet.</p>
      )}
      {secrets && secrets.secrets.some((x) => x.state === 'stored' || x.state === 'needs-reentry') && (
        <>
          <h4 id="kept-secrets-h">Secrets kept in the keychain</h4>
          <ul className="settings" aria-labelledby="kept-secrets-h">
            {secrets.secrets
              .filter((x) => x.state === 'stored' || x.state === 'needs-reentry')
              .map((x) => (
                <li key={x.name} className="row">
                  <code>{x.name}</code> <span className="muted">{STATE_TEXT[x.state]}</span>
                  <button
                    type="button"
                    aria-label={`Forget the secret ${x.name}`}
                    onClick={() =>
                      void api()
                        .deleteSecret({ name: x.name })
                        .then(() => done(`Forgot the secret ${x.name}.`), (e) => setError(errorMessage(e)))
                    }
                  >
                    Forget
                  </button>
                </li>
              ))}
          </ul>
        </>
      )}
      {editing ? (
        <SourceForm
          key={`${editing.type.tag}:${editing.existing?.key ?? 'new'}`}
          type={editing.type}
          existing={editing.existing}
          takenKeys={list.map((s) => s.key)}
          secrets={secrets}
          onDone={done}
          onCancel={() => {
            setEditing(null);
            refocus();
          }}
        />
      ) : (
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            const t = typeOf(kind);
            if (t) setEditing({ type: t, existing: null });
            setMessage('');
          }}
        >
          <div className="field">
            <label htmlFor="source-kind">Kind of source</label>
            <select id="source-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {types.map((t) => (
                <option key={t.tag} value={t.tag}>
                  {t.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={!kind}>
            New source…
          </button>
        </form>
      )}
      {error && <p role="alert">{error}</p>}
      <p role="status" aria-live="polite" data-testid="sources-status">
        {message}
      </p>
    </section>
  );
}
