// The SkrodeApi as the desktop app serves it: main/api's implementation, with the settings that
// act on this process. Saving a hotkey registers it first, so a shortcut that is malformed or
// taken is refused with the reason and the old one keeps working.

import type { SkrodeApi } from '../../shared/api.js';
import { ApiError } from '../api/errors.js';
import type { HotkeyOutcome } from './hotkey.js';

export function desktopApi(base: SkrodeApi, hotkey: { apply(raw: unknown): HotkeyOutcome }): SkrodeApi {
  return Object.freeze({
    ...base,
    async saveSettings(args: Parameters<SkrodeApi['saveSettings']>[0]) {
      if (args.hotkey !== undefined) {
        const outcome = hotkey.apply(args.hotkey);
        if (!outcome.ok) throw new ApiError(outcome.reason, 'invalid');
        return base.saveSettings({ ...args, hotkey: outcome.accelerator });
      }
      return base.saveSettings(args);
    },
  });
}
