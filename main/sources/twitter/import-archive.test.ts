import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, symlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observation } from '../../model/observations.js';
import type { ImportProblem } from '../importer.js';
import { generateArchive, type GeneratedArchive } from './generate-archive.js';
import { importXArchive, looksLikeXArchive } from './import-archive.js';
import { writeZip, zipFolder } from './zip-writer.js';

let tmp: string;
let gen: GeneratedArchive;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skrode-xarchive-'));
  gen = generateArchive(join(tmp, 'archive'), { tweets: 600, tweetsPerPart: 250, seed: 7 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(path: string, opts: { maxElementChars?: number; limits?: Parameters<typeof importXArchive>[1]['limits'] } = {}) {
  const obs: Observation[] = [];
  const problems: ImportProblem[] = [];
  const progress: number[] = [];
  const res = await importXArchive(path, { emit: (o) => void obs.push(o), problem: (p) => problems.push(p), progress: (p) => progress.push(p.done), ...opts });
  return { obs, problems, res, progress };
}
const count = (obs: Observation[], pred: (o: Observation) => boolean) => obs.filter(pred).length;

describe('importXArchive on a generated archive', () => {
  it('imports every data type of the folder, driven by the manifest, multi-part tweets included', async () => {
    const { obs, problems, res, progress } = await run(gen.dir);
    expect(problems).toEqual([]);
    const e = gen.expect;
    expect(res.counts.tweets).toBe(e.tweets);
    expect(res.counts.files).toBeGreaterThanOrEqual(14);
    expect(res.counts.retweets + res.counts.retweetsWithoutOriginal).toBe(e.retweets);
    expect(res.counts.retweets).toBe(e.retweetsWithOriginal);
    expect(res.counts.replies).toBe(e.replies);
    expect(res.counts.likes).toBe(e.likes);
    expect(res.counts.dms).toBe(e.dms);
    expect(res.counts.groupDms).toBe(e.groupDms);
    expect(res.counts.notesMatched).toBe(e.noteTweets);
    expect(res.counts.follows).toBe(e.followers + e.following);
    // Follower rows are edges only (the store names them from mentions: archive-store.test.ts).
    expect(count(obs, (o) => o.type === 'relationship' && o.provenance.file === 'data/follower.js')).toBe(e.followers);
    expect(count(obs, (o) => o.type === 'account' && o.provenance.file === 'data/follower.js')).toBe(0);
    // The owner is the user's own.
    expect(obs.filter((o) => o.type === 'identity')).toEqual([expect.objectContaining({ accounts: ['twitter+user:3128746474', 'email+addr:owner@example.org'], self: true })]);
    // Every tweet's post, each once.
    const posts = new Set(obs.filter((o) => o.type === 'post' && o.externalId.startsWith('twitter+tweet:') && o.poster === 'twitter+user:3128746474').map((o) => (o as { externalId: string }).externalId));
    expect(posts.size).toBe(e.tweets - e.retweetsWithOriginal);
    expect(count(obs, (o) => o.type === 'relationship' && o.kind === 'blocks')).toBe(1);
    expect(count(obs, (o) => o.type === 'relationship' && o.kind === 'mutes')).toBe(1);
    expect(count(obs, (o) => o.type === 'list')).toBe(3);
    expect(progress.at(-1)).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('reads the zip exactly like the folder (also when wrapped in a top folder)', async () => {
    const zip = join(tmp, 'a.zip');
    await zipFolder(gen.dir, zip, { prefix: 'twitter-2026-01-01-abc/' });
    expect(await looksLikeXArchive(zip)).toBe(true);
    expect(await looksLikeXArchive(join(tmp, 'nothing-here'))).toBe(false);
    const fromZip = await run(zip);
    const fromDir = await run(gen.dir);
    expect(fromZip.problems).toEqual([]);
    expect(fromZip.obs.length).toBe(fromDir.obs.length);
    expect(JSON.stringify(fromZip.obs.map((o) => ({ ...o, provenance: undefined })))).toBe(JSON.stringify(fromDir.obs.map((o) => ({ ...o, provenance: undefined }))));
  });

  it('imports an older archive (tweet.js) without a manifest, finding files by name', async () => {
    const dir = join(tmp, 'old');
    generateArchive(dir, { tweets: 30, oldTweetFile: true, seed: 3 });
    rmSync(join(dir, 'data', 'manifest.js'));
    const { problems, res } = await run(dir);
    expect(problems).toEqual([expect.objectContaining({ file: 'data/manifest.js', reason: expect.stringMatching(/missing/) })]);
    expect(res.counts.tweets).toBe(30);
    expect(res.owner?.id).toBe('3128746474');
  });
});

describe('hostile archives', () => {
  it('a malformed element in one part is reported with file and index; the rest is imported', async () => {
    const dir = join(tmp, 'malformed');
    generateArchive(dir, { tweets: 40, tweetsPerPart: 20, seed: 5 });
    const f = join(dir, 'data', 'tweets-part1.js');
    const text = readFileSync(f, 'utf8');
    // Break the 3rd element of part 1 ("id_str" value no longer quoted properly).
    let n = 0;
    const broken = text.replace(/"id_str": ?"(\d+)"/g, (m, id) => (++n === 3 ? `"id_str": "${id}"x` : m));
    writeFileSync(f, broken);
    const { problems, res } = await run(dir);
    expect(problems).toEqual([expect.objectContaining({ file: 'data/tweets-part1.js', record: expect.stringMatching(/^#\d+$/), reason: expect.stringMatching(/malformed JSON/) })]);
    expect(res.counts.tweets).toBe(39);
  });

  it('a truncated file keeps what was read and says where it stopped', async () => {
    const dir = join(tmp, 'truncated');
    const g = generateArchive(dir, { tweets: 20, seed: 6 });
    const f = join(dir, 'data', 'tweets.js');
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, text.slice(0, Math.floor(text.length * 0.6)));
    const { problems, res } = await run(dir);
    expect(problems).toEqual([expect.objectContaining({ file: 'data/tweets.js', reason: expect.stringMatching(/truncated/) })]);
    expect(res.counts.tweets).toBeGreaterThan(5);
    expect(res.counts.tweets).toBeLessThan(20);
    expect(res.counts.likes).toBe(g.expect.likes);
  });

  it('zip-slip entries are refused and named; the archive still imports', async () => {
    const zip = join(tmp, 'slip.zip');
    const data = join(gen.dir, 'data');
    await writeZip(zip, [
      { name: '../../etc/evil.js', from: { bytes: 'window.YTD.x.part0 = []' } },
      { name: '/abs/path.js', from: { bytes: 'x' } },
      { name: 'data\\..\\..\\win.js', from: { bytes: 'x' } },
      { name: 'data/manifest.js', from: { path: join(data, 'manifest.js') } },
      { name: 'data/account.js', from: { path: join(data, 'account.js') } },
      { name: 'data/tweets.js', from: { path: join(data, 'tweets.js') } },
    ]);
    const { problems, res } = await run(zip);
    const unsafe = problems.filter((p) => /unsafe entry name/.test(p.reason));
    expect(unsafe.map((p) => p.file).sort()).toEqual(['../../etc/evil.js', '/abs/path.js', 'data\\..\\..\\win.js']);
    expect(res.counts.tweets).toBe(250);
    // The manifest lists files this zip lacks: each is named, nothing else breaks.
    expect(problems.some((p) => p.file === 'data/like.js' && /not in the archive/.test(p.reason))).toBe(true);
  });

  it('a zip bomb (huge compression ratio) is refused for that entry only', async () => {
    const zip = join(tmp, 'bomb.zip');
    const data = join(gen.dir, 'data');
    const spaces = Buffer.alloc(1 << 20, 0x20);
    await writeZip(zip, [
      { name: 'data/manifest.js', from: { path: join(data, 'manifest.js') } },
      { name: 'data/account.js', from: { path: join(data, 'account.js') } },
      { name: 'data/like.js', from: { chunks: function* () { yield 'window.YTD.like.part0 = [ {"like": {"tweetId": "1", "fullText": "'; for (let i = 0; i < 40; i++) yield spaces; yield '"}} ]'; } } },
      { name: 'data/tweets.js', from: { path: join(data, 'tweets.js') } },
    ]);
    const { problems, res } = await run(zip);
    expect(problems.filter((p) => p.file === 'data/like.js')).toEqual([expect.objectContaining({ reason: expect.stringMatching(/compression ratio .* over the limit/) })]);
    expect(res.counts.tweets).toBe(250);
  });

  it('limits on entry count and sizes, and an entry that inflates past its declared size', async () => {
    const data = join(gen.dir, 'data');
    const many = join(tmp, 'many.zip');
    await writeZip(many, Array.from({ length: 50 }, (_, i) => ({ name: `data/f${i}.js`, from: { bytes: 'x' } })));
    await expect(run(many, { limits: { maxEntries: 10, maxEntryBytes: 1e9, maxTotalBytes: 1e9, maxRatio: 250 } })).rejects.toThrow(/50 entries, more than the limit of 10/);

    const big = join(tmp, 'big.zip');
    await writeZip(big, [
      { name: 'data/manifest.js', from: { path: join(data, 'manifest.js') } },
      { name: 'data/account.js', from: { path: join(data, 'account.js') } },
      { name: 'data/tweets.js', from: { path: join(data, 'tweets.js') } },
    ]);
    const r1 = await run(big, { limits: { maxEntries: 100, maxEntryBytes: 50_000, maxTotalBytes: 1e9, maxRatio: 250 } });
    expect(r1.problems.find((p) => p.file === 'data/tweets.js')?.reason).toMatch(/over the limit of 50000/);

    const liar = join(tmp, 'liar.zip');
    await writeZip(liar, [
      { name: 'data/manifest.js', from: { path: join(data, 'manifest.js') } },
      { name: 'data/account.js', from: { path: join(data, 'account.js') } },
      { name: 'data/tweets.js', from: { path: join(data, 'tweets.js') }, lieSize: 1000 },
    ]);
    const r2 = await run(liar);
    expect(r2.problems.find((p) => p.file === 'data/tweets.js')?.reason).toMatch(/unreadable: .*(too many bytes|size)/i);
    expect(r2.res.counts.tweets).toBeLessThan(250);
  });

  it('a folder whose data file links outside the archive is refused', async () => {
    const dir = join(tmp, 'symlinked');
    generateArchive(dir, { tweets: 10, seed: 8 });
    writeFileSync(join(tmp, 'secret.js'), 'window.YTD.like.part0 = [ {"like": {"tweetId": "1"}} ]');
    rmSync(join(dir, 'data', 'like.js'));
    symlinkSync(join(tmp, 'secret.js'), join(dir, 'data', 'like.js'));
    const { problems, res } = await run(dir);
    expect(problems.find((p) => p.file === 'data/like.js' && /outside the archive/.test(p.reason))).toBeTruthy();
    expect(res.counts.likes).toBe(0);
    expect(res.counts.tweets).toBe(10);
  });

  it('a corrupt zip is refused with a clear message', async () => {
    const bad = join(tmp, 'corrupt.zip');
    writeFileSync(bad, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 7)]));
    await expect(run(bad)).rejects.toThrow(/not a readable zip/);
  });
});
