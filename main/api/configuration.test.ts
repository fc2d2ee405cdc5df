import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfiguration } from './configuration.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-api-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readConfiguration', () => {
  it('lists the tagged values of the config with secrets redacted', () => {
    const file = join(dir, 'config.yml');
    writeFileSync(
      file,
      ['store: !skrode/sqlite { path: people.db }', 'twitter: !skrode/twitter', '  bearer_token: AAAA-very-secret-token', ''].join('\n'),
    );
    const c = readConfiguration(file);
    expect(c.error).toBeNull();
    expect(c.file).toBe(file);
    expect(c.origin).toBe('flag');
    expect(c.entries.map((e) => [e.keyPath, e.tag])).toEqual([
      ['store', 'skrode/sqlite'],
      ['twitter', 'skrode/twitter'],
    ]);
    expect(JSON.stringify(c.entries)).not.toContain('very-secret');
    expect(JSON.stringify(c.entries)).toContain('people.db');
  });

  it('says why a bad config cannot be read', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'store: !skrode/sqlite { nonsense: [\n');
    const c = readConfiguration(file);
    expect(c.entries).toEqual([]);
    expect(c.error).toMatch(/bad\.yml/);
  });
});
