// Every security guard of the desktop app, installed in one place before any window exists
// (Actual's security.ts, Electron's security checklist):
//
// - every renderer sandboxed (app.enableSandbox); every window made by createSecureWindow, with
//   its locked-down webPreferences stated in full (the electronegativity gate checks them);
// - navigation (will-navigate, will-redirect, will-frame-navigate) to anything but our own
//   app://skrode pages is denied; web pages the user clicks open in their browser, and only after
//   the external-link allowlist (policy/external-links.ts) accepts them;
// - new windows are denied (setWindowOpenHandler), <webview> attachment is denied;
// - every permission request and check is denied (camera, notifications, clipboard-read, ...);
// - the renderer's session may load nothing but app:// (and devtools) URLs: no network at all.
//
// Electron's objects come in as parameters, so the tests drive these guards with fakes.

import { safeExternalUrl } from './policy/external-links.js';
import { isTrustedSender } from './policy/sender.js';

export interface Preventable {
  preventDefault(): void;
}

/** The part of webContents the guards use. */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardedSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  webRequest: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void;
  };
}

export interface GuardedApp {
  enableSandbox(): void;
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown;
}

export interface SecurityDeps {
  app: GuardedApp;
  /** Opens a URL in the user's browser or mail program (shell.openExternal). */
  openExternal(url: string): unknown;
  log?: (line: string) => void;
}

/** A window constructor (Electron's BrowserWindow, or a fake in tests). */
export type WindowConstructor<W, O> = new (options: O & { webPreferences: Record<string, unknown> }) => W;

/**
 * Every window of the app is made here, with its webPreferences stated in full and not
 * overridable by the caller (STYLE §10.11); the electronegativity gate reads this literal.
 */
export function createSecureWindow<W, O extends object>(BrowserWindow: WindowConstructor<W, O>, options: O & { webPreferences?: never }, preload: string): W {
  const { webPreferences: _ignored, ...rest } = options as O & { webPreferences?: unknown };
  return new BrowserWindow({
    ...(rest as O),
    webPreferences: {
      preload, // eng-disable PRELOAD_JS_CHECK (reviewed: preload/index.ts exposes only the frozen SkrodeApi)
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
    },
  });
}

/** Must run before the app is ready (enableSandbox only works then). */
export function installSecurityGuards(deps: SecurityDeps): void {
  const log = deps.log ?? (() => {});
  deps.app.enableSandbox();
  deps.app.on('web-contents-created', (_event, contents) => guardContents(contents, deps.openExternal, log));
}

/** A link the user followed: opened in their browser if the allowlist accepts it, else dropped. */
export function openOutside(url: string, openExternal: (url: string) => unknown, log: (line: string) => void): void {
  const safe = safeExternalUrl(url);
  if (safe === null) {
    log(`security: refused to open ${describeUrl(url)}`);
    return;
  }
  void Promise.resolve()
    .then(() => openExternal(safe))
    .catch((e: unknown) => log(`security: could not open a link: ${(e as Error).message}`));
}

export function guardContents(contents: GuardedContents, openExternal: (url: string) => unknown, log: (line: string) => void): void {
  const onNavigate = (event: Preventable, url: string) => {
    if (isTrustedSender(url)) return;
    event.preventDefault();
    openOutside(url, openExternal, log);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', (event, url) => {
    if (isTrustedSender(url)) return;
    event.preventDefault();
    log(`security: refused a redirect to ${describeUrl(url)}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('security: refused to attach a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, openExternal, log);
    return { action: 'deny' };
  });
}

/** Deny every permission, and every request that is not for our own pages. */
export function guardSession(session: GuardedSession, log: (line: string) => void = () => {}): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    log(`security: denied the permission ${JSON.stringify(String(permission)).slice(0, 60)}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const allowed = isRequestAllowed(details.url);
    if (!allowed) log(`security: blocked a request to ${describeUrl(details.url)}`);
    callback({ cancel: !allowed });
  });
}

/** The renderer loads only its own files (app://skrode), inline data: images and devtools. */
export function isRequestAllowed(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  if (isTrustedSender(url)) return true;
  return url.startsWith('devtools://') || /^data:image\/(png|gif|jpeg|webp);/i.test(url);
}

/** A URL for a log line: its scheme and host only (paths and queries can hold tokens). */
export function describeUrl(url: unknown): string {
  if (typeof url !== 'string') return '(not a url)';
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}/...` : `${u.protocol}...`;
  } catch {
    return '(unparsable url)';
  }
}
