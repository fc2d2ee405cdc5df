import { describe, expect, it, vi } from 'vitest';
import { HotkeyService, isWaylandSession, type GlobalShortcutLike } from './hotkey.js';

function fakeShortcuts(taken: string[] = []) {
  const registered = new Map<string, () => void>();
  const gs: GlobalShortcutLike = {
    register: (acc, cb) => {
      if (taken.includes(acc) || registered.has(acc)) return false;
      registered.set(acc, cb);
      return true;
    },
    unregister: (acc) => void registered.delete(acc),
  };
  return { gs, registered };
}

describe('HotkeyService', () => {
  it('registers the hotkey, and pressing it calls onPress', () => {
    const { gs, registered } = fakeShortcuts();
    const onPress = vi.fn();
    const h = new HotkeyService({ globalShortcut: gs, onPress });
    expect(h.apply('CommandOrControl+Shift+K')).toEqual({ ok: true, accelerator: 'CommandOrControl+Shift+K' });
    registered.get('CommandOrControl+Shift+K')!();
    expect(onPress).toHaveBeenCalledOnce();
  });

  it('switches hotkeys, releasing the old one', () => {
    const { gs, registered } = fakeShortcuts();
    const h = new HotkeyService({ globalShortcut: gs, onPress: () => {} });
    h.apply('Alt+Space');
    h.apply('Control+Alt+P');
    expect([...registered.keys()]).toEqual(['Control+Alt+P']);
    expect(h.accelerator).toBe('Control+Alt+P');
  });

  it('keeps the old hotkey when the new one is malformed or taken, saying why and what to do', () => {
    const { gs, registered } = fakeShortcuts(['Alt+Space']);
    const logs: string[] = [];
    const h = new HotkeyService({ globalShortcut: gs, onPress: () => {}, log: (l) => logs.push(l) });
    h.apply('Control+Alt+P');
    expect(h.apply('K')).toMatchObject({ ok: false, reason: expect.stringMatching(/modifier/) });
    const taken = h.apply('Alt+Space');
    expect(taken).toMatchObject({ ok: false, reason: expect.stringMatching(/could not be registered.*skrode --lookup/) });
    expect([...registered.keys()]).toEqual(['Control+Alt+P']);
    expect(logs.join('\n')).toContain('skrode --lookup');
  });

  it('reports a register() that throws instead of crashing', () => {
    const h = new HotkeyService({
      globalShortcut: {
        register: () => {
          throw new Error('conversion failure');
        },
        unregister: () => {},
      },
      onPress: () => {},
    });
    expect(h.apply('Alt+K')).toEqual({ ok: false, reason: 'Alt+K: conversion failure' });
  });

  it('warns on Wayland even when register() says yes', () => {
    const { gs } = fakeShortcuts();
    const h = new HotkeyService({ globalShortcut: gs, onPress: () => {}, env: { XDG_SESSION_TYPE: 'wayland' } });
    expect(h.apply('Alt+K')).toMatchObject({ ok: true, warning: expect.stringMatching(/Wayland.*skrode --lookup/) });
  });

  it('detects Wayland sessions', () => {
    expect(isWaylandSession({ XDG_SESSION_TYPE: 'wayland' })).toBe(true);
    expect(isWaylandSession({ WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(isWaylandSession({ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' })).toBe(false);
    expect(isWaylandSession({ XDG_SESSION_TYPE: 'x11', DISPLAY: ':0' })).toBe(false);
  });

  it('dispose releases the hotkey', () => {
    const { gs, registered } = fakeShortcuts();
    const h = new HotkeyService({ globalShortcut: gs, onPress: () => {} });
    h.apply('Alt+K');
    h.dispose();
    expect(registered.size).toBe(0);
  });
});
