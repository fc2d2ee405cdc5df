// Starting the real `skrode serve` (the built CLI, bin/skrode.js) over a demo store for browser
// tests and the typeahead benchmark, and launching Debian's Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_PATH } from '../services.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ServeProcess {
  url: string;
  origin: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Run `skrode --db DB -c <empty config> serve --port 0` and wait for the URL it prints. */
export async function startServe(dir: string, db: string): Promise<ServeProcess> {
  const config = join(dir, 'config.yml');
  writeFileSync(config, '{}\n');
  const child = spawn(process.execPath, [join(REPO, 'bin', 'skrode.js'), '--db', db, '-c', config, 'serve', '--port', '0'], {
    cwd: dir,
    env: { ...process.env, SKRODE_HOME: join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skrode serve printed no URL in 30 s\nstdout: ${out}\nstderr: ${err}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`skrode serve exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_PATH) throw new Error('Chromium is not installed (apt-get install -y chromium)');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
