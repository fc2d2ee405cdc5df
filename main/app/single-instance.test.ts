import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { AppRequest } from './policy/argv.js';
import { claimSingleInstance, type SingleInstanceApp } from './single-instance.js';

function fakeApp(lock: boolean) {
  const app = new EventEmitter() as EventEmitter & SingleInstanceApp;
  app.requestSingleInstanceLock = () => lock;
  app.quit = vi.fn();
  return app;
}

describe('claimSingleInstance', () => {
  it('the first instance keeps running and hears what later launches ask for', () => {
    const app = fakeApp(true);
    const requests: AppRequest[] = [];
    expect(claimSingleInstance(app, (r) => requests.push(r))).toBe(true);
    app.emit('second-instance', {}, ['/usr/bin/skrode-app', '--lookup'], '/home/u');
    app.emit('second-instance', {}, ['/usr/bin/skrode-app'], '/home/u');
    expect(requests).toEqual([
      { lookup: true, main: false },
      { lookup: false, main: true },
    ]);
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('a second instance quits at once', () => {
    const app = fakeApp(false);
    expect(claimSingleInstance(app, () => {})).toBe(false);
    expect(app.quit).toHaveBeenCalledOnce();
    expect(app.listenerCount('second-instance')).toBe(0);
  });
});
