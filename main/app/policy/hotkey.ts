// Checking a global-shortcut accelerator before it reaches globalShortcut.register(), which
// throws on some malformed strings and silently accepts others. The grammar is Electron's
// (docs/api/accelerator.md): zero or more modifiers, then exactly one key, joined by '+'.

export { DEFAULT_HOTKEY } from '../../api/settings.js';

const MODIFIERS = new Set(['command', 'cmd', 'control', 'ctrl', 'commandorcontrol', 'cmdorctrl', 'alt', 'option', 'altgr', 'shift', 'super', 'meta']);
const NAMED_KEYS = new Set([
  'plus', 'space', 'tab', 'capslock', 'numlock', 'scrolllock', 'backspace', 'delete', 'insert', 'return', 'enter',
  'up', 'down', 'left', 'right', 'home', 'end', 'pageup', 'pagedown', 'escape', 'esc', 'printscreen',
  'volumeup', 'volumedown', 'volumemute', 'medianexttrack', 'mediaprevioustrack', 'mediastop', 'mediaplaypause',
  'num0', 'num1', 'num2', 'num3', 'num4', 'num5', 'num6', 'num7', 'num8', 'num9',
  'numdec', 'numadd', 'numsub', 'nummult', 'numdiv',
]);

export type HotkeyCheck = { ok: true; accelerator: string } | { ok: false; reason: string };

export function checkHotkey(raw: unknown): HotkeyCheck {
  if (typeof raw !== 'string') return { ok: false, reason: 'a shortcut is text such as CommandOrControl+Shift+K' };
  const s = raw.trim();
  if (s.length === 0 || s.length > 100) return { ok: false, reason: 'a shortcut is 1 to 100 characters' };
  const parts = s.split('+');
  if (parts.some((p) => p.length === 0)) return { ok: false, reason: `"${s}": empty part (write the plus key as "Plus")` };
  const key = parts[parts.length - 1]!;
  const mods = parts.slice(0, -1);
  const seen = new Set<string>();
  for (const m of mods) {
    const lm = m.toLowerCase();
    if (!MODIFIERS.has(lm)) return { ok: false, reason: `"${m}" is not a modifier (CommandOrControl, Control, Alt, Shift, Super)` };
    if (seen.has(lm)) return { ok: false, reason: `"${m}" appears twice` };
    seen.add(lm);
  }
  if (MODIFIERS.has(key.toLowerCase())) return { ok: false, reason: `"${s}" has no key after its modifiers` };
  if (!isKey(key)) return { ok: false, reason: `"${key}" is not a key Electron knows` };
  // A bare key or Shift+key would swallow ordinary typing in every other application.
  if (mods.length === 0 && !/^f([1-9]|1[0-9]|2[0-4])$/i.test(key)) return { ok: false, reason: `"${s}" needs a modifier (a bare key would stop it being typed anywhere else)` };
  if (mods.length === 1 && mods[0]!.toLowerCase() === 'shift') return { ok: false, reason: `"${s}" needs a modifier other than Shift` };
  return { ok: true, accelerator: s };
}

function isKey(key: string): boolean {
  if (/^[A-Za-z0-9]$/.test(key)) return true;
  if (/^f([1-9]|1[0-9]|2[0-4])$/i.test(key)) return true;
  if (NAMED_KEYS.has(key.toLowerCase())) return true;
  return /^[)!@#$%^&*(:;"'<>?,./`~=_\-[\]{}|]$/.test(key);
}
