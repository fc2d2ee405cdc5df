// The app's own settings (the hotkey), kept in `settings.json` in the data folder so the desktop
// app and `skrode serve` share them. The file is small and written atomically.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../util/atomic-write.js';

export const DEFAULT_HOTKEY = 'CommandOrControl+Shift+K';

export interface AppSettings {
  hotkey: string;
}

export interface SettingsHolder {
  get(): AppSettings;
  save(patch: Partial<AppSettings>): Promise<AppSettings>;
}

export function memorySettings(initial: Partial<AppSettings> = {}): SettingsHolder {
  let s: AppSettings = { hotkey: DEFAULT_HOTKEY, ...initial };
  return {
    get: () => ({ ...s }),
    save: async (patch) => {
      s = { ...s, ...patch };
      return { ...s };
    },
  };
}

/** Settings in `<dir>/settings.json`; a missing or unreadable file means the defaults. */
export function fileSettings(dir: string): SettingsHolder {
  const file = path.join(dir, 'settings.json');
  const read = (): AppSettings => {
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      return { hotkey: typeof raw.hotkey === 'string' && raw.hotkey.length <= 100 ? raw.hotkey : DEFAULT_HOTKEY };
    } catch {
      return { hotkey: DEFAULT_HOTKEY };
    }
  };
  return {
    get: read,
    save: async (patch) => {
      const next = { ...read(), ...patch };
      writeFileAtomically(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      return next;
    },
  };
}
