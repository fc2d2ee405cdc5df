// The importer registry's view of X archives: what detect() recognises, and registration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registeredImporters } from '../importer.js';
import { generateArchive } from './generate-archive.js';
import { registerTwitterImporters, xArchiveImporter } from './index.js';
import { writeZip, zipFolder } from './zip-writer.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skrode-xdetect-'));
  generateArchive(join(tmp, 'archive'), { tweets: 5, seed: 1 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const head = (p: string) => readFileSync(p).subarray(0, 64);

describe('x-archive detect', () => {
  it('recognises the folder, its data/ folder and the zip', async () => {
    expect(await xArchiveImporter.detect(join(tmp, 'archive'), { isDirectory: true, head: Buffer.alloc(0) })).toBeGreaterThan(0.9);
    expect(await xArchiveImporter.detect(join(tmp, 'archive', 'data'), { isDirectory: true, head: Buffer.alloc(0) })).toBeGreaterThan(0.9);
    const zip = join(tmp, 'a.zip');
    await zipFolder(join(tmp, 'archive'), zip);
    expect(await xArchiveImporter.detect(zip, { isDirectory: false, head: head(zip) })).toBeGreaterThan(0.9);
  });

  it('says no to other zips, folders and files', async () => {
    const other = join(tmp, 'other.zip');
    await writeZip(other, [{ name: 'readme.txt', from: { bytes: 'hello' } }]);
    expect(await xArchiveImporter.detect(other, { isDirectory: false, head: head(other) })).toBe(0);
    mkdirSync(join(tmp, 'empty'));
    expect(await xArchiveImporter.detect(join(tmp, 'empty'), { isDirectory: true, head: Buffer.alloc(0) })).toBe(0);
    const f = join(tmp, 'tweets.jsonl');
    writeFileSync(f, '{"type":"post"}\n');
    expect(await xArchiveImporter.detect(f, { isDirectory: false, head: head(f) })).toBe(0);
  });

  it('registers once', () => {
    registerTwitterImporters();
    registerTwitterImporters();
    expect(registeredImporters().filter((i) => i.name === 'x-archive')).toHaveLength(1);
  });
});
