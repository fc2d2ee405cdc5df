/* global require, module, Buffer, setTimeout, Request */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: it stands in for a CommonJS module */
// A stand-in for the `electron` module with just the API surface main/app/main.ts uses. It records
// what the app does with it, then plays a scenario against the running app (IPC calls from trusted
// and untrusted frames, app:// requests, a second instance asking for the lookup, a navigation
// attempt, quitting) and writes everything to $FAKE_ELECTRON_LOG as JSON when the app exits.
const { EventEmitter } = require('node:events');
const { writeFileSync } = require('node:fs');

const log = { calls: [], scenario: {} };
const rec = (what, detail) => log.calls.push(detail === undefined ? [what] : [what, detail]);
let exiting = false;
function finish(code) {
  if (exiting) return;
  exiting = true;
  log.exitCode = code;
  writeFileSync(process.env.FAKE_ELECTRON_LOG, JSON.stringify(log, null, 1));
  process.exit(code);
}

const app = new EventEmitter();
app.commandLine = { appendSwitch: (k, v) => rec('appendSwitch', [k, v]) };
app.setName = (n) => rec('setName', n);
app.setPath = (k, v) => rec('setPath', [k, v]);
app.getAppPath = () => process.env.FAKE_APP_PATH;
app.enableSandbox = () => rec('enableSandbox');
app.requestSingleInstanceLock = () => process.env.FAKE_SECOND_INSTANCE !== '1';
app.whenReady = () => new Promise((r) => setTimeout(r, 10));
app.exit = (code) => finish(code);
app.quit = () => {
  rec('quit');
  let prevented = false;
  app.emit('before-quit', { preventDefault: () => (prevented = true) });
  if (!prevented) finish(0);
};

const handlers = new Map();
const ipcMain = { handle: (channel, fn) => handlers.set(channel, fn) };

const protocols = new Map();
const protocol = {
  registerSchemesAsPrivileged: (s) => rec('registerSchemesAsPrivileged', s),
  handle: (scheme, fn) => protocols.set(scheme, fn),
};

const sessionState = {};
const session = {
  defaultSession: {
    setPermissionRequestHandler: (h) => (sessionState.request = h),
    setPermissionCheckHandler: (h) => (sessionState.check = h),
    webRequest: { onBeforeRequest: (f, l) => (sessionState.before = l) },
  },
};

const windows = [];
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.loaded = [];
    this.visible = false;
    this.destroyed = false;
    this.webContents = new EventEmitter();
    this.webContents.setWindowOpenHandler = (h) => (this.webContents.openHandler = h);
    this.webContents.getURL = () => this.loaded.at(-1) ?? '';
    windows.push(this);
    rec('BrowserWindow', { title: options.title, webPreferences: options.webPreferences, frame: options.frame });
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(u) {
    this.loaded.push(u);
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
}

const trays = [];
class Tray {
  constructor(image) {
    this.image = image;
    trays.push(this);
    rec('Tray', image);
  }
  setToolTip(t) {
    this.tooltip = t;
  }
  setContextMenu(m) {
    this.menu = m;
  }
  on() {}
  destroy() {
    rec('Tray.destroy');
  }
}

const shortcuts = new Map();
module.exports = {
  app,
  ipcMain,
  protocol,
  session,
  BrowserWindow,
  Tray,
  Menu: { buildFromTemplate: (t) => t },
  nativeImage: { createFromPath: (p) => ({ path: p }) },
  globalShortcut: {
    register: (acc, cb) => (process.env.FAKE_SHORTCUT_TAKEN === '1' ? false : (shortcuts.set(acc, cb), rec('globalShortcut.register', acc), true)),
    unregister: (acc) => (shortcuts.delete(acc), rec('globalShortcut.unregister', acc)),
  },
  // FAKE_SAFE_STORAGE: 'keyring' (a working keychain, XOR as its cipher), 'basic_text', or none.
  safeStorage: {
    isEncryptionAvailable: () => ['keyring', 'basic_text'].includes(process.env.FAKE_SAFE_STORAGE),
    getSelectedStorageBackend: () => (process.env.FAKE_SAFE_STORAGE === 'keyring' ? 'gnome_libsecret' : 'basic_text'),
    encryptString: (p) => Buffer.from(Buffer.from(p, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  },
  shell: { openExternal: async (u) => rec('openExternal', u) },
  dialog: {
    showErrorBox: (t, m) => rec('showErrorBox', [t, m]),
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    showMessageBox: async () => ({ response: 0 }),
  },
};

// The scenario, once the app has registered its IPC handlers and made its tray.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function scenario() {
  for (let i = 0; i < 500 && (trays.length === 0 || windows.length === 0); i++) await sleep(20);
  const s = log.scenario;
  s.channels = [...handlers.keys()].sort();
  const trusted = { senderFrame: { url: 'app://skrode/index.html#/popup' } };
  s.lookup = await handlers.get('skrode:lookup')(trusted, { query: 'mira' });
  s.untrusted = await handlers.get('skrode:lookup')({ senderFrame: { url: 'https://evil.example/' } }, { query: 'mira' });
  s.badArgs = await handlers.get('skrode:lookup')(trusted, { query: 'mira', extra: 1 });
  s.settings = await handlers.get('skrode:settings')(trusted);
  // A token entered on the Sources page goes to the keychain (FAKE_SAFE_STORAGE), named only.
  s.saveSecret = await handlers.get('skrode:saveSecret')(trusted, { name: 'SKRODE_BUNDLE_TOKEN', value: 'hunter2-from-the-page' });
  s.secrets = await handlers.get('skrode:secrets')(trusted);
  const appProtocol = protocols.get('app');
  const index = await appProtocol(new Request('app://skrode/index.html'));
  s.index = { status: index.status, csp: index.headers.get('content-security-policy'), body: await index.text() };
  s.traversal = (await appProtocol(new Request('app://skrode/%2e%2e/%2e%2e/package.json'))).status;
  let granted;
  sessionState.request({}, 'media', (g) => (granted = g));
  s.permissionGranted = granted;
  s.shortcuts = [...shortcuts.keys()];
  s.trayMenu = trays[0].menu.map((i) => i.label ?? i.type);
  s.trayTooltip = trays[0].tooltip;
  // A second launch with --lookup shows the popup.
  app.emit('second-instance', {}, ['/opt/Skrode/skrode-app', '--lookup'], '/');
  await sleep(50);
  s.windows = windows.map((w) => ({ title: w.options.title, loaded: w.loaded, visible: w.visible }));
  // A page trying to leave the app.
  let prevented = false;
  windows[0].webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://example.org/page');
  s.navigationPrevented = prevented;
  s.windowOpen = windows[0].webContents.openHandler({ url: 'file:///etc/passwd' });
  await sleep(20);
  // hidePopup (the renderer's Escape) hides the popup; the hotkey shows it again.
  const popup = windows.find((w) => w.options.frame === false);
  s.popupVisibleAfterLookup = popup?.visible;
  // Escape in the renderer, with nothing left to undo, asks through the API.
  s.hidePopup = await handlers.get('skrode:hidePopup')(trusted);
  s.popupVisibleAfterEscape = popup?.visible;
  shortcuts.get(s.shortcuts[0])?.();
  await sleep(20);
  s.popupVisibleAfterHotkey = popup?.visible;
  app.quit();
  await sleep(10_000);
  log.scenario.timedOut = true;
  finish(3);
}
// The ingestion scenario: the topology of ./config.yml runs in worker threads started from the
// bundle; "Pause ingestion" in the tray stops it gracefully; then quit.
async function ingestScenario() {
  const s = log.scenario;
  const ingestLabel = () => trays[0]?.menu?.find((i) => i.id === 'ingest')?.label;
  const { existsSync, readFileSync } = require('node:fs');
  const lines = (f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0);
  for (let i = 0; i < 1000 && ingestLabel() !== 'Pause ingestion'; i++) await sleep(20);
  s.labelRunning = ingestLabel();
  for (let i = 0; i < 1000 && lines(process.env.FAKE_STARTED_FILE) < 1; i++) await sleep(20);
  trays[0].menu.find((i) => i.id === 'ingest').click();
  for (let i = 0; i < 1000 && ingestLabel() !== 'Resume ingestion'; i++) await sleep(20);
  s.labelPaused = ingestLabel();
  s.startedAtPause = lines(process.env.FAKE_STARTED_FILE);
  s.doneAtPause = lines(process.env.FAKE_OUT_FILE);
  app.quit();
  await sleep(20_000);
  s.timedOut = true;
  finish(3);
}
if (process.env.FAKE_INGEST_SCENARIO === '1') void ingestScenario().catch((e) => {
  log.scenario.error = String(e && e.stack);
  finish(4);
});
if (process.env.FAKE_ELECTRON_SCENARIO === '1') void scenario().catch((e) => {
  log.scenario.error = String(e && e.stack);
  finish(4);
});
