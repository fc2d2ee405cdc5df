import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installGracefulQuit, type QuittableApp } from './lifecycle.js';

function fakeApp() {
  const app = new EventEmitter() as EventEmitter & QuittableApp & { quits: number; requestQuit(): boolean };
  app.quits = 0;
  // Electron's app.quit() emits before-quit; quitting happens unless a listener prevents it.
  app.requestQuit = () => {
    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    return !prevented;
  };
  app.quit = () => {
    app.quits++;
    app.requestQuit();
  };
  return app;
}

describe('installGracefulQuit', () => {
  it('holds the quit until the work has stopped and the store is closed, then quits', async () => {
    const app = fakeApp();
    const order: string[] = [];
    let release!: () => void;
    const stop = vi.fn((o: { force: boolean }) => {
      order.push(`stop force=${o.force}`);
      return new Promise<void>((r) => (release = r));
    });
    const state = installGracefulQuit(app, { stop, close: async () => void order.push('close') });
    expect(app.requestQuit()).toBe(false);
    expect(state.phase).toBe('stopping');
    await Promise.resolve();
    expect(order).toEqual(['stop force=false']);
    release();
    await vi.waitFor(() => expect(state.phase).toBe('done'));
    expect(order).toEqual(['stop force=false', 'close']);
    expect(app.quits).toBe(1);
    expect(app.requestQuit()).toBe(true);
  });

  it('a second quit while stopping forces the stop', async () => {
    const app = fakeApp();
    const stop = vi.fn(() => new Promise<void>(() => {}));
    installGracefulQuit(app, { stop, close: async () => {} });
    app.requestQuit();
    expect(app.requestQuit()).toBe(false);
    expect(stop.mock.calls.map((c) => (c as unknown as [{ force: boolean }])[0].force)).toEqual([false, true]);
  });

  it('quits even when stopping or closing fails', async () => {
    const app = fakeApp();
    const logs: string[] = [];
    const state = installGracefulQuit(app, { stop: async () => Promise.reject(new Error('worker wedged')), close: async () => Promise.reject(new Error('db busy')), log: (l) => logs.push(l) });
    app.requestQuit();
    await vi.waitFor(() => expect(state.phase).toBe('done'));
    expect(logs.join('\n')).toMatch(/worker wedged[\s\S]*db busy/);
    expect(app.quits).toBe(1);
  });
});
