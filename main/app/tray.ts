// The tray icon and its menu: open the lookup, open the main window, pause or resume the
// background ingestion, import a file, quit. Electron's Tray and Menu come in as factories
// (Signal's SystemTrayService), so the menu's behaviour is tested with fakes.

export interface MenuItemTemplate {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  click?: () => void;
}

export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: never): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export type IngestState = { kind: 'not-configured' } | { kind: 'running' } | { kind: 'paused' } | { kind: 'busy'; what: string } | { kind: 'failed'; reason: string };

export interface TrayActions {
  openLookup(): void;
  openMain(): void;
  setIngestPaused(paused: boolean): void;
  importFile(): void;
  quit(): void;
}

export interface TrayDeps<Menu> {
  createTray(): TrayLike;
  buildMenu(template: MenuItemTemplate[]): Menu;
  actions: TrayActions;
  /** Extra items (e.g. "Re-enter the token for X"), shown above Quit. */
  extraItems?: () => MenuItemTemplate[];
}

export class TrayService<Menu> {
  private tray: TrayLike | undefined;
  private ingest: IngestState = { kind: 'not-configured' };

  constructor(private readonly deps: TrayDeps<Menu>) {}

  start(): void {
    if (this.tray) return;
    this.tray = this.deps.createTray();
    // A left click opens the lookup where the platform sends clicks (Windows, macOS).
    this.tray.on('click', () => this.deps.actions.openLookup());
    this.refresh();
  }

  setIngestState(state: IngestState): void {
    this.ingest = state;
    this.refresh();
  }

  refresh(): void {
    if (!this.tray) return;
    this.tray.setToolTip(`Skrode: ${describeIngest(this.ingest)}`);
    this.tray.setContextMenu(this.deps.buildMenu(this.template()) as never);
  }

  template(): MenuItemTemplate[] {
    const a = this.deps.actions;
    const ingest = this.ingest;
    const ingestItem: MenuItemTemplate =
      ingest.kind === 'running'
        ? { id: 'ingest', label: 'Pause ingestion', click: () => a.setIngestPaused(true) }
        : ingest.kind === 'paused' || ingest.kind === 'failed'
          ? { id: 'ingest', label: 'Resume ingestion', click: () => a.setIngestPaused(false) }
          : { id: 'ingest', label: ingest.kind === 'busy' ? `Ingestion: ${ingest.what}...` : 'Ingestion: not configured', enabled: false };
    return [
      { id: 'lookup', label: 'Look up someone...', click: () => a.openLookup() },
      { id: 'main', label: 'Open Skrode', click: () => a.openMain() },
      { type: 'separator' },
      ingestItem,
      { id: 'import', label: 'Import a file...', click: () => a.importFile() },
      ...(this.deps.extraItems?.() ?? []),
      { type: 'separator' },
      { id: 'quit', label: 'Quit Skrode', click: () => a.quit() },
    ];
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = undefined;
  }
}

export function describeIngest(s: IngestState): string {
  switch (s.kind) {
    case 'running':
      return 'ingesting';
    case 'paused':
      return 'ingestion paused';
    case 'busy':
      return `ingestion ${s.what}`;
    case 'failed':
      return `ingestion stopped: ${s.reason}`;
    case 'not-configured':
      return 'no ingestion configured';
  }
}
