import { Command, CommanderError } from 'commander';
import { commandModules } from './commands/index.js';
import { StoreError } from '../store/port.js';

const USER_ERRORS = new Set(['ConfigError', 'ValidationError', 'ExternalIdError']);

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('skrode')
    .description('Remembers everyone you talk to or read, and everything they said.')
    .option('-c, --config <file>', 'config file (default ./config.yml, then the data folder, then built-in defaults)')
    .option('--db <path>', 'use this SQLite database instead of the configured store')
    .showHelpAfterError()
    .exitOverride();
  for (const load of commandModules) (await load()).register(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    // Errors the user can act on (a bad file, config or argument) print as one line; anything
    // else too, with its stack when SKRODE_DEBUG is set.
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`skrode: ${err.message}\n`);
    if (process.env.SKRODE_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
    return e instanceof StoreError || USER_ERRORS.has(err.name) ? 2 : 1;
  }
}
