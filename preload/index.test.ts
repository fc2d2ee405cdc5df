// The real preload entry, with electron mocked: what reaches the renderer is one frozen object
// under `skrode` with exactly the contract's methods, and nothing that leads to ipcRenderer.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS, channelOf } from '../shared/api.js';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async () => ({ ok: true, value: 'pong' }));
const ipcRenderer = { invoke, send: vi.fn(), on: vi.fn(), sendSync: vi.fn() };

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer,
}));

beforeAll(async () => {
  await import('./index.js');
});

describe('preload/index.ts', () => {
  it('exposes one key, skrode', () => {
    expect([...exposed.keys()]).toEqual(['skrode']);
  });

  it('exposes exactly API_METHODS, frozen, functions only', () => {
    const api = exposed.get('skrode') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort());
    expect(Object.isFrozen(api)).toBe(true);
    for (const v of Object.values(api)) {
      expect(typeof v).toBe('function');
      expect(v).not.toBe(ipcRenderer.invoke);
    }
    expect(Object.values(api)).not.toContain(ipcRenderer);
  });

  it('each function invokes its own channel only', async () => {
    const api = exposed.get('skrode') as Record<string, (a?: unknown) => Promise<unknown>>;
    expect(await api.lookup!({ query: 'x' })).toBe('pong');
    expect(invoke).toHaveBeenLastCalledWith(channelOf('lookup'), { query: 'x' });
    expect(ipcRenderer.send).not.toHaveBeenCalled();
  });
});
