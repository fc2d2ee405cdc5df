// `skrode serve` as a command: refuses clearly when the renderer is not built or the port is bad.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runServe } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-serve-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = fileURLToPath(new URL('../../bin/skrode.js', import.meta.url));

describe('skrode serve', () => {
  it('refuses to start without a built renderer, saying how to build it', async () => {
    await expect(runServe({ db: join(dir, 'x.db'), port: 0, rendererDir: join(dir, 'nothing') })).rejects.toThrow(/renderer is not built .*npm run build/);
  });

  it('refuses a bad port before opening anything', () => {
    const r = spawnSync(process.execPath, [bin, '--db', join(dir, 'y.db'), 'serve', '--port', '70000'], { encoding: 'utf8', env: { ...process.env, SKRODE_HOME: join(dir, 'home') } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/port number/);
  });
});
