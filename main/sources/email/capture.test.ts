import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccountSeen, Observation, PostSeen } from '../../model/observations.js';
import { validateBatch } from '../../model/validate.js';
import type { ImportProblem } from '../importer.js';
import { EmailCapture, contentHash, parseMessage } from './capture.js';
import type { KnownAccounts } from './known-accounts.js';
import { splitMbox } from './mbox-split.js';
import { envelopeDate, processMessage } from './pipeline.js';
import { parseEmailPolicy, type EmailPolicy } from './policy.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/email');

async function runMbox(path: string, policy: EmailPolicy, known?: KnownAccounts) {
  const capture = new EmailCapture(policy, { source: 'mbox', file: path }, known);
  const obs: Observation[] = [];
  const problems: ImportProblem[] = [];
  for await (const m of splitMbox(path, { maxMessageBytes: policy.maxMessageBytes })) {
    const fallbackDate = envelopeDate(m.envelope);
    await processMessage(capture, path, { data: m.data, truncated: m.truncated, size: m.size, record: `message ${m.index}`, ...(fallbackDate ? { fallbackDate } : {}) }, { emit: (o) => void obs.push(o), suggest: () => undefined, problem: (p) => void problems.push(p) });
  }
  return { obs, problems, capture };
}

const posts = (obs: Observation[]) => obs.filter((o): o is PostSeen => o.type === 'post');
const accounts = (obs: Observation[]) => obs.filter((o): o is AccountSeen => o.type === 'account');

describe('email capture from a Takeout mbox', async () => {
  const takeout = join(FIXTURES, 'takeout.mbox');
  const { obs, problems, capture } = await runMbox(takeout, parseEmailPolicy({ self: ['me@example.net'] }));

  it('produces valid observations', () => {
    expect(() => validateBatch(obs)).not.toThrow();
  });

  it('makes a direct post per message keyed by Message-ID, with to/cc/bcc distribution', () => {
    const p = posts(obs).find((x) => x.externalId === 'email+msg:ada-1@example.org')!;
    expect(p.poster).toBe('email+addr:ada@example.org');
    expect(p.when).toBe('2026-01-05T10:00:00.000Z');
    expect(p.distribution).toEqual(
      expect.arrayContaining([
        { rel: 'to', target: 'email+addr:me@example.net' },
        { rel: 'to', target: 'email+addr:charles@engines.example' },
        { rel: 'cc', target: 'email+addr:mary@science.example' },
      ]),
    );
    expect(p.text).toMatch(/^Notes on the engine\n\n/);
    // mboxrd quoting undone
    expect(p.text).toContain('\nFrom the start I thought');
    expect(p.text).toContain('\n>From here on');
    expect(p.links).toEqual(['https://notes.example.org/engine?id=1']);
    expect(p.refs).toEqual([{ rel: 'thread', post: 'email+gm-thread:1780000000000000001' }]);
  });

  it('reads Sent from X-Gmail-Labels: the sender is the user (self), recipients incl. Bcc captured', () => {
    const p = posts(obs).find((x) => x.externalId === 'email+msg:me-1@example.net')!;
    expect(p.poster).toBe('email+addr:me@example.net');
    expect((p.raw as { direction: string }).direction).toBe('sent');
    expect(p.distribution).toEqual(expect.arrayContaining([{ rel: 'bcc', target: 'email+addr:secret@example.com' }]));
    expect(p.refs).toEqual(
      expect.arrayContaining([
        { rel: 'reply-to', post: 'email+msg:ada-1@example.org' },
        { rel: 'thread', post: 'email+msg:ada-1@example.org' },
      ]),
    );
    // HTML-only mail: converted to text, hrefs become links
    expect(p.text).toContain('Thanks!');
    expect(p.text).not.toContain('<p>');
    expect(p.links).toContain('https://www.example.com/reply');
    const self = obs.filter((o) => o.type === 'identity');
    expect(self).toEqual([expect.objectContaining({ accounts: ['email+addr:me@example.net'], self: true })]);
    expect(capture.counts.sent).toBe(1);
  });

  it('keeps a new display name for a known address as an alias', () => {
    const ada = accounts(obs).filter((a) => a.externalId === 'email+addr:ada@example.org');
    const names = ada.flatMap((a) => a.names ?? []);
    expect(names).toContainEqual({ name: 'Ada Lovelace', kind: 'display' });
    expect(names).toContainEqual({ name: 'Augusta Ada King', kind: 'alias' });
    expect(names).toContainEqual({ name: 'ada@example.org', kind: 'email' });
  });

  it('folds a redundant subdomain address into the known one', () => {
    const p = posts(obs).find((x) => x.text?.startsWith('No message id here'))!;
    expect(p.poster).toBe('email+addr:charles@engines.example');
    const ch = accounts(obs).filter((a) => a.externalId === 'email+addr:charles@engines.example').flatMap((a) => a.names ?? []);
    expect(ch).toContainEqual({ name: 'charles@mail.engines.example', kind: 'email' });
    expect(accounts(obs).some((a) => a.externalId === 'email+addr:charles@mail.engines.example')).toBe(false);
  });

  it('identifies a message without Message-ID by a content hash, stable across line ends', async () => {
    const p = posts(obs).find((x) => x.text?.startsWith('No message id here'))!;
    expect(p.externalId).toMatch(/^email\+msg:sha256:[0-9a-f]{40}$/);
    expect(capture.counts.hashedIds).toBe(1);
    expect(contentHash(Buffer.from('a\r\nb\r\n'))).toBe(contentHash(Buffer.from('a\nb\n')));
  });

  it('adds a List-Id auto-note to the sender and a list distribution', () => {
    const notes = obs.filter((o) => o.type === 'note');
    expect(notes).toEqual([expect.objectContaining({ account: 'email+addr:charles@engines.example', text: 'Seen on mailing list engine.lists.example.org' })]);
    const p = posts(obs).find((x) => x.text?.startsWith('No message id here'))!;
    expect(p.distribution).toContainEqual({ rel: 'list', target: 'email+list:engine.lists.example.org' });
    expect(obs).toContainEqual(expect.objectContaining({ type: 'list', externalId: 'email+list:engine.lists.example.org', name: 'Difference Engine' }));
  });

  it('skips mail from noreply senders by default', () => {
    expect(posts(obs).some((p) => p.externalId === 'email+msg:notify-1@github.example')).toBe(false);
    expect(accounts(obs).some((a) => a.externalId.includes('noreply'))).toBe(false);
    expect(capture.counts.skipped).toBe(1);
  });

  it('reports an invalid date (falling back to the envelope) and survives an unknown charset', () => {
    const p = posts(obs).find((x) => x.externalId === 'email+msg:bad-date@example.org')!;
    expect(problems).toContainEqual(expect.objectContaining({ file: takeout, reason: expect.stringMatching(/invalid Date header "the day after tomorrow"/) }));
    expect(problems.find((x) => /invalid Date/.test(x.reason))!.record).toBe('message 5 <bad-date@example.org>');
    expect(p.when).toBe('2026-01-07T10:00:00.000Z');
    expect(p.text).toContain('Odd charset');
    expect(p.text).toContain('body in an unknown charset');
    const andre = accounts(obs).find((a) => a.externalId === 'email+addr:andre@math.example')!;
    expect(andre.names).toContainEqual({ name: 'André Weil', kind: 'display' });
  });

  it('never makes the user a contact: own addresses only through identity(self)', () => {
    const me = accounts(obs).filter((a) => a.externalId === 'email+addr:me@example.net');
    expect(me.length).toBeGreaterThan(0);
    expect(obs.filter((o) => o.type === 'note').every((n) => n.type === 'note' && n.account !== 'email+addr:me@example.net')).toBe(true);
  });
});

describe('email capture policies', () => {
  const mk = (headers: string) => Buffer.from(`${headers}\r\nSubject: s\r\n\r\nbody\r\n`);
  async function observe(policy: EmailPolicy, raw: Buffer, known?: KnownAccounts, folder?: string) {
    const c = new EmailCapture(policy, { source: 'test' }, known);
    return { r: await c.observe(await parseMessage(raw, false), { record: 'm1', raw, ...(folder ? { folder } : {}) }), c };
  }

  it('update-only headers capture only addresses already known; suggest collects the rest', async () => {
    const policy = parseEmailPolicy({ headers: { cc: 'update', to: 'suggest' } });
    const known: KnownAccounts = { lookup: async (id) => ({ known: id === 'email+addr:known@x.example', names: [] }) };
    const { r, c } = await observe(policy, mk('Message-ID: <p1@x>\r\nDate: Thu, 01 Jan 2026 10:00:00 +0000\r\nFrom: a@x.example\r\nTo: New Person <new@x.example>, a@x.example\r\nCc: known@x.example, unknown@x.example'), known);
    const ids = accounts(r.observations).map((a) => a.externalId);
    expect(ids).toContain('email+addr:known@x.example');
    expect(ids).not.toContain('email+addr:unknown@x.example');
    expect(ids).not.toContain('email+addr:new@x.example');
    // a@x.example is under To: too, but captured by From: it is no suggestion.
    expect(r.suggestions).toEqual([{ address: 'new@x.example', name: 'New Person', message: 'email+msg:p1@x', at: '2026-01-01T10:00:00.000Z', source: 'test' }]);
    expect(c.counts.suggested).toBe(1);
    const post = posts(r.observations)[0]!;
    expect(post.distribution).toEqual([{ rel: 'cc', target: 'email+addr:known@x.example' }]);
  });

  it('ignore patterns, ignored lists and self patterns from config', async () => {
    const policy = parseEmailPolicy({ self: ['/@me\\.example$/'], ignore: ['^robot@'], ignoreLists: ['spam\\.lists'] });
    const { r } = await observe(policy, mk('Message-ID: <p2@x>\r\nFrom: boss@me.example\r\nTo: robot@x.example, pal@x.example'));
    expect(accounts(r.observations).map((a) => a.externalId).sort()).toEqual(['email+addr:boss@me.example', 'email+addr:pal@x.example']);
    expect(r.observations).toContainEqual(expect.objectContaining({ type: 'identity', self: true, accounts: ['email+addr:boss@me.example'] }));
    const skipped = await observe(policy, mk('Message-ID: <p3@x>\r\nFrom: a@x.example\r\nList-Id: <spam.lists.example>'));
    expect(skipped.r.skipped).toMatch(/ignored/);
    expect(skipped.r.observations).toEqual([]);
  });

  it('a name already recorded in the store makes a new one an alias; newName: display keeps both as display', async () => {
    const known: KnownAccounts = { lookup: async () => ({ known: true, names: [{ name: 'Old Name', kind: 'display' }] }) };
    const raw = mk('Message-ID: <p4@x>\r\nFrom: New Name <p@x.example>');
    const a = await observe(parseEmailPolicy({}), raw, known);
    expect(accounts(a.r.observations)[0]!.names).toContainEqual({ name: 'New Name', kind: 'alias' });
    const b = await observe(parseEmailPolicy({ newName: 'display' }), raw, known);
    expect(accounts(b.r.observations)[0]!.names).toContainEqual({ name: 'New Name', kind: 'display' });
    const c = await observe(parseEmailPolicy({ newName: 'ignore' }), raw, known);
    expect(accounts(c.r.observations)[0]!.names).toEqual([{ name: 'p@x.example', kind: 'email' }]);
  });

  it('remembers a bounded number of addresses: an evicted one is asked of the store again', async () => {
    // The store as it stands after each message's batch is applied: what the import captured.
    const stored = new Map<string, string[]>();
    const asked: string[] = [];
    const known: KnownAccounts = {
      lookup: async (id) => {
        asked.push(id);
        const names = stored.get(id);
        return names ? { known: true, names: names.map((name) => ({ name, kind: 'display' as const })) } : { known: false, names: [] };
      },
    };
    const c = new EmailCapture(parseEmailPolicy({ foldRedundant: false }), { source: 'test' }, known, 4);
    const send = async (n: number, from: string) => {
      const raw = mk(`Message-ID: <e${n}@x>\r\nFrom: ${from}`);
      const r = await c.observe(await parseMessage(raw, false), { record: `m${n}`, raw });
      for (const a of accounts(r.observations)) {
        const names = (a.names ?? []).filter((x) => x.kind === 'display').map((x) => x.name);
        stored.set(a.externalId, [...(stored.get(a.externalId) ?? []), ...names]);
      }
      return r;
    };
    await send(0, 'Ann <ann@x.example>');
    await send(1, 'Ann <ann@x.example>');
    expect(asked.filter((id) => id === 'email+addr:ann@x.example')).toHaveLength(1);
    for (let i = 0; i < 8; i++) await send(10 + i, `p${i}@x.example`);
    // Ann was evicted: asked again, and what the store holds keeps a new name an alias.
    const r = await send(2, 'Annie <ann@x.example>');
    expect(asked.filter((id) => id === 'email+addr:ann@x.example')).toHaveLength(2);
    expect(accounts(r.observations)[0]!.names).toContainEqual({ name: 'Annie', kind: 'alias' });
  });

  it('Resent-* headers, canonical hosts and a configured auto-note', async () => {
    const policy = parseEmailPolicy({ autoNotes: [{ header: 'x-mailer', match: '^(\\w+)', note: 'Uses $1' }] });
    const { r } = await observe(policy, mk('Message-ID: <p5@x>\r\nFrom: Pat <pat@googlemail.com>\r\nResent-To: =?UTF-8?Q?J=C3=BCrgen?= <jurgen@x.example>\r\nX-Mailer: Mutt 2.2'));
    expect(accounts(r.observations).map((a) => a.externalId)).toEqual(['email+addr:pat@gmail.com', 'email+addr:jurgen@x.example']);
    expect(accounts(r.observations)[1]!.names).toContainEqual({ name: 'Jürgen', kind: 'display' });
    expect(r.observations).toContainEqual(expect.objectContaining({ type: 'note', account: 'email+addr:pat@gmail.com', text: 'Uses Mutt' }));
  });

  it('a message without a sender is reported and skipped; garbage does not throw', async () => {
    const { r } = await observe(parseEmailPolicy({}), mk('Message-ID: <p6@x>\r\nTo: a@x.example'));
    expect(r.skipped).toBe('no sender');
    expect(r.problems).toContain('no sender address (From, Sender, Reply-To): message skipped');
    const junk = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a, 0x0a, 0xc3, 0x28]);
    const g = await observe(parseEmailPolicy({}), junk);
    expect(g.r.skipped).toBe('no sender');
  });

  it('a sent folder (Maildir/IMAP) marks outgoing mail', async () => {
    const { r, c } = await observe(parseEmailPolicy({}), mk('Message-ID: <p7@x>\r\nFrom: Me <me@home.example>\r\nTo: you@x.example'), undefined, 'Sent');
    expect(r.observations).toContainEqual(expect.objectContaining({ type: 'identity', self: true, accounts: ['email+addr:me@home.example'] }));
    expect(c.counts.sent).toBe(1);
  });

  it('refuses unknown or malformed policy settings with the key named', () => {
    expect(() => parseEmailPolicy({ sefl: [] })).toThrow(/email.sefl: unknown setting/);
    expect(() => parseEmailPolicy({ headers: { subject: 'create' } })).toThrow(/email.headers.subject/);
    expect(() => parseEmailPolicy({ headers: { to: 'maybe' } })).toThrow(/want one of/);
    expect(() => parseEmailPolicy({ ignore: ['('] })).toThrow(/bad pattern/);
  });
});
