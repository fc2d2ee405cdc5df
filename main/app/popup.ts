// The lookup popup: a small frameless window toggled by the global hotkey (or `skrode --lookup`),
// focused when shown, hidden when it loses focus or on Escape. Escape is the renderer's: it first
// undoes (person view -> results -> clear the query), and with nothing left asks the main process
// through SkrodeApi.hidePopup, which calls hide() here. It is created once and reused
// (hidden, not closed), so the next toggle shows it at once with the renderer already loaded.

export interface PopupWindowLike {
  show(): void;
  hide(): void;
  focus(): void;
  isVisible(): boolean;
  isDestroyed(): boolean;
  loadURL(url: string): Promise<void>;
  on(event: 'blur' | 'closed', listener: () => void): unknown;
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

