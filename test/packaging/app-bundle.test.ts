// The built Electron main process (out/app/main.cjs, as electron-builder packages it) run under
// plain Node with a recording stand-in for the `electron` module (./fake-electron/): the real
// wiring of main.ts is exercised end to end against a demo store, without the Electron binary,
// which cannot be downloaded here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDb } from '../../main/api/testing.js';
import { directExecutor } from '../../main/queue/sqlite/executor.js';
import { SqliteJobQueue } from '../../main/queue/sqlite/sqlite-queue.js';
import { openSqlite } from '../../main/store/sqlite/open.js';
import { API_METHODS, channelOf } from '../../shared/api.js';
import { packageRoot } from '../../main/util/worker-entry.js';

const root = packageRoot();
const bundle = path.join(root, 'out', 'app', 'main.cjs');
const register = path.join(root, 'test', 'packaging', 'fake-electron', 'register.cjs');

interface Log {
  calls: [string, unknown?][];
  exitCode: number;
  scenario: Record<string, unknown> & {
    windows: { title: string; loaded: string[]; visible: boolean }[];
  };
}

function runApp(dir: string, env: Record<string, string>): { log: Log; stderr: string; status: number | null } {
  const logFile = path.join(dir, `log-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, ['-r', register, bundle], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, FAKE_ELECTRON_LOG: logFile, FAKE_APP_PATH: path.join(dir, 'app'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (!existsSync(logFile)) throw new Error(`the app wrote no log (status ${r.status}):\n${r.stderr}`);
  return { log: JSON.parse(readFileSync(logFile, 'utf8')) as Log, stderr: r.stderr, status: r.status };
}

describe('out/app/main.cjs with a stand-in electron', () => {
  let dir: string;
  let home: string;
  beforeAll(async () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing; run \`npm run build\``);
    dir = mkdtempSync(path.join(tmpdir(), 'skrode-app-bundle-'));
    home = path.join(dir, 'home');
    mkdirSync(home);
    await createDemoDb(home);
    mkdirSync(path.join(dir, 'app', 'out', 'renderer'), { recursive: true });
    writeFileSync(path.join(dir, 'app', 'out', 'renderer', 'index.html'), '<!doctype html><title>Skrode test page</title>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('wires every guard, the API, tray, hotkey and windows, and quits gracefully', () => {
    const { log, stderr, status } = runApp(dir, { SKRODE_HOME: home, FAKE_ELECTRON_SCENARIO: '1', FAKE_SAFE_STORAGE: 'keyring' });
    expect(log.scenario.error, stderr).toBeUndefined();
    expect(status, stderr).toBe(0);
    const calls = (name: string) => log.calls.filter((c) => c[0] === name).map((c) => c[1]);

    // Before ready: the CLI's data folder, the sandbox for every renderer, the app:// scheme.
    expect(calls('setPath')).toEqual([['userData', home]]);
    expect(calls('enableSandbox')).toHaveLength(1);
    expect(calls('registerSchemesAsPrivileged')).toEqual([[{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) }]]);

    // Every method of the contract has its channel; the handler checks the sender and arguments.
    const s = log.scenario;
    expect(s.channels).toEqual(API_METHODS.map(channelOf).sort());
    expect(s.lookup).toMatchObject({ ok: true, value: [expect.objectContaining({ person: expect.anything() })] });
    expect(s.untrusted).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(s.badArgs).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(s.settings).toMatchObject({ ok: true, value: { host: 'electron', hotkey: 'CommandOrControl+Shift+K', store: { kind: 'sqlite', path: path.join(home, 'skrode.db') } } });
    // saveSecret reaches the keychain store in the data folder: ciphertext only, listed by name.
    expect(s.saveSecret).toEqual({ ok: true, value: null });
    expect(s.secrets).toEqual({ ok: true, value: { canStore: true, reason: null, secrets: [{ name: 'SKRODE_BUNDLE_TOKEN', state: 'stored' }] } });
    const kept = readFileSync(path.join(home, 'secrets.json'), 'utf8');
    expect(kept).toContain('SKRODE_BUNDLE_TOKEN');
    expect(kept).not.toContain('hunter2');
    expect(stderr).not.toContain('hunter2');

    // The renderer comes from app://, with the CSP header, and nothing outside its folder.
    expect(s.index).toMatchObject({ status: 200, body: expect.stringContaining('Skrode test page'), csp: expect.stringContaining("default-src 'none'") });
    expect(s.traversal).toBe(404);
    expect(s.permissionGranted).toBe(false);

    // Every window is locked down.
    for (const [, w] of log.calls.filter((c) => c[0] === 'BrowserWindow') as [string, { webPreferences: Record<string, unknown> }][]) {
      expect(w.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, preload: path.join(dir, 'app', 'out', 'preload.cjs') });
    }

    // Tray, hotkey, and the popup: shown for a second instance's --lookup, hidden by the API's hidePopup (the renderer's Escape), shown by the hotkey.
    expect(s.trayMenu).toEqual(['Look up someone...', 'Open Skrode', 'separator', 'Ingestion: not configured', 'Import a file...', 'separator', 'Quit Skrode']);
    expect(s.shortcuts).toEqual(['CommandOrControl+Shift+K']);
    const popup = s.windows.find((w) => w.title === 'Skrode lookup');
    const main = s.windows.find((w) => w.title === 'Skrode');
    expect(main?.loaded).toEqual(['app://skrode/index.html#/main/people']);
    expect(popup?.loaded).toEqual(['app://skrode/index.html#/popup']);
    expect(s.popupVisibleAfterLookup).toBe(true);
    expect(s.hidePopup).toEqual({ ok: true, value: null });
    expect(s.popupVisibleAfterEscape).toBe(false);
    expect(s.popupVisibleAfterHotkey).toBe(true);

    // Leaving the app is denied; a web page would open in the browser, a file: URL never.
    expect(s.navigationPrevented).toBe(true);
    expect(s.windowOpen).toEqual({ action: 'deny' });
    expect(calls('openExternal')).toEqual(['https://example.org/page']);

    // Quit: held for the graceful stop, then the hotkey released, the tray gone, and a real quit.
    expect(calls('quit').length).toBe(2);
    expect(calls('globalShortcut.unregister')).toEqual(['CommandOrControl+Shift+K']);
    expect(calls('Tray.destroy')).toHaveLength(1);
    expect(log.exitCode).toBe(0);
  }, 90_000);

  it('starts without the hotkey when it is taken, offering the way round it in the tray', () => {
    const { log, status, stderr } = runApp(dir, { SKRODE_HOME: home, FAKE_ELECTRON_SCENARIO: '1', FAKE_SHORTCUT_TAKEN: '1' });
    expect(status, stderr).toBe(0);
    expect(log.scenario.shortcuts).toEqual([]);
    expect(log.scenario.trayMenu).toContain('Lookup hotkey: see how to set it up...');
    expect(stderr).toMatch(/hotkey: CommandOrControl\+Shift\+K could not be registered.*skrode --lookup/);
  }, 90_000);

  it("runs the config's topology in worker threads from the bundle; the tray pauses it gracefully", async () => {
    const work = path.join(dir, 'ingest');
    mkdirSync(work, { recursive: true });
    const db = path.join(work, 'skrode.db');
    const out = path.join(work, 'out.jsonl');
    const started = path.join(work, 'started.jsonl');
    const fixtures = path.join(root, 'test', 'topology', 'fixtures', 'targets.mjs');
    writeFileSync(
      path.join(work, 'config.yml'),
      `store: !skrode/sqlite ${db}\nq: &q !skrode/queue {key: /queue/app, lease_ms: 2000}\nslow: {type: map, target: "${fixtures}:slowRecord", source: *q, delay_ms: 300, out: ${out}, started: ${started}}\nworkers: [slow]\n`,
    );
    openSqlite(db).close();
    const q = new SqliteJobQueue('/queue/app', directExecutor(openSqlite(db), { owned: true }));
    await q.pushMany(Array.from({ length: 20 }, (_, i) => ({ payload: i })));
    const logFile = path.join(work, 'log.json');
    const r = spawnSync(process.execPath, ['-r', register, bundle], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: work, SKRODE_HOME: home, FAKE_ELECTRON_LOG: logFile, FAKE_APP_PATH: path.join(dir, 'app'), FAKE_INGEST_SCENARIO: '1', FAKE_STARTED_FILE: started, FAKE_OUT_FILE: out },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const log = JSON.parse(readFileSync(logFile, 'utf8')) as Log;
    expect(log.scenario.error, r.stderr).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(log.scenario).toMatchObject({ labelRunning: 'Pause ingestion', labelPaused: 'Resume ingestion' });
    // Paused: every item begun was finished, none is in flight, the rest wait in the queue.
    expect(log.scenario.doneAtPause).toBe(log.scenario.startedAtPause);
    const done = log.scenario.doneAtPause as number;
    expect(done).toBeGreaterThan(0);
    expect(await q.stats()).toMatchObject({ inflight: 0, ready: 20 - done });
    q.close?.();
  }, 90_000);

  it('--set-token stores a token from stdin with safeStorage, and refuses basic_text', () => {
    const tokenHome = path.join(dir, 'token-home');
    mkdirSync(tokenHome, { recursive: true });
    const run = (args: string[], env: Record<string, string>, input: string) =>
      spawnSync(process.execPath, ['-r', register, bundle, ...args], {
        cwd: dir,
        input,
        env: { PATH: process.env.PATH ?? '', HOME: dir, SKRODE_HOME: tokenHome, FAKE_ELECTRON_LOG: path.join(dir, 'token-log.json'), FAKE_APP_PATH: path.join(dir, 'app'), ...env },
        encoding: 'utf8',
      });
    const ok = run(['--set-token', 'SKRODE_TEST_TOKEN'], { FAKE_SAFE_STORAGE: 'keyring' }, 'tok-en-value\n');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/stored the token SKRODE_TEST_TOKEN/);
    const stored = readFileSync(path.join(tokenHome, 'secrets.json'), 'utf8');
    expect(stored).toContain('SKRODE_TEST_TOKEN');
    expect(stored).not.toContain('tok-en-value');
    const refused = run(['--set-token', 'OTHER_TOKEN'], { FAKE_SAFE_STORAGE: 'basic_text' }, 'v\n');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/cannot store the token for OTHER_TOKEN: no keyring/);
    expect(readFileSync(path.join(tokenHome, 'secrets.json'), 'utf8')).not.toContain('OTHER_TOKEN');
    const optedIn = run(['--set-token', 'OTHER_TOKEN'], { FAKE_SAFE_STORAGE: 'basic_text', SKRODE_ALLOW_PLAINTEXT_SECRETS: '1' }, 'v\n');
    expect(optedIn.status, optedIn.stderr).toBe(0);
  });

  it('a second instance hands over and quits before opening anything', () => {
    const { log, status } = runApp(dir, { SKRODE_HOME: home, FAKE_SECOND_INSTANCE: '1' });
    expect(status).toBe(0);
    expect(log.calls.map((c) => c[0])).not.toContain('BrowserWindow');
    expect(log.calls.map((c) => c[0])).toContain('quit');
  });
});
