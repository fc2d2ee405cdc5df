// `skrode suggestions [list|accept ADDR|dismiss ADDR]`: the addresses mail imports saw under a
// header whose capture action is `suggest` (config.yml `email.headers`), for the user to accept
// as contacts or dismiss for good.
import type { Command } from 'commander';
import type { SuggestionDto } from '../../../shared/suggestions.js';
import { withStore } from '../open-store.js';

function line(s: SuggestionDto): string {
  const seen = s.firstSeen || s.lastSeen ? `  ${(s.firstSeen ?? '').slice(0, 10)}..${(s.lastSeen ?? '').slice(0, 10)}` : '';
  const names = s.names.length ? `  ${s.names.map((n) => JSON.stringify(n)).join(', ')}` : '';
  return `${s.address}  ${s.count} message${s.count === 1 ? '' : 's'}${seen}${names}  (${s.source})\n`;
}

export function register(program: Command): void {
  const cmd = program.command('suggestions').description('addresses mail imports suggest as contacts (email.headers: suggest): list, accept, dismiss');
  cmd
    .command('list', { isDefault: true })
    .description('list pending suggestions, most seen first')
    .option('--dismissed', 'list the dismissed ones instead')
    .option('--limit <n>', 'at most this many', '200')
    .action(async (opts: { dismissed?: boolean; limit: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('suggestions list: --limit wants a whole number from 1 to 10000');
      await withStore(program, async (store) => {
        const list = await store.suggestions({ state: opts.dismissed ? 'dismissed' : 'pending', limit });
        if (list.length === 0) process.stdout.write(opts.dismissed ? 'no dismissed suggestions\n' : 'no pending suggestions\n');
        for (const s of list) process.stdout.write(line(s));
      });
    });
  cmd
    .command('accept')
    .description('make the address a contact: an email account with the names it was seen with')
    .argument('<address>')
    .action(async (address: string) => {
      const { acceptSuggestion } = await import('../../sources/email/suggestions.js');
      await withStore(program, async (store) => {
        const s = await acceptSuggestion(store, address);
        process.stdout.write(`accepted ${s.address}: now the account email+addr:${s.address}\n`);
      });
    });
  cmd
    .command('dismiss')
    .description('never suggest the address again')
    .argument('<address>')
    .action(async (address: string) => {
      const { dismissSuggestion } = await import('../../sources/email/suggestions.js');
      await withStore(program, async (store) => {
        const s = await dismissSuggestion(store, address);
        process.stdout.write(`dismissed ${s.address}\n`);
      });
    });
}
