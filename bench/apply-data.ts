// Synthetic, seeded observations for the apply benchmark: accounts with handle and display names,
// then tweet-length posts with mentions, replies and links. Every call yields the same batches.
import { rng } from './lib.js';
import type { Observation, PostSeen } from '../main/model/observations.js';

export const BATCH = 2000;
const prov = { source: 'bench' };
const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Ken', 'Dennis', 'Margaret', 'Edsger', 'Frances', 'John', 'Zoë', 'Søren', 'Anaïs', 'Björn', 'Chloé', 'Niklaus'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Thompson', 'Ritchie', 'Hamilton', 'Dijkstra', 'Allen', 'McCarthy', 'Müller', 'Øberg', 'Ngata', 'Okafor', 'Wirth', 'Nakamura'];

export interface Sizes {
  accounts: number;
  posts: number;
}

function vocabulary(r: () => number): string[] {
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  const words: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const len = 2 + Math.floor(r() * 8);
    let w = '';
    // skewed letter choice gives word-like strings
    for (let j = 0; j < len; j++) w += letters[Math.floor(r() * r() * letters.length)];
    words.push(w);
  }
  return words;
}

/** The same observations, batch by batch, for any seed-identical call. */
export function* observations(sizes: Sizes): Generator<Observation[]> {
  const r = rng(42);
  const words = vocabulary(r);
  const word = () => words[Math.floor(r() * r() * words.length)]!;
  let batch: Observation[] = [];
  const t0 = Date.UTC(2015, 0, 1);
  for (let i = 0; i < sizes.accounts; i++) {
    const first = FIRST[Math.floor(r() * FIRST.length)]!;
    const last = LAST[Math.floor(r() * LAST.length)]!;
    batch.push({
      type: 'account',
      externalId: `twitter+user:${i}`,
      names: [{ name: `@${first.toLowerCase()}${last.toLowerCase()}${i}`, kind: 'handle' }, { name: `${first} ${last}`, kind: 'display' }],
      seenAt: new Date(t0 + i * 1000).toISOString(),
      provenance: prov,
    });
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  for (let j = 0; j < sizes.posts; j++) {
    const poster = Math.floor(r() * sizes.accounts);
    const n = 8 + Math.floor(r() * 30);
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(word());
    const post: PostSeen = {
      type: 'post',
      externalId: `twitter+tweet:${j}`,
      poster: `twitter+user:${poster}`,
      when: new Date(t0 + j * 60_000).toISOString(),
      url: `https://x.com/i/status/${j}`,
      distribution: [{ rel: 'broadcast' }],
      provenance: prov,
    };
    if (r() < 0.3) {
      const m = Math.floor(r() * sizes.accounts);
      parts.unshift(`@user${m}`);
      post.distribution!.push({ rel: 'to', target: `twitter+user:${m}` });
    }
    if (j > 0 && r() < 0.3) post.refs = [{ rel: 'reply-to', post: `twitter+tweet:${Math.floor(r() * j)}` }];
    if (r() < 0.2) {
      const link = `https://example.org/${word()}/${j}`;
      parts.push(link);
      post.links = [link];
    }
    post.text = parts.join(' ');
    batch.push(post);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

