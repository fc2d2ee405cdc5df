import { describe, expect, it } from 'vitest';
import type { SkrodeApi } from '../../shared/api.js';
import { createSkrodeApi } from '../api/create.js';
import { memorySettings } from '../api/settings.js';
import { desktopApi } from './desktop-api.js';
import { HotkeyService } from './hotkey.js';

describe('desktopApi.saveSettings', () => {
  function setup(taken: string[] = []) {
    const registered = new Set<string>();
    const hotkey = new HotkeyService({
      globalShortcut: { register: (a) => !taken.includes(a) && (registered.add(a), true), unregister: (a) => void registered.delete(a) },
      onPress: () => {},
    });
    hotkey.apply('CommandOrControl+Shift+K');
    const base = createSkrodeApi({ store: {} as never, lookup: {} as never, posts: {} as never, storeInfo: { kind: 'sqlite', path: '/x.db' }, host: 'electron', settings: memorySettings() });
    return { api: desktopApi(base, hotkey) as SkrodeApi, registered };
  }

  it('registers the new hotkey, then saves it', async () => {
    const { api, registered } = setup();
    expect(await api.saveSettings({ hotkey: 'Alt+Space' })).toMatchObject({ hotkey: 'Alt+Space', host: 'electron' });
    expect([...registered]).toEqual(['Alt+Space']);
    expect((await api.settings()).hotkey).toBe('Alt+Space');
  });

  it('refuses a malformed or taken hotkey, keeping the old one saved and working', async () => {
    const { api, registered } = setup(['Alt+Space']);
    await expect(api.saveSettings({ hotkey: 'K' })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(api.saveSettings({ hotkey: 'Alt+Space' })).rejects.toMatchObject({ kind: 'invalid', message: expect.stringMatching(/skrode --lookup/) });
    expect((await api.settings()).hotkey).toBe('CommandOrControl+Shift+K');
    expect([...registered]).toEqual(['CommandOrControl+Shift+K']);
  });
});
