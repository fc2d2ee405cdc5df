// The one way an IPC handler is registered (STYLE §10.10). Each SkrodeApi method gets one channel
// (shared/api.ts channelOf); its handler
//   1. refuses any sender whose frame is not one of our app://skrode pages (a frame that reached
//      ipcRenderer some other way gets nothing: Signal's unchecked sql-channel, STYLE §11.8),
//   2. validates the argument against the method's schema (shared/api-schemas.ts),
//   3. answers with the {ok, value} / {ok: false, error} envelope; nothing is thrown across IPC,
//      so no stack or path reaches the renderer.
// No other file calls ipcMain.handle.

import { API_METHODS, channelOf, type ApiErrorDto, type ApiMethod, type ApiResult, type SkrodeApi } from '../../shared/api.js';
import { ApiArgsError, parseApiArgs, type ApiArgs } from '../../shared/api-schemas.js';
import { toApiError } from '../api/errors.js';
import { isTrustedSender } from './policy/sender.js';

/** The part of Electron's IpcMainInvokeEvent the helper reads. */
export interface IpcInvokeEventLike {
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

export type Handle = <M extends ApiMethod>(method: M, fn: (args: ApiArgs<M>) => Promise<unknown>) => void;

const UNTRUSTED: ApiErrorDto = { kind: 'invalid', message: 'refused: the request did not come from a Skrode page' };

export function createHandle(ipcMain: IpcMainLike, log: (line: string) => void = () => {}): Handle {
  const registered = new Set<ApiMethod>();
  return (method, fn) => {
    if (registered.has(method)) throw new Error(`IPC handler for ${method} registered twice`);
    registered.add(method);
    ipcMain.handle(channelOf(method), async (event, ...args): Promise<ApiResult<unknown>> => {
      // A destroyed or navigated-away frame has no senderFrame: refuse as well.
      const frameUrl = event?.senderFrame?.url;
      if (!isTrustedSender(frameUrl)) {
        log(`ipc: refused ${method} from an untrusted frame`);
        return { ok: false, error: UNTRUSTED };
      }
      try {
        if (args.length > 1) throw new ApiArgsError(`${method}: bad arguments: takes one argument, got ${args.length}`);
        const value = await fn(parseApiArgs(method, args[0]));
        return { ok: true, value: value === undefined ? null : value };
      } catch (e) {
        const error = toApiError(e);
        log(`ipc: ${method} failed (${error.kind})`);
        return { ok: false, error };
      }
    });
  };
}

/** Register every method of the contract, each calling the implementation. */
export function registerApi(handle: Handle, api: SkrodeApi): void {
  for (const method of API_METHODS) {
    const fn = api[method] as (args: unknown) => Promise<unknown>;
    handle(method, (args) => fn.call(api, args));
  }
}
