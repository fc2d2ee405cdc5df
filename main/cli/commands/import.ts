// `skrode import PATH... [--as NAME]`: recognise what each path is (by content) and import it.
import type { Command } from 'commander';
import { globalOptions, withStore } from '../open-store.js';

export function register(program: Command): void {
  program
    .command('import')
    .description('import files: observations (.jsonl), and every format a source registers (see --list)')
    .argument('[paths...]', 'files or folders to import')
    .option('--as <importer>', 'use this importer instead of detecting one')
    .option('--list', 'list the importers and exit')
    .option('--quiet', 'no progress bar')
    .action(async (paths: string[], opts: { as?: string; list?: boolean; quiet?: boolean }) => {
      const { runImport, listImporters, importerOptions } = await import('../import-run.js');
      if (opts.list) {
        process.stdout.write(await listImporters());
        return;
      }
      if (paths.length === 0) throw new Error('import: give at least one path (or --list)');
      // Before the store opens its writer thread (whose heap takes the limit) and again after
      // (creating that thread's heap resets the growth factor): see util/young-generation.ts.
      const { limitYoungGeneration } = await import('../../util/young-generation.js');
      limitYoungGeneration();
      const options = await importerOptions(globalOptions(program).config);
      process.exitCode = await withStore(program, (store) => {
        limitYoungGeneration();
        return runImport(store, paths, { ...opts, options });
      });
    });
}
