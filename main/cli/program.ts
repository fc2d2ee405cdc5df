import { Command, CommanderError } from 'commander';
import { commandModules } from './commands/index.js';
import { StoreError } from '../store/port.js';

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
    if (e instanceof StoreError || (e instanceof Error && e.name === 'ConfigError')) {
      process.stderr.write(`skrode: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
