// Identity operations on the command line: `skrode persona merge|split|name|show` and
// `skrode human link|unlink`. Personas may be named by uuid or by any of their accounts'
// external ids (e.g. twitter+user:123).
import type { Command } from 'commander';
import { PERSONA_RELS, type PersonaRel } from '../../model/observations.js';
import type { Store } from '../../store/port.js';
import { StoreError } from '../../store/port.js';
import { withStore } from '../open-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function resolvePersona(store: Store, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref.toLowerCase();
  const p = await store.personaOf(ref);
  if (!p) throw new StoreError(`no account ${ref} (give a persona uuid or an account's external id)`, 'not-found');
  return p;
}

function parseRel(v: string): PersonaRel {
  if (!(PERSONA_RELS as readonly string[]).includes(v)) throw new StoreError(`--rel must be one of ${PERSONA_RELS.join(', ')}`, 'invalid');
  return v as PersonaRel;
}

export function register(program: Command): void {
  const persona = program.command('persona').description('work with personas (a presence made of accounts)');
  persona
    .command('merge')
    .description('merge persona LOSER into WINNER (one transaction, logged; undo with `persona split`)')
    .argument('<winner>', 'persona uuid or account external id')
    .argument('<loser>', 'persona uuid or account external id')
    .option('--reason <text>', 'why, kept in the merge log')
    .action(async (w: string, l: string, opts: { reason?: string }) => {
      await withStore(program, async (store) => {
        const winner = await resolvePersona(store, w);
        const loser = await resolvePersona(store, l);
        const rec = await store.mergePersonas(winner, loser, opts.reason);
        process.stdout.write(`merged ${rec.loser} into ${rec.winner} (${rec.movedAccounts} accounts moved); undo with: skrode persona split ${rec.id}\n`);
      });
    });
  persona
    .command('split')
    .description('undo a merge: the merged-away persona comes back with its accounts')
    .argument('<merge-id>', 'the id printed by `persona merge` (see `persona log`)')
    .action(async (id: string) => {
      await withStore(program, async (store) => {
        await store.splitMerge(id);
        process.stdout.write(`undid merge ${id}\n`);
      });
    });
  persona
    .command('log')
    .description('list merges, newest first')
    .action(async () => {
      await withStore(program, async (store) => {
        for (const m of await store.mergeLog()) {
          process.stdout.write(`${m.id}  ${m.at}  ${m.op}  ${m.loser} -> ${m.winner}${m.undoneAt ? `  (undone ${m.undoneAt})` : ''}${m.reason ? `  ${m.reason}` : ''}\n`);
        }
      });
    });
  persona
    .command('name')
    .description('give a persona a name of its own (found by whois like any other)')
    .argument('<persona>', 'persona uuid or account external id')
    .argument('<name>')
    .action(async (ref: string, name: string) => {
      await withStore(program, async (store) => {
        const p = await resolvePersona(store, ref);
        await store.addPersonaName(p, name);
        process.stdout.write(`named persona ${p} ${JSON.stringify(name)}\n`);
      });
    });
  persona
    .command('not-same')
    .description('remember that two personas are different people (never suggested again)')
    .argument('<a>')
    .argument('<b>')
    .action(async (a: string, b: string) => {
      await withStore(program, async (store) => {
        await store.markNotSame(await resolvePersona(store, a), await resolvePersona(store, b));
        process.stdout.write('noted\n');
      });
    });

  const human = program.command('human').description('work with humans (the people behind personas)');
  human
    .command('link')
    .description('link personas under one human (a new human unless --human is given)')
    .argument('<personas...>', 'persona uuids or account external ids')
    .option('--human <uuid>', 'an existing human')
    .option('--rel <rel>', `how each persona relates to the human: ${PERSONA_RELS.join(' | ')}`, 'owns')
    .action(async (refs: string[], opts: { human?: string; rel: string }) => {
      const rel = parseRel(opts.rel);
      await withStore(program, async (store) => {
        let h = opts.human ?? null;
        for (const ref of refs) {
          const link = await store.linkPersona(h, await resolvePersona(store, ref), rel);
          h = link.human;
          process.stdout.write(`human ${link.human} ${link.rel} persona ${link.persona}\n`);
        }
      });
    });
  human
    .command('unlink')
    .description('take a persona away from a human')
    .argument('<human>', 'human uuid')
    .argument('<persona>', 'persona uuid or account external id')
    .action(async (h: string, ref: string) => {
      await withStore(program, async (store) => {
        await store.unlinkPersona(h, await resolvePersona(store, ref));
        process.stdout.write('unlinked\n');
      });
    });
}
