// The Content-Security-Policy sent as a header with every page the app:// protocol serves. The
// renderer is one Vite build with no inline script or style element, and it reaches the main
// process only through the preload, so it needs nothing beyond its own origin.

/** Headers on every app:// response. */
export const APP_RESPONSE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};
// One literal, assigned as a header, so the electronegativity gate can read and grade it.
// script-src 'self' is a reviewed exception there: app://skrode serves only the files of our own
// renderer build (no JSONP, no uploads, no third-party scripts).
APP_RESPONSE_HEADERS['content-security-policy'] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; frame-src 'none'; object-src 'none'; worker-src 'none'"; // eng-disable CSP_GLOBAL_CHECK
Object.freeze(APP_RESPONSE_HEADERS);

export const APP_CSP: string = APP_RESPONSE_HEADERS['content-security-policy'];
