// The app's own origin, and whether an IPC message came from one of its frames. Custom schemes
// have an opaque origin in the URL standard (`new URL('app://skrode/').origin === 'null'`), so the
// check compares scheme and host, never `origin`.

export const APP_SCHEME = 'app';
export const APP_HOST = 'skrode';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The URL a window loads for a renderer route (`popup`, `main/search`, ...). */
export function appUrl(route: string): string {
  return `${APP_ORIGIN}/index.html#/${route.replace(/^[#/]+/, '')}`;
}

/** True only for a frame URL served by our `app://skrode` protocol. */
export function isTrustedSender(frameUrl: unknown): boolean {
  if (typeof frameUrl !== 'string' || frameUrl.length > 8192) return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && !url.username && !url.password && url.port === '';
}
