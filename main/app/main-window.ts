// The main window (post search, sources and imports, ingestion status, settings). Closing it
// only closes the window: the app keeps running in the tray with its ingestion.

import { appUrl } from './policy/sender.js';

export interface MainWindowLike {
  show(): void;
  focus(): void;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  loadURL(url: string): Promise<void>;
  on(event: 'closed', listener: () => void): unknown;
}

const PAGE = /^[a-z]{1,20}$/;

export class MainWindowService {
  private win: MainWindowLike | undefined;

  constructor(private readonly deps: { create(): MainWindowLike; log?: (line: string) => void }) {}

  /** Show the window (creating it if needed), on `page` when one is given. */
  async open(page?: string): Promise<void> {
    const route = `main/${page && PAGE.test(page) ? page : 'people'}`;
    let win = this.win;
    if (!win || win.isDestroyed()) {
      win = this.deps.create();
      this.win = win;
      const created = win;
      win.on('closed', () => {
        if (this.win === created) this.win = undefined;
      });
      await this.load(win, route);
    } else if (page) {
      await this.load(win, route);
    }
    if (win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  private async load(win: MainWindowLike, route: string): Promise<void> {
    try {
      await win.loadURL(appUrl(route));
    } catch (e) {
      this.deps.log?.(`main window: could not load ${route}: ${(e as Error).message}`);
    }
  }
}
