// Posts cross to the writer thread with their raw JSON already serialised: what is stored must be
// exactly what the writer would have serialised itself, and the caller's batch must not change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { openSqlite, type SqliteDb } from './open.js';
import { SqliteWriter } from './writer.js';
import { validateBatch } from '../../model/validate.js';
import { packBatch, rawJsonOf } from './writer-batch.js';

const prov = { source: 'writer-batch-test' };
let dir: string;
let db: SqliteDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-writer-batch-'));
  db = openSqlite(join(dir, 'w.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const raw = { id_str: '1', entities: { user_mentions: [{ id_str: '2', screen_name: 'b' }] }, text: 'ünïcode ✓', n: 1.5, nil: null };

describe('packBatch', () => {
  it('replaces raw by its JSON on posts only, leaving the caller’s batch as it was', () => {
    const batch: Observation[] = [
      { type: 'account', externalId: 'twitter+user:1', profile: { bio: 'x' }, provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'hi', raw, provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:2', poster: 'twitter+user:1', text: 'no raw', provenance: prov },
    ];
    const before = structuredClone(batch);
    const packed = packBatch(batch);
    expect(batch).toEqual(before);
    expect(packed[0]).toBe(batch[0]);
    expect(packed[2]).toBe(batch[2]);
    expect('raw' in packed[1]!).toBe(false);
    expect((packed[1] as { rawJson?: string }).rawJson).toBe(JSON.stringify(raw));
    expect(rawJsonOf(packed[1] as never)).toBe(JSON.stringify(raw));
    expect(rawJsonOf(batch[1] as never)).toBe(JSON.stringify(raw));
    expect(rawJsonOf(batch[2] as never)).toBeNull();
  });

  it('sends the JSON text validation made of raw instead of serialising it again', () => {
    const batch: Observation[] = [
      { type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', raw, provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:2', poster: 'twitter+user:1', raw: 'a plain string', provenance: prov },
    ];
    const serialised = new Map<unknown, string>();
    const valid = validateBatch(batch, serialised);
    expect(serialised.get(raw)).toBe(JSON.stringify(raw));
    expect(serialised.get('a plain string')).toBe('"a plain string"');
    // The text comes from the map, not from a second JSON.stringify: a marked entry shows it.
    serialised.set(raw, '{"from":"validation"}');
    expect((packBatch(valid, serialised)[0] as { rawJson?: string }).rawJson).toBe('{"from":"validation"}');
  });

  it('stores the same raw whether the writer gets the packed or the plain batch', () => {
    const writer = new SqliteWriter(db);
    const post = (id: string): Observation => ({ type: 'post', externalId: `twitter+tweet:${id}`, poster: 'twitter+user:1', text: `t${id}`, raw: { ...raw, id_str: id }, provenance: prov });
    writer.applyValidated(packBatch([post('1')]));
    writer.applyValidated([post('2')]);
    const rows = db.prepare('select external_id as id, raw from posts order by id').all() as { id: string; raw: string }[];
    expect(rows.map((r) => JSON.parse(r.raw))).toEqual([{ ...raw, id_str: '1' }, { ...raw, id_str: '2' }]);
    // a later packed observation with a different raw updates it, like a plain one
    writer.applyValidated(packBatch([{ ...post('1'), raw: { changed: true } } as Observation]));
    expect(db.prepare("select raw from posts where external_id = 'twitter+tweet:1'").get()).toEqual({ raw: '{"changed":true}' });
  });
});
