// `skrode export vcard [PATTERN | --all] [-o FILE | --dir DIR] [--vcard 3|4]` and
// `skrode export json [-o FILE]`. Only commander is imported up front; the exporters load in the
// action (main/export/run-export.ts).
import { InvalidArgumentError, Option, type Command } from 'commander';

function globals(cmd: Command): { db?: string; config?: string } {
  let root = cmd;
  while (root.parent) root = root.parent;
  return root.opts();
}

function vcardVersion(v: string): 3 | 4 {
  if (v === '3' || v === '3.0') return 3;
  if (v === '4' || v === '4.0') return 4;
  throw new InvalidArgumentError('want 3 or 4');
}

export function register(program: Command): void {
  const exp = program.command('export').description('take people out of Skrode: vCard address books, or a full JSON backup');

  exp
    .command('vcard')
    .description('write people as vCards: one card per human (or per persona without a human)')
    .argument('[pattern...]', 'who to export, found as whois finds them')
    .option('--all', 'export everyone')
    .addOption(new Option('-o, --output <file>', 'write all cards to this .vcf file (default: standard output)').conflicts('dir'))
    .addOption(new Option('--dir <dir>', 'write one <uid>.vcf per person into this folder (the vdir layout address books sync); with --all, cards Skrode wrote there for people no longer in the store are removed').conflicts('output'))
    .option('--vcard <version>', 'vCard version: 3 or 4', vcardVersion, 4 as 3 | 4)
    .action(async (words: string[], opts: { all?: boolean; output?: string; dir?: string; vcard: 3 | 4 }, cmd: Command) => {
      if (opts.all && words.length > 0) throw new InvalidArgumentError('give a PATTERN or --all, not both');
      if (!opts.all && words.length === 0) {
        cmd.error('skrode export vcard: give a PATTERN (who to export) or --all');
      }
      const { runVCardExport } = await import('../../export/run-export.js');
      process.exitCode = await runVCardExport(
        { ...globals(cmd), pattern: words.join(' '), all: opts.all === true, output: opts.output, dir: opts.dir, version: opts.vcard },
        process.stdout,
        process.stderr,
      );
    });

  exp
    .command('json')
    .description('write everything (people, accounts, names, posts, edges, evidence, notes, merge log) as a JSON backup; `skrode import FILE` into an empty store restores it')
    .option('-o, --output <file>', 'write to this file (default: standard output)')
    .action(async (opts: { output?: string }, cmd: Command) => {
      const { runJsonExport } = await import('../../export/run-export.js');
      process.exitCode = await runJsonExport({ ...globals(cmd), output: opts.output }, process.stdout, process.stderr);
    });
}
