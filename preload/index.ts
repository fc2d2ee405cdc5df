// The preload of every Skrode window: exposes `window.skrode`, exactly the SkrodeApi of
// shared/api.ts, and nothing else (no ipcRenderer, no Node). It runs sandboxed, so it is bundled
// into ONE CommonJS file (out/preload.cjs) whose only require is 'electron' (STYLE §11.6).

import { contextBridge, ipcRenderer } from 'electron';
import { ipcApi } from './api.js';

// Bound to a fresh function, so the renderer never gets ipcRenderer or its event object.
const invoke = (channel: string, ...args: unknown[]): Promise<unknown> => ipcRenderer.invoke(channel, ...args);

contextBridge.exposeInMainWorld('skrode', ipcApi(invoke));
