// `skrode demo`: the README's main job. A fresh SQLite database in a new temporary folder (the
// user's own store is never touched), the bundled sample of fictional people imported through the
// ordinary JSON-lines importer, two personas linked under one human as a user would, a few whois
// answers printed, and the database's path so the user can go on exploring.
import type { Command } from 'commander';

export const DEMO_QUERIES = ['mira', 'weissmuller', '@ardenmk', 'priya.raman@example.org', 'zoe', 'okonkow'];

export function register(program: Command): void {
  program
    .command('demo')
    .description('import a sample of fictional people into a fresh temporary database and look some up')
    .option('--dir <folder>', 'create the demo database in this (new or empty) folder instead of a temporary one')
    .action(async (opts: { dir?: string }) => {
      const { runDemo } = await import('../demo-run.js');
      process.exitCode = await runDemo(opts.dir);
    });
}
