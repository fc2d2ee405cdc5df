// The lookup popup: a small frameless window toggled by the global hotkey (or `skrode --lookup`),
// focused when shown, hidden on Escape or when it loses focus. It is created once and reused
// (hidden, not closed), so the next toggle shows it at once with the renderer already loaded.

import type { Preventable } from './security.js';

export interface KeyInput {
  type: string;
  key: string;
  alt?: boolean;
  control?: boolean;
  meta?: boolean;
  shift?: boolean;
}

export interface PopupWindowLike {
  show(): void;
  hide(): void;
  focus(): void;
  isVisible(): boolean;
  isDestroyed(): boolean;
  loadURL(url: string): Promise<void>;
  on(event: 'blur' | 'closed', listener: () => void): unknown;
  webContents: {
    on(event: 'before-input-event', listener: (event: Preventable, input: KeyInput) => void): unknown;
    getURL(): string;
  };
}

export interface PopupDeps {
  create(): PopupWindowLike;
  url: string;
  log?: (line: string) => void;
}

export const POPUP_SIZE = { width: 640, height: 420 } as const;

export class PopupService {
  private win: PopupWindowLike | undefined;
  private ready: Promise<void> | undefined;

  constructor(private readonly deps: PopupDeps) {}

  private window(): PopupWindowLike {
    if (this.win && !this.win.isDestroyed()) return this.win;
    const win = this.deps.create();
    this.win = win;
    win.on('blur', () => this.hide());
    win.on('closed', () => {
      if (this.win === win) {
        this.win = undefined;
        this.ready = undefined;
      }
    });
    win.webContents.on('before-input-event', (event, input) => {
      // Escape hides the popup from its first view; a deeper view the renderer puts in the hash
      // (`#/popup/person/...`) gets the key itself, to go back.
      if (input.type === 'keyDown' && input.key === 'Escape' && !input.alt && !input.control && !input.meta && !input.shift && atPopupRoot(win.webContents.getURL())) {
        event.preventDefault();
        this.hide();
      }
    });
    this.ready = win.loadURL(this.deps.url).catch((e: unknown) => this.deps.log?.(`popup: could not load the lookup page: ${(e as Error).message}`));
    return win;
  }

  visible(): boolean {
    return !!this.win && !this.win.isDestroyed() && this.win.isVisible();
  }

  async show(): Promise<void> {
    const win = this.window();
    await this.ready;
    if (win.isDestroyed()) return;
    win.show();
    win.focus();
  }

  hide(): void {
    if (this.win && !this.win.isDestroyed() && this.win.isVisible()) this.win.hide();
  }

  async toggle(): Promise<void> {
    if (this.visible()) this.hide();
    else await this.show();
  }
}

/** Whether the popup shows its first view (the search), judged by the route in the hash. */
export function atPopupRoot(url: unknown): boolean {
  if (typeof url !== 'string') return true;
  const hash = url.includes('#') ? url.slice(url.indexOf('#')) : '';
  return hash === '' || hash === '#/popup' || hash === '#/popup/' || hash.startsWith('#/popup?');
}
