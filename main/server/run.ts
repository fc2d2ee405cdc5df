// The body of `skrode serve`, loaded only when the command runs: open the API over the configured
// store, serve it with the built renderer, print the URL, stop cleanly on Ctrl-C or SIGTERM.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/worker-entry.js';
import { startServer } from './server.js';

export interface ServeCommandOptions {
  db?: string | undefined;
  config?: string | undefined;
  port: number;
  rendererDir?: string;
}

export function defaultRendererDir(): string {
  return join(packageRoot(), 'out', 'renderer');
}

export async function runServe(options: ServeCommandOptions): Promise<number> {
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`serve: the renderer is not built (${rendererDir}/index.html is missing); run \`npm run build\` first`);
  }
  const { openApi } = await import('../api/open.js');
  const opened = await openApi({ db: options.db, config: options.config, host: 'serve' });
  let server;
  try {
    server = await startServer({
      api: opened.api,
      rendererDir,
      port: options.port,
      onError: (method, e) => process.stderr.write(`skrode serve: ${method}: ${e.message}\n`),
    });
  } catch (e) {
    await opened.close();
    throw new Error(`serve: cannot listen on 127.0.0.1:${options.port}: ${(e as Error).message}`);
  }
  process.stdout.write(`Skrode is serving ${opened.store.kind === 'sqlite' ? opened.store.path : 'a Postgres store'} on 127.0.0.1 only.\nOpen this URL (it carries this run's secret token; do not share it):\n\n  ${server.url}\n\nThe lookup popup is at #/popup. Press Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stderr.write('skrode serve: stopping\n');
  await server.close();
  await opened.close();
  return 0;
}
