// writeFileAtomically: the mode kept (or forced), through a symlink, no temporary file left.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomically } from './atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
  it('writes atomically: the mode kept, through a symlink, no temporary file left', () => {
    const file = join(dir, 'config.yml');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    writeFileAtomically(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    const link = join(dir, 'link.yml');
    symlinkSync(file, link);
    writeFileAtomically(link, 'through the link\n');
    expect(readFileSync(file, 'utf8')).toBe('through the link\n');
    const fresh = join(dir, 'sub', 'config.yml');
    writeFileAtomically(fresh, 'x: 1\n');
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('forces the mode it is given (a file of secrets stays private)', () => {
    const file = join(dir, 'secrets.json');
    writeFileSync(file, '{}\n');
    chmodSync(file, 0o644);
    writeFileAtomically(file, '{"version":1}\n', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('{"version":1}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
