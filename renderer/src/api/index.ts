// The renderer talks to the main process only through `window.skrode`: the preload's object
// under Electron, or the HTTP client under `skrode serve` (installed when no preload is there).
import type { SkrodeApi } from '../../../shared/api.js';
import { httpApi } from './http-client.js';

declare global {
  interface Window {
    skrode?: SkrodeApi;
  }
}

export function installApi(): void {
  if (!window.skrode) Object.defineProperty(window, 'skrode', { value: httpApi(), writable: false, configurable: false });
}

export function api(): SkrodeApi {
  if (!window.skrode) throw new Error('the Skrode API is not available');
  return window.skrode;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
