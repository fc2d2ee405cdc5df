// out/preload.cjs as a sandboxed Electron preload sees the world: one script, evaluated with a
// `require` that knows only the modules Electron gives sandboxed preloads (STYLE §11.6). It must
// load, require nothing else, and expose exactly the frozen SkrodeApi.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { API_METHODS, channelOf } from '../../shared/api.js';
import { packageRoot } from '../../main/util/worker-entry.js';

const file = path.join(packageRoot(), 'out', 'preload.cjs');
const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

describe('out/preload.cjs', () => {
  it('is one script that requires only electron', () => {
    if (!existsSync(file)) throw new Error(`${file} is missing; run \`npm run build\``);
    const code = readFileSync(file, 'utf8');
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('runs in a sandboxed preload and exposes exactly the frozen API', async () => {
    const exposed = new Map<string, Record<string, (a?: unknown) => Promise<unknown>>>();
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (k: string, v: Record<string, (a?: unknown) => Promise<unknown>>) => exposed.set(k, v) },
      ipcRenderer: {
        invoke: async (...a: unknown[]) => {
          invoked.push(a);
          return { ok: true, value: 'pong' };
        },
      },
    };
    const sandboxRequire = (name: string) => {
      if (!SANDBOX_MODULES.has(name)) throw new Error(`module not found: ${name}`);
      if (name !== 'electron') throw new Error(`the preload should not need ${name}`);
      return electron;
    };
    const module = { exports: {} };
    vm.runInNewContext(readFileSync(file, 'utf8'), { require: sandboxRequire, module, exports: module.exports, Object, Promise, Error, Array, Set, Map, JSON }, { filename: file });
    expect([...exposed.keys()]).toEqual(['skrode']);
    const api = exposed.get('skrode')!;
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort());
    expect(Object.isFrozen(api)).toBe(true);
    expect(await api.lookup!({ query: 'mira' })).toBe('pong');
    expect(invoked).toEqual([[channelOf('lookup'), { query: 'mira' }]]);
  });
});
