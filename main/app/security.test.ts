import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createSecureWindow, describeUrl, guardContents, guardSession, installSecurityGuards, isRequestAllowed, type GuardedContents, type GuardedSession } from './security.js';

class FakeContents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }) {
    this.openHandler = h;
  }
  /** Emit like Electron: an event object the guard may preventDefault. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

function setup() {
  const opened: string[] = [];
  const logs: string[] = [];
  const contents = new FakeContents();
  guardContents(contents as unknown as GuardedContents, (u) => opened.push(u), (l) => logs.push(l));
  return { contents, opened, logs };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('window guards', () => {
  it('lets the app navigate within app://skrode', () => {
    const { contents, opened } = setup();
    expect(contents.fire('will-navigate', 'app://skrode/index.html#/main/search')).toBe(false);
    expect(opened).toEqual([]);
  });

  it('denies navigation elsewhere, opening web pages in the browser instead', async () => {
    const { contents, opened } = setup();
    expect(contents.fire('will-navigate', 'https://mastodon.social/@mira')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.fire('will-navigate', 'javascript:alert(1)')).toBe(true);
    await flush();
    expect(opened).toEqual(['https://mastodon.social/@mira']);
  });

  it('denies redirects away from the app and never follows them outside', async () => {
    const { contents, opened, logs } = setup();
    expect(contents.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-redirect', 'app://skrode/index.html')).toBe(false);
    await flush();
    expect(opened).toEqual([]);
    expect(logs.join('\n')).toContain('https://evil.example/...');
  });

  it('denies every <webview>', () => {
    const { contents } = setup();
    expect(contents.fire('will-attach-webview', {}, {})).toBe(true);
  });

  it('denies every new window; allowlisted links go to the browser', async () => {
    const { contents, opened } = setup();
    expect(contents.openHandler!({ url: 'https://github.com/mira' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'app://skrode/index.html' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'smb://attacker/share' })).toEqual({ action: 'deny' });
    await flush();
    expect(opened).toEqual(['https://github.com/mira']);
  });

  it('survives openExternal failing', async () => {
    const logs: string[] = [];
    const contents = new FakeContents();
    guardContents(contents as unknown as GuardedContents, () => Promise.reject(new Error('no browser')), (l) => logs.push(l));
    contents.openHandler!({ url: 'https://example.org/' });
    await flush();
    await flush();
    expect(logs.join('\n')).toContain('no browser');
  });

  it('installs the guards on every web contents, and the sandbox before ready', () => {
    const app = new EventEmitter() as EventEmitter & { enableSandbox: () => void };
    app.enableSandbox = vi.fn();
    installSecurityGuards({ app: app as never, openExternal: () => {} });
    expect(app.enableSandbox).toHaveBeenCalledOnce();
    const contents = new FakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.openHandler).toBeDefined();
    expect(contents.fire('will-navigate', 'https://example.org/')).toBe(true);
  });
});

describe('session guards', () => {
  type RequestHandler = (wc: unknown, p: string, cb: (g: boolean) => void) => void;
  type CheckHandler = (wc: unknown, p: string) => boolean;
  type BeforeRequest = (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
  interface FakeSession {
    request?: RequestHandler;
    check?: CheckHandler;
    before?: BeforeRequest;
    filter?: { urls: string[] };
  }
  function fakeSession(): FakeSession & GuardedSession {
    const s: FakeSession & GuardedSession = {
      setPermissionRequestHandler(h: RequestHandler) {
        s.request = h;
      },
      setPermissionCheckHandler(h: CheckHandler) {
        s.check = h;
      },
      webRequest: {
        onBeforeRequest(f: { urls: string[] }, l: BeforeRequest) {
          s.filter = f;
          s.before = l;
        },
      },
    };
    return s;
  }

  it('denies every permission request and check', () => {
    const s = fakeSession();
    guardSession(s);
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen']) {
      let granted: boolean | undefined;
      s.request!({}, p, (g: boolean) => (granted = g));
      expect(granted).toBe(false);
      expect(s.check!({}, p)).toBe(false);
    }
  });

  it('cancels every request that is not for our own pages', () => {
    const s = fakeSession();
    guardSession(s);
    expect(s.filter).toEqual({ urls: ['<all_urls>'] });
    const cancel = (url: string) => {
      let r: { cancel: boolean } | undefined;
      s.before!({ url }, (x: { cancel: boolean }) => (r = x));
      return r!.cancel;
    };
    expect(cancel('app://skrode/assets/index.js')).toBe(false);
    expect(cancel('https://tracker.example/pixel.gif')).toBe(true);
    expect(cancel('http://127.0.0.1:4477/api/lookup')).toBe(true);
    expect(cancel('file:///etc/passwd')).toBe(true);
    expect(cancel('ws://127.0.0.1:9222/')).toBe(true);
  });

  it('isRequestAllowed takes only app://skrode, devtools and inline images', () => {
    expect(isRequestAllowed('data:image/png;base64,AAAA')).toBe(true);
    expect(isRequestAllowed('data:text/html,<b>')).toBe(false);
    expect(isRequestAllowed(undefined)).toBe(false);
  });
});

describe('createSecureWindow', () => {
  class FakeWindow {
    constructor(readonly options: Record<string, unknown>) {}
  }

  it('makes every window with every guard stated', () => {
    const w = createSecureWindow(FakeWindow, { title: 'Skrode', width: 10 }, '/p/preload.cjs');
    expect(w.options).toMatchObject({ title: 'Skrode', width: 10 });
    expect(w.options.webPreferences).toEqual({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('ignores webPreferences a caller slips in', () => {
    const sneaky = { title: 'x', webPreferences: { nodeIntegration: true, sandbox: false } } as unknown as { title: string };
    const w = createSecureWindow(FakeWindow, sneaky, '/p/preload.cjs');
    expect(w.options.webPreferences).toMatchObject({ nodeIntegration: false, sandbox: true });
  });
});

describe('describeUrl', () => {
  it('keeps paths and queries (which may hold tokens) out of logs', () => {
    expect(describeUrl('https://api.example/x?token=secret')).toBe('https://api.example/...');
    expect(describeUrl('javascript:alert(document.cookie)')).toBe('javascript:...');
  });
});
