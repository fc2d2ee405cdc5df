// A synthetic Google-Takeout-style mbox for benchmarks and large tests: CRLF line ends,
// X-GM-THRID threads, X-Gmail-Labels (some Sent), replies with In-Reply-To/References,
// mboxrd-quoted `>From` body lines, plain and HTML bodies, links, a few lists. Deterministic for
// a seed; written as a stream, so any size can be generated in flat memory.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rng } from '../../util/rng.js';

const FIRST = ['Ada', 'Charles', 'Grace', 'Alan', 'Mary', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Dennis', 'Radia', 'Sophie', 'Tim', 'Hedy', 'Katherine', 'Claude', 'Annie'];
const LAST = ['Lovelace', 'Babbage', 'Hopper', 'Turing', 'Somerville', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'McCarthy', 'Hamilton', 'Thompson', 'Ritchie', 'Perlman', 'Wilson', 'Berners-Lee', 'Lamarr', 'Johnson', 'Shannon', 'Easley'];
const DOMAINS = ['example.org', 'example.com', 'mail.example.net', 'uni.example.edu', 'corp.example'];
const WORDS = 'the of engine notes compute analytical machine pattern loom card number program memory store mill operation variable result table difference series bernoulli function thread proof paper draft review meeting tomorrow project release question answer idea'.split(' ');

export interface GenerateMboxOptions {
  /** Stop once the file reaches this many bytes. */
  bytes: number;
  seed?: number;
  people?: number;
}

export interface GeneratedMbox {
  path: string;
  messages: number;
  bytes: number;
}

export async function generateMbox(path: string, opts: GenerateMboxOptions): Promise<GeneratedMbox> {
  const rnd = rng(opts.seed ?? 1);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const nPeople = opts.people ?? 2000;
  const people = Array.from({ length: nPeople }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    return { name: `${first} ${last}`, addr: `${first.toLowerCase()}.${last.toLowerCase()}${i}@${DOMAINS[i % DOMAINS.length]}` };
  });
  const me = { name: 'Me Myself', addr: 'me@example.net' };
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let messages = 0;
  const recent: { id: string; thr: string; subject: string }[] = [];
  const t0 = Date.UTC(2020, 0, 1);
  while (bytes < opts.bytes) {
    messages++;
    const sent = rnd() < 0.15;
    const from = sent ? me : pick(people);
    const to = sent ? [pick(people), ...(rnd() < 0.3 ? [pick(people)] : [])] : [me, ...(rnd() < 0.3 ? [pick(people)] : [])];
    const cc = rnd() < 0.2 ? [pick(people)] : [];
    const when = new Date(t0 + messages * 600_000);
    const id = `m${messages}.${Math.floor(rnd() * 1e9)}@${from.addr.split('@')[1]}`;
    const reply = recent.length > 0 && rnd() < 0.4 ? pick(recent) : null;
    const thr = reply ? reply.thr : String(1_700_000_000_000_000_000n + BigInt(messages));
    const subject = reply ? `Re: ${reply.subject.replace(/^Re: /, '')}` : `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`;
    const list = rnd() < 0.1 ? `List-Id: Engines <engines${messages % 5}.lists.example.org>\r\n` : '';
    const words = 300 + Math.floor(rnd() * 700);
    const lines: string[] = [];
    let line: string[] = [];
    for (let w = 0; w < words; w++) {
      line.push(rnd() < 0.01 ? `https://site${Math.floor(rnd() * 500)}.example/${pick(WORDS)}` : pick(WORDS));
      if (line.length >= 12) {
        lines.push(line.join(' '));
        line = [];
      }
    }
    if (line.length) lines.push(line.join(' '));
    if (rnd() < 0.05) lines.push('>From the archives, quoted by the mbox writer');
    const html = rnd() < 0.25;
    const body = html ? `<html><body>${lines.map((l) => `<p>${l}</p>`).join('\r\n')}</body></html>` : lines.join('\r\n');
    const addr = (p: { name: string; addr: string }) => `"${p.name}" <${p.addr}>`;
    const msg =
      `From ${1_700_000_000_000_000_000n + BigInt(messages)}@xxx ${when.toUTCString().replace(/,/, '')}\r\n` +
      `X-GM-THRID: ${thr}\r\n` +
      `X-Gmail-Labels: ${sent ? 'Sent' : 'Inbox,Opened'}\r\n` +
      `Message-ID: <${id}>\r\n` +
      `Date: ${when.toUTCString()}\r\n` +
      `From: ${addr(from)}\r\n` +
      `To: ${to.map(addr).join(', ')}\r\n` +
      (cc.length ? `Cc: ${cc.map(addr).join(', ')}\r\n` : '') +
      (reply ? `In-Reply-To: <${reply.id}>\r\nReferences: <${reply.id}>\r\n` : '') +
      list +
      `Subject: ${subject}\r\n` +
      `MIME-Version: 1.0\r\n` +
      `Content-Type: ${html ? 'text/html' : 'text/plain'}; charset=utf-8\r\n` +
      `\r\n${body}\r\n\r\n`;
    recent.push({ id, thr, subject });
    if (recent.length > 200) recent.shift();
    bytes += Buffer.byteLength(msg);
    if (!out.write(msg)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { path, messages, bytes };
}
