import { describe, expect, it, vi } from 'vitest';
import { TrayService, type MenuItemTemplate, type TrayLike } from './tray.js';

function setup() {
  const actions = { openLookup: vi.fn(), openMain: vi.fn(), setIngestPaused: vi.fn(), importFile: vi.fn(), quit: vi.fn() };
  const menus: MenuItemTemplate[][] = [];
  const tips: string[] = [];
  let click: (() => void) | undefined;
  const tray: TrayLike = {
    setToolTip: (t) => tips.push(t),
    setContextMenu: () => {},
    on: (_e, l) => (click = l),
    destroy: vi.fn(),
  };
  const createTray = vi.fn(() => tray);
  const service = new TrayService({ createTray, buildMenu: (t) => (menus.push(t), t), actions });
  const item = (id: string) => menus.at(-1)!.find((i) => i.id === id)!;
  return { service, actions, menus, tips, item, tray, createTray, clickIcon: () => click?.() };
}

describe('TrayService', () => {
  it('offers lookup, main window, import and quit, each calling its action', () => {
    const t = setup();
    t.service.start();
    t.item('lookup').click!();
    t.item('main').click!();
    t.item('import').click!();
    t.item('quit').click!();
    expect(t.actions.openLookup).toHaveBeenCalledOnce();
    expect(t.actions.openMain).toHaveBeenCalledOnce();
    expect(t.actions.importFile).toHaveBeenCalledOnce();
    expect(t.actions.quit).toHaveBeenCalledOnce();
    t.clickIcon();
    expect(t.actions.openLookup).toHaveBeenCalledTimes(2);
  });

  it('pauses when running and resumes when paused, rebuilding the menu and tooltip', () => {
    const t = setup();
    t.service.start();
    expect(t.item('ingest')).toMatchObject({ label: 'Ingestion: not configured', enabled: false });
    t.service.setIngestState({ kind: 'running' });
    expect(t.item('ingest').label).toBe('Pause ingestion');
    t.item('ingest').click!();
    expect(t.actions.setIngestPaused).toHaveBeenLastCalledWith(true);
    t.service.setIngestState({ kind: 'paused' });
    expect(t.item('ingest').label).toBe('Resume ingestion');
    t.item('ingest').click!();
    expect(t.actions.setIngestPaused).toHaveBeenLastCalledWith(false);
    t.service.setIngestState({ kind: 'busy', what: 'pausing' });
    expect(t.item('ingest')).toMatchObject({ enabled: false, label: 'Ingestion: pausing...' });
    t.service.setIngestState({ kind: 'failed', reason: 'bad config' });
    expect(t.item('ingest').label).toBe('Resume ingestion');
    expect(t.tips.at(-1)).toBe('Skrode: ingestion stopped: bad config');
  });

  it('creates one tray, and destroys it', () => {
    const t = setup();
    t.service.start();
    t.service.start();
    expect(t.createTray).toHaveBeenCalledOnce();
    t.service.destroy();
    expect(t.tray.destroy).toHaveBeenCalledOnce();
  });
});
