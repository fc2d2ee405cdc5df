// `skrode --lookup` as a real process (bin/skrode.js, the build in out/): it starts the desktop
// app's executable with --lookup (here a stand-in script that records its arguments).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../util/worker-entry.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-lookup-flag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(packageRoot(), 'bin', 'skrode.js'), ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, encoding: 'utf8' });

describe('skrode --lookup', () => {
  it('starts the desktop app with --lookup', async () => {
    const out = join(dir, 'argv.txt');
    const app = join(dir, 'fake-app.sh');
    writeFileSync(app, `#!/bin/sh\necho "$@" > "${out}"\n`);
    chmodSync(app, 0o755);
    const r = cli(['--lookup'], { SKRODE_APP: app });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (let i = 0; i < 100 && !existsSync(out); i++) await new Promise((res) => setTimeout(res, 20));
    expect(readFileSync(out, 'utf8').trim()).toBe('--lookup');
  });

  it('says so when no desktop app is installed', () => {
    const r = cli(['--lookup']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/desktop app was not found .*set SKRODE_APP/);
  });

  it('leaves unknown commands and bare `skrode` as they were', () => {
    const typo = cli(['whos']);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toMatch(/unknown command 'whos'[\s\S]*Did you mean whois\?/);
    const bare = cli([]);
    expect(bare.status).toBe(1);
    expect(bare.stderr).toMatch(/Usage: skrode/);
  });
});
