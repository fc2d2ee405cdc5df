// The global hotkey that toggles the lookup popup. The accelerator is checked first (policy/
// hotkey.ts); register() returning false (another program holds the keys, or the desktop has no
// global shortcuts) is reported with what to do instead: bind `skrode --lookup` in the desktop's
// own keyboard settings. On Wayland, Electron reaches global shortcuts only through the
// GlobalShortcuts portal (the app switches `--enable-features=GlobalShortcutsPortal` on), where
// binding asks the user and register() may answer true while nothing ever fires, so the app
// always mentions the fallback there (STYLE §11.12).

import { checkHotkey } from './policy/hotkey.js';

export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export type HotkeyOutcome = { ok: true; accelerator: string; warning?: string } | { ok: false; reason: string };

export const LOOKUP_FALLBACK_HINT = 'bind the command `skrode --lookup` to a key in your desktop\'s keyboard settings';

export function isWaylandSession(env: Record<string, string | undefined>): boolean {
  return env.XDG_SESSION_TYPE === 'wayland' || (!!env.WAYLAND_DISPLAY && !env.DISPLAY);
}

export class HotkeyService {
  private current: string | undefined;

  constructor(
    private readonly deps: {
      globalShortcut: GlobalShortcutLike;
      onPress: () => void;
      env?: Record<string, string | undefined>;
      log?: (line: string) => void;
    },
  ) {}

  get accelerator(): string | undefined {
    return this.current;
  }

  /** Switch to `raw`; on any failure the previous hotkey stays registered. */
  apply(raw: unknown): HotkeyOutcome {
    const check = checkHotkey(raw);
    if (!check.ok) return { ok: false, reason: check.reason };
    const next = check.accelerator;
    if (next === this.current) return { ok: true, accelerator: next };
    let registered: boolean;
    try {
      registered = this.deps.globalShortcut.register(next, () => this.deps.onPress());
    } catch (e) {
      return { ok: false, reason: `${next}: ${(e as Error).message}` };
    }
    if (!registered) {
      const reason = `${next} could not be registered (another application may be using it, or this desktop has no global shortcuts); ${LOOKUP_FALLBACK_HINT}`;
      this.deps.log?.(`hotkey: ${reason}`);
      return { ok: false, reason };
    }
    if (this.current !== undefined) this.deps.globalShortcut.unregister(this.current);
    this.current = next;
    if (isWaylandSession(this.deps.env ?? {})) {
      const warning = `on Wayland the desktop may ask before ${next} works, or never deliver it; if it does nothing, ${LOOKUP_FALLBACK_HINT}`;
      this.deps.log?.(`hotkey: ${warning}`);
      return { ok: true, accelerator: next, warning };
    }
    return { ok: true, accelerator: next };
  }

  dispose(): void {
    if (this.current !== undefined) this.deps.globalShortcut.unregister(this.current);
    this.current = undefined;
  }
}
