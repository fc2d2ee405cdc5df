// The Electron main process: wires the services of this folder to the real `electron` module.
// Everything with behaviour lives in those services and in main/api, main/topology (tested in
// plain Node with fakes); this file only connects them, in this order:
//   before ready: data folder, security guards, the app:// scheme, single-instance lock;
//   when ready:   session guards, app:// protocol, stored tokens, the API and its IPC handlers,
//                 tray, hotkey, popup, main window, background ingestion;
//   on quit:      graceful stop of the ingestion, then the store.

import { app, BrowserWindow, dialog, globalShortcut, ipcMain, Menu, nativeImage, protocol, safeStorage, session, shell, Tray } from 'electron';
import path from 'node:path';
import { appProtocolHandler, APP_SCHEME_PRIVILEGES } from './app-protocol.js';
import { desktopApi } from './desktop-api.js';
import { HotkeyService, isWaylandSession } from './hotkey.js';
import { IngestionService } from './ingestion.js';
import { createHandle, registerApi } from './ipc.js';
import { installGracefulQuit } from './lifecycle.js';
import { MainWindowService } from './main-window.js';
import { appRequest, type AppRequest } from './policy/argv.js';
import { APP_SCHEME, appUrl } from './policy/sender.js';
import { PopupService, POPUP_SIZE } from './popup.js';
import { SecretStore } from './secrets.js';
import { exportTokens, runTokenCommand, tokenRequest } from './token-command.js';
import { createSecureWindow, guardSession, installSecurityGuards } from './security.js';
import { safeExternalUrl } from './policy/external-links.js';
import { claimSingleInstance } from './single-instance.js';
import { TrayService, type MenuItemTemplate } from './tray.js';
import { dataDir, ensureDataDir } from '../util/data-dir.js';
import type { OpenedApi } from '../api/open.js';

const log = (line: string) => process.stderr.write(`[skrode] ${line}\n`);

function main(): void {
  // The same data folder as the CLI: one database, one config, one settings file.
  const home = ensureDataDir(dataDir());
  app.setName('Skrode');
  app.setPath('userData', home);

  installSecurityGuards({
    app,
    // Only what the link allowlist returns ever reaches the OS (checked in security.ts, and again
    // here where the call is, so the reviewed exception below is evident on its own line).
    openExternal: (url) => {
      const safe = safeExternalUrl(url);
      if (safe !== null) return shell.openExternal(safe); // eng-disable OPEN_EXTERNAL_JS_CHECK
      return undefined;
    },
    log,
  });
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME_PRIVILEGES.scheme, privileges: { ...APP_SCHEME_PRIVILEGES.privileges } }]);
  // Wayland: global shortcuts exist only through the desktop portal.
  if (process.platform === 'linux' && isWaylandSession(process.env)) app.commandLine.appendSwitch('enable-features', 'GlobalShortcutsPortal');

  // `--set-token NAME` / `--forget-token NAME`: a short-lived process of its own (no lock, no windows).
  const token = tokenRequest(process.argv);
  if (token) {
    void app
      .whenReady()
      .then(() => runTokenCommand(token, secretStore(home), { readStdin, out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`skrode: ${l}\n`) }))
      .then((code) => app.exit(code), (e: unknown) => (log(String(e)), app.exit(1)));
    return;
  }

  // A second launch while this one is still starting: keep its request until the windows exist.
  let pending: AppRequest | undefined;
  let onRequest: (r: AppRequest) => void = (r) => (pending = r);
  if (!claimSingleInstance(app, (r) => onRequest(r))) return;

  // The desktop keeps the app in the tray: closing every window does not quit.
  app.on('window-all-closed', () => {});

  const setOnRequest = (fn: (r: AppRequest) => void) => {
    onRequest = fn;
    if (pending) fn(pending);
    pending = undefined;
  };
  void app.whenReady().then(() => start(home, setOnRequest)).catch((e: unknown) => {
    log(`cannot start: ${(e as Error).stack ?? String(e)}`);
    dialog.showErrorBox('Skrode cannot start', (e as Error).message);
    app.exit(1);
  });
}

async function start(home: string, setOnRequest: (fn: (r: AppRequest) => void) => void): Promise<void> {
  const root = app.getAppPath();
  const rendererRoot = path.join(root, 'out', 'renderer');
  const preload = path.join(root, 'out', 'preload.cjs');
  const icons = path.join(root, 'resources', 'icons');

  guardSession(session.defaultSession, log);
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererRoot));

  // Tokens kept with safeStorage reach the workers as environment variables (`!skrode/env NAME`);
  // the environment itself wins. Tokens that no longer decrypt are asked for again.
  // Linux without a keyring: tokens are refused unless the user opts in to plain-text storage.
  // Enter or re-enter one on the Sources page (saveSecret) or with `skrode-app --set-token NAME`
  // (token-command.ts); each start of the ingestion reads them again.
  const secrets = secretStore(home);
  const ours = new Set<string>();
  let reentry: { name: string; reason: string }[] = [];
  const loadTokens = () => {
    const loaded = secrets.loadAll();
    reentry = loaded.reentry;
    exportTokens(loaded.values, process.env, ours);
  };
  loadTokens();

  const [{ openApi }, { startTopology }, { loadTopologyConfig }] = await Promise.all([import('../api/open.js'), import('../topology/run.js'), import('../topology/status.js')]);

  // Made first (its window only on first show): the API's hidePopup hides it.
  const popup = new PopupService({
    url: appUrl('popup'),
    log,
    create: () =>
      createSecureWindow(
        BrowserWindow,
        {
          ...POPUP_SIZE,
          show: false,
          frame: false,
          resizable: false,
          movable: true,
          skipTaskbar: true,
          alwaysOnTop: true,
          fullscreenable: false,
          title: 'Skrode lookup',
        },
        preload,
      ),
  });
  // The tray is made after the API; the ingestion reports its state to it once it exists.
  const trayRef: { current?: TrayService<Electron.Menu> } = {};
  const openedRef: { current?: OpenedApi } = {};
  const ingestion = new IngestionService({
    configured: () => loadTopologyConfig({}).config.has('workers'),
    start: () => {
      loadTokens();
      trayRef.current?.refresh();
      // On the same SQLite file as the API, the topology shares the API store's writer thread.
      const topologyStore = loadTopologyConfig({}).store;
      const o = openedRef.current;
      const shared = o?.sqliteWriter && topologyStore.kind === 'sqlite' && o.store.kind === 'sqlite' && topologyStore.path === o.store.path ? o.sqliteWriter : undefined;
      return startTopology({ log: (l) => log(`topology: ${l}`), handleSignals: false, ...(shared ? { sqliteWriter: shared } : {}) });
    },
    onState: (s) => trayRef.current?.setIngestState(s),
    log,
  });

  // The Sources page stores tokens through the API (saveSecret): the workers get them when the
  // ingestion restarts, which a change of config.yml or of a token triggers (gracefully).
  const onSecretsChanged = () => {
    loadTokens();
    trayRef.current?.refresh();
    void ingestion.reload();
  };
  const opened: OpenedApi = await openApi({ host: 'electron', ingest: ingestion, hidePopup: () => popup.hide(), secrets, onSecretsChanged });
  openedRef.current = opened;

  const mainWindow = new MainWindowService({
    log,
    create: () =>
      createSecureWindow(BrowserWindow, { width: 1100, height: 760, show: false, title: 'Skrode', icon: path.join(icons, 'icon-256.png') }, preload),
  });

  const hotkey = new HotkeyService({ globalShortcut, onPress: () => void popup.toggle(), env: process.env, log });
  const settings = await opened.api.settings();
  const bound = hotkey.apply(settings.hotkey);
  if (!bound.ok) log(`hotkey: ${bound.reason}`);

  registerApi(createHandle(ipcMain, log), desktopApi(opened.api, hotkey));

  const importFile = async () => {
    const picked = await dialog.showOpenDialog({ title: 'Import into Skrode', properties: ['openFile'] });
    const file = picked.filePaths[0];
    if (picked.canceled || !file) return;
    try {
      await opened.api.startImport({ path: file });
    } catch (e) {
      dialog.showErrorBox('Skrode cannot import this file', (e as Error).message);
    }
    await mainWindow.open('sources');
  };

  const notice = (message: string, detail: string) => void dialog.showMessageBox({ type: 'warning', title: 'Skrode', message, detail });
  const extraItems = (): MenuItemTemplate[] => [
    ...reentry.map((r) => ({
      label: `Token ${r.name} must be entered again...`,
      click: () => notice(`The stored token ${r.name} cannot be read`, `${r.reason}\n\nEnter it again with: skrode-app --set-token ${r.name} (the token on standard input), or give it through the environment.`),
    })),
    // The hotkey did not register (or, on Wayland, may never fire): say what to do instead.
    ...(!bound.ok || bound.warning ? [{ label: 'Lookup hotkey: see how to set it up...', click: () => notice('The lookup hotkey may not work', bound.ok ? (bound.warning ?? '') : bound.reason) }] : []),
  ];

  const tray = new TrayService({
    createTray: () => new Tray(nativeImage.createFromPath(path.join(icons, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'))),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    extraItems,
    actions: {
      openLookup: () => void popup.show(),
      openMain: () => void mainWindow.open(),
      setIngestPaused: (paused) => void ingestion.setPaused(paused),
      importFile: () => void importFile(),
      quit: () => app.quit(),
    },
  });
  trayRef.current = tray;
  tray.start();
  tray.setIngestState(ingestion.current());

  setOnRequest((r) => void (r.lookup ? popup.show() : mainWindow.open()));
  installGracefulQuit(app, {
    log,
    stop: ({ force }) => ingestion.close({ force }),
    close: async () => {
      hotkey.dispose();
      tray.destroy();
      await opened.close();
    },
  });

  void ingestion.start();
  if (reentry.length > 0) log(`tokens to enter again: ${reentry.map((r) => r.name).join(', ')}`);
  const first = appRequest(process.argv);
  if (first.lookup) await popup.show();
  else if (!process.argv.includes('--hidden')) await mainWindow.open();
}


/** Tokens with safeStorage; Linux without a keyring only with SKRODE_ALLOW_PLAINTEXT_SECRETS=1. */
function secretStore(home: string): SecretStore {
  return new SecretStore({ safeStorage, file: path.join(home, 'secrets.json'), allowPlainText: process.env.SKRODE_ALLOW_PLAINTEXT_SECRETS === '1' });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 65_536) throw new Error('the token on standard input is too long');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

main();
