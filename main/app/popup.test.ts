import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PopupService, type PopupWindowLike } from './popup.js';

class FakeWindow extends EventEmitter {
  visible = false;
  destroyed = false;
  focused = 0;
  loaded: string[] = [];
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

  it('hide() (the API\'s hidePopup, sent by the renderer on Escape) hides it; nothing to hide is fine', async () => {
    const { popup, windows } = setup();
    popup.hide();
    expect(windows).toHaveLength(0);
    await popup.show();
    popup.hide();
    expect(windows[0]!.visible).toBe(false);
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
