import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MainWindowService, type MainWindowLike } from './main-window.js';

class FakeWindow extends EventEmitter {
  loaded: string[] = [];
  shown = 0;
  destroyed = false;
  minimized = false;
  show() {
    this.shown++;
  }
  focus() {}
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  async loadURL(u: string) {
    this.loaded.push(u);
  }
}

describe('MainWindowService', () => {
  it('creates the window once, loads the page asked for, and recreates it after close', async () => {
    const made: FakeWindow[] = [];
    const s = new MainWindowService({ create: () => (made.push(new FakeWindow()), made.at(-1) as unknown as MainWindowLike) });
    await s.open();
    await s.open();
    await s.open('sources');
    expect(made).toHaveLength(1);
    expect(made[0]!.loaded).toEqual(['app://skrode/index.html#/main/people', 'app://skrode/index.html#/main/sources']);
    made[0]!.minimized = true;
    await s.open();
    expect(made[0]!.minimized).toBe(false);
    made[0]!.destroyed = true;
    made[0]!.emit('closed');
    await s.open('../../etc');
    expect(made).toHaveLength(2);
    expect(made[1]!.loaded).toEqual(['app://skrode/index.html#/main/people']);
  });
});
