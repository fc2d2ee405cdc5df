import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { desktopAppCandidates, findDesktopApp, launchDesktopLookup } from './launch.js';

describe('finding the desktop app for `skrode --lookup`', () => {
  it('prefers SKRODE_APP, then the installers\' places', () => {
    expect(desktopAppCandidates({ platform: 'linux', env: { SKRODE_APP: '/x/app' }, home: '/home/u' })[0]).toEqual({ command: '/x/app', args: ['--lookup'] });
    expect(desktopAppCandidates({ platform: 'linux', env: {}, home: '/home/u' }).map((c) => c.command)).toEqual(['/usr/bin/skrode-app', '/opt/Skrode/skrode-app', '/home/u/Applications/Skrode.AppImage']);
    expect(desktopAppCandidates({ platform: 'darwin', env: {}, home: '/Users/u' })).toEqual([{ command: '/usr/bin/open', args: ['-n', '-b', 'org.skrode.desktop', '--args', '--lookup'] }]);
    expect(desktopAppCandidates({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, home: 'C:\\Users\\u' })[0]!.command).toBe('C:\\Users\\u\\AppData\\Local\\Programs\\Skrode\\Skrode.exe');
  });

  it('takes the first that exists', () => {
    const found = findDesktopApp({ platform: 'linux', env: {}, home: '/home/u', exists: (f) => f === '/opt/Skrode/skrode-app' });
    expect(found).toEqual({ command: '/opt/Skrode/skrode-app', args: ['--lookup'] });
    expect(findDesktopApp({ platform: 'linux', env: {}, home: '/home/u', exists: () => false })).toBeNull();
  });

  it('starts it detached and lets the CLI exit', async () => {
    const started: unknown[] = [];
    const child = Object.assign(new EventEmitter(), { unref: () => started.push('unref') });
    const fakeSpawn = ((cmd: string, args: string[], opts: unknown) => {
      started.push([cmd, args, opts]);
      setImmediate(() => child.emit('spawn'));
      return child;
    }) as never;
    await launchDesktopLookup({ platform: 'linux', env: { SKRODE_APP: '/x/app' }, home: '/h' }, fakeSpawn);
    expect(started).toEqual([['/x/app', ['--lookup'], { detached: true, stdio: 'ignore' }], 'unref']);
  });

  it('says what it looked for when there is no app', async () => {
    await expect(launchDesktopLookup({ platform: 'linux', env: {}, home: '/h', exists: () => false })).rejects.toThrow(/not found \(looked for \/usr\/bin\/skrode-app.*set SKRODE_APP/);
  });
});
