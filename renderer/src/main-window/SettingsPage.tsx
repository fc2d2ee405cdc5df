// Settings: the global hotkey (applied by the desktop app) and which store Skrode uses.
import { useEffect, useState } from 'react';
import type { SettingsDto } from '../../../shared/api.js';
import { api, errorMessage } from '../api/index.js';

export function SettingsPage() {
  const [settings, setSettings] = useState<SettingsDto | null>(null);
  const [hotkey, setHotkey] = useState('');
  const [message, setMessage] = useState('');

  useEffect(() => {
    void api()
      .settings()
      .then((s) => {
        setSettings(s);
        setHotkey(s.hotkey);
      });
  }, []);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const s = await api().saveSettings({ hotkey });
      setSettings(s);
      setMessage('Saved.');
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };

  return (
    <section aria-labelledby="settings-h" className="page">
      <h2 id="settings-h">Settings</h2>
      <form className="filters" onSubmit={(e) => void save(e)}>
        <div className="field wide">
          <label htmlFor="hotkey">Lookup hotkey</label>
          <input id="hotkey" value={hotkey} onChange={(e) => setHotkey(e.target.value)} aria-describedby="hotkey-help" />
          <small id="hotkey-help" className="muted">
            For example CommandOrControl+Shift+K. Where global shortcuts are unavailable (Wayland), bind <code>skrode --lookup</code> in the desktop's own
            shortcut settings.
          </small>
        </div>
        <button type="submit">Save</button>
      </form>
      <p role="status" aria-live="polite">
        {message}
      </p>
      <h3>Store</h3>
      {settings && (
        <dl className="facts">
          <dt>Kind</dt>
          <dd>{settings.store.kind === 'sqlite' ? 'SQLite file' : 'PostgreSQL'}</dd>
          <dt>Where</dt>
          <dd>
            <code>{settings.store.kind === 'sqlite' ? settings.store.path : settings.store.url}</code>
          </dd>
          <dt>Running as</dt>
          <dd>{settings.host === 'serve' ? 'skrode serve (browser)' : 'desktop app'}</dd>
        </dl>
      )}
      <p className="muted">The store is chosen in config.yml (store: !skrode/sqlite or !skrode/sql) or with --db.</p>
    </section>
  );
}
