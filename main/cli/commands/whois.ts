// `skrode whois PATTERN`: find people by any name, handle, address or number (main/lookup/).
// Only commander is imported up front; the engine and the database driver load in the action.
import { InvalidArgumentError, Option, type Command } from 'commander';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('want a whole number of at least 1');
  return n;
}

export function register(program: Command): void {
  program
    .command('whois')
    .description('find people by any name, @handle, e-mail address or phone number (best matches first)')
    .argument('<pattern...>', 'what to look for (several words are joined with spaces)')
    .option('-l, --limit <n>', 'how many people to show', positiveInt, 3)
    .option('--exact', 'exact matches only (still ignoring case and accents)')
    .addOption(new Option('--json', 'print the matches as JSON (LookupHit[])').conflicts('mutt'))
    .addOption(new Option('--mutt', "mutt/khard query format: a first line, then address<TAB>name<TAB>other").conflicts('json'))
    .action(async (words: string[], opts: { limit: number; exact?: boolean; json?: boolean; mutt?: boolean }) => {
      const { runWhois } = await import('../../lookup/whois.js');
      const root = program.opts<{ db?: string; config?: string }>();
      process.exitCode = await runWhois(words.join(' '), { ...opts, db: root.db, config: root.config }, process.stdout, process.stderr);
    });
}
