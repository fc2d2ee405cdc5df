// One Skrode app per user: a second launch hands its command line to the first (the
// `second-instance` event) and quits. This is also how `skrode --lookup`, bound to a key in the
// desktop's settings, shows the popup of the running app where global shortcuts do not work.

import { appRequest, type AppRequest } from './policy/argv.js';

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): unknown;
}

/** True when this process is the one instance; false means it has asked to quit. */
export function claimSingleInstance(app: SingleInstanceApp, onRequest: (request: AppRequest) => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, argv) => onRequest(appRequest(argv)));
  return true;
}
