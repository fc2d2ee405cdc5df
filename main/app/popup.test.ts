import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { atPopupRoot, PopupService, type KeyInput, type PopupWindowLike } from './popup.js';

class FakeWindow extends EventEmitter {
  visible = false;
  destroyed = false;
  focused = 0;
  loaded: string[] = [];
  url = 'app://skrode/index.html#/popup';
  webContents = Object.assign(new EventEmitter(), { getURL: () => this.url });
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused++;
  }
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  async loadURL(url: string) {
    this.loaded.push(url);
  }
  key(input: KeyInput): boolean {
    let prevented = false;
    this.webContents.emit('before-input-event', { preventDefault: () => (prevented = true) }, input);
    return prevented;
  }
  close() {
    this.destroyed = true;
    this.emit('closed');
  }
}

function setup() {
  const windows: FakeWindow[] = [];
  const popup = new PopupService({
    url: 'app://skrode/index.html#/popup',
    create: () => {
      const w = new FakeWindow();
      windows.push(w);
      return w as unknown as PopupWindowLike;
    },
  });
  return { popup, windows };
}

describe('PopupService', () => {
  it('toggles one reused window, focused when shown', async () => {
    const { popup, windows } = setup();
    await popup.toggle();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.loaded).toEqual(['app://skrode/index.html#/popup']);
    expect(windows[0]!.visible).toBe(true);
    expect(windows[0]!.focused).toBe(1);
    await popup.toggle();
    expect(windows[0]!.visible).toBe(false);
    await popup.toggle();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.loaded).toHaveLength(1);
    expect(windows[0]!.visible).toBe(true);
  });

  it('hides on Escape (and only a bare Escape key-down)', async () => {
    const { popup, windows } = setup();
    await popup.show();
    const w = windows[0]!;
    expect(w.key({ type: 'keyUp', key: 'Escape' })).toBe(false);
    expect(w.key({ type: 'keyDown', key: 'Escape', shift: true })).toBe(false);
    expect(w.key({ type: 'keyDown', key: 'a' })).toBe(false);
    expect(w.visible).toBe(true);
    expect(w.key({ type: 'keyDown', key: 'Escape' })).toBe(true);
    expect(w.visible).toBe(false);
  });

  it('leaves Escape to the renderer in a deeper view of the popup', async () => {
    const { popup, windows } = setup();
    await popup.show();
    const w = windows[0]!;
    w.url = 'app://skrode/index.html#/popup/person/h:1';
    expect(w.key({ type: 'keyDown', key: 'Escape' })).toBe(false);
    expect(w.visible).toBe(true);
    w.url = 'app://skrode/index.html#/popup';
    expect(w.key({ type: 'keyDown', key: 'Escape' })).toBe(true);
    expect(atPopupRoot('app://skrode/index.html')).toBe(true);
    expect(atPopupRoot('app://skrode/index.html#/popup?q=mira')).toBe(true);
    expect(atPopupRoot('app://skrode/index.html#/popupx')).toBe(false);
  });

  it('hides when it loses focus', async () => {
    const { popup, windows } = setup();
    await popup.show();
    windows[0]!.emit('blur');
    expect(popup.visible()).toBe(false);
  });

  it('makes a new window after the old one was closed', async () => {
    const { popup, windows } = setup();
    await popup.show();
    windows[0]!.close();
    expect(popup.visible()).toBe(false);
    await popup.show();
    expect(windows).toHaveLength(2);
    expect(windows[1]!.visible).toBe(true);
  });
});
