import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, channelOf, type ApiResult, type SkrodeApi } from '../../shared/api.js';
import { ipcApi } from '../../preload/api.js';
import { openDemoApi } from '../api/testing.js';
import { ApiError } from '../api/errors.js';
import { createHandle, registerApi, type IpcInvokeEventLike, type IpcMainLike } from './ipc.js';

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** ipcMain as the handlers see it: channel -> listener, invoked with a chosen sender frame. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  invoke(frameUrl: string | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    // Electron structured-clones arguments and answers; so do we.
    return h({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...structuredClone(args)).then((r) => structuredClone(r));
  }
}

const APP_FRAME = 'app://skrode/index.html#/popup';

describe('handle(): the one IPC registration helper', () => {
  function setup(fn: (args: unknown) => Promise<unknown> = async (a) => a) {
    const ipc = new FakeIpcMain();
    const logs: string[] = [];
    const handle = createHandle(ipc, (l) => logs.push(l));
    const calls: unknown[] = [];
    handle('lookup', async (args) => {
      calls.push(args);
      return fn(args);
    });
    return { ipc, calls, logs, handle };
  }

  it('answers our own frames with {ok, value}', async () => {
    const { ipc, calls } = setup(async () => [{ id: 1 }]);
    expect(await ipc.invoke(APP_FRAME, channelOf('lookup'), { query: 'mira' })).toEqual({ ok: true, value: [{ id: 1 }] });
    expect(calls).toEqual([{ query: 'mira' }]);
  });

  it.each([['https://evil.example/'], ['file:///tmp/x.html'], ['app://evil/'], ['about:blank'], [null]])('refuses a sender frame %s without calling the method', async (frame) => {
    const { ipc, calls, logs } = setup();
    const r = (await ipc.invoke(frame, channelOf('lookup'), { query: 'mira' })) as ApiResult<unknown>;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/did not come from a Skrode page/);
    expect(calls).toEqual([]);
    expect(logs.join('\n')).toContain('refused lookup');
  });

  it('validates arguments against the contract before calling', async () => {
    const { ipc, calls } = setup();
    for (const bad of [undefined, { query: 5 }, { query: 'x', extra: true }, { query: 'x'.repeat(501) }, { query: 'x', limit: 10_000 }, 'mira']) {
      const r = (await ipc.invoke(APP_FRAME, channelOf('lookup'), bad)) as ApiResult<unknown>;
      expect(r).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    }
    const two = (await ipc.invoke(APP_FRAME, channelOf('lookup'), { query: 'a' }, { query: 'b' })) as ApiResult<unknown>;
    expect(two).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringMatching(/one argument/) } });
    expect(calls).toEqual([]);
  });

  it('turns thrown errors into the envelope, with their kind and no stack', async () => {
    const { ipc } = setup(async () => {
      throw new ApiError('no person h:9', 'not-found');
    });
    expect(await ipc.invoke(APP_FRAME, channelOf('lookup'), { query: 'x' })).toEqual({ ok: false, error: { kind: 'not-found', message: 'no person h:9' } });
    const { ipc: ipc2 } = setup(async () => {
      throw new TypeError('boom\n    at secret/path.ts:1');
    });
    expect(await ipc2.invoke(APP_FRAME, channelOf('lookup'), { query: 'x' })).toEqual({ ok: false, error: { kind: 'internal', message: 'boom' } });
  });

  it('refuses to register a method twice', () => {
    const { handle } = setup();
    expect(() => handle('lookup', async () => null)).toThrow(/twice/);
  });
});

describe('preload -> IPC -> SkrodeApi over a real demo store', () => {
  let api: SkrodeApi;
  let ipc: FakeIpcMain;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const opened = await openDemoApi(mkdtempSync(path.join(tmpdir(), 'skrode-ipc-')));
    close = opened.close;
    ipc = new FakeIpcMain();
    registerApi(createHandle(ipc), opened.api);
    api = ipcApi((channel, ...args) => ipc.invoke(APP_FRAME, channel, ...args));
  });
  afterAll(async () => close?.());

  it('registers one channel per method of the contract', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(API_METHODS.map(channelOf).sort());
  });

  it('looks up, opens a person and saves a note through the preload object', async () => {
    const hits = await api.lookup({ query: 'mira' });
    expect(hits.length).toBeGreaterThan(0);
    const person = await api.person({ id: hits[0]!.person.id });
    expect(person).not.toBeNull();
    const target = person!.kind === 'human' ? { human: person!.human.id } : { persona: person!.persona.id };
    const { id } = await api.saveNote({ ...target, text: 'met at the compiler meetup' });
    expect(id).toBeGreaterThan(0);
    const card = await api.exportVcard({ id: hits[0]!.person.id });
    expect(card.content).toMatch(/^BEGIN:VCARD/);
    expect(await api.settings()).toMatchObject({ hotkey: expect.any(String) });
  });

  it('rejects with the API error kind and message', async () => {
    await expect(api.activity({ id: 'h:999999999' })).rejects.toMatchObject({ name: 'SkrodeApiError', kind: 'not-found' });
    await expect(api.lookup({ query: 42 } as never)).rejects.toMatchObject({ kind: 'invalid', message: expect.stringMatching(/lookup: bad arguments/) });
  });

  it('offers the source kinds and, without a keychain, refuses a secret with its reason', async () => {
    expect((await api.sourceTypes()).map((t) => t.tag)).toContain('skrode/feeds');
    await expect(api.saveSecret({ name: 'SKRODE_X', value: 'hunter2' })).rejects.toMatchObject({ kind: 'unavailable', message: expect.not.stringContaining('hunter2') });
    await expect(api.saveSecret({ name: 'bad name', value: 'hunter2' })).rejects.toMatchObject({ kind: 'invalid', message: expect.not.stringContaining('hunter2') });
  });

  it('a page that is not ours gets nothing, even with the right channel', async () => {
    const evil = ipcApi((channel, ...args) => ipc.invoke('https://evil.example/', channel, ...args));
    await expect(evil.lookup({ query: 'mira' })).rejects.toMatchObject({ kind: 'invalid' });
  });
});
