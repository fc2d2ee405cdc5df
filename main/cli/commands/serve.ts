// `skrode serve [--port N]`: the desktop app's UI and API over HTTP on 127.0.0.1, for a browser
// (a headless host, or the end-to-end tests). Only commander is imported up front.
import { InvalidArgumentError, type Command } from 'commander';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('want a port number 0..65535 (0 picks a free one)');
  return n;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the Skrode UI and API on 127.0.0.1 (with a per-run token) for a browser')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', port, 4477)
    .action(async (opts: { port: number }, cmd: Command) => {
      let root = cmd;
      while (root.parent) root = root.parent;
      const g = root.opts<{ db?: string; config?: string }>();
      const { runServe } = await import('../../server/run.js');
      process.exitCode = await runServe({ db: g.db, config: g.config, port: opts.port });
    });
}
