// Throwaway servers for the topology fault tests: a redis-server and a PostgreSQL cluster of our
// own on free ports (never the shared ones on 6379/5432, which others use), and `skrode topology
// run` processes standing in for hosts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../main/util/worker-entry.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL the server (no chance to save anything beyond the fsynced AOF). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server with an append-only file fsynced on every write, and noeviction: the setting
 *  a Skrode queue needs to lose nothing across a Redis restart (docs/topology.md). */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'skrode-redis-'));
  let proc: ChildProcess | undefined;
  const ping = () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction', '--dir', dir], { stdio: 'ignore' });
      await until(ping, 10_000, `redis on ${port}`);
    },
    async kill() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await gone;
    },
    async stop() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export interface PostgresCluster {
  port: number;
  url: string;
  /** pg_ctl stop -m immediate (a crash, as far as clients see it). */
  crash(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh PostgreSQL 15 cluster in a temp folder, run as the postgres OS user (initdb refuses root). */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = '/usr/lib/postgresql/15/bin';
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'skrode-pg-'));
  chmodSync(root, 0o777);
  const data = join(root, 'data');
  const asPg = (cmd: string, args: string[]) => {
    const r = spawnSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
    return r;
  };
  asPg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const ctl = (args: string[]) => asPg('pg_ctl', ['-D', data, '-w', ...args]);
  const cluster: PostgresCluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      ctl(['-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(root, 'log'), 'start']);
    },
    async crash() {
      ctl(['-m', 'immediate', 'stop']);
    },
    async stop() {
      try {
        ctl(['-m', 'fast', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

export interface Host {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  log: string;
}

/** `skrode topology run -c CONFIG --host NAME` as a real process (the built out/cli.js). */
export function startHost(config: string, name: string, logDir: string, extra: string[] = []): Host {
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${name}-${Date.now()}.log`);
  const out = createWriteStream(log);
  const proc = spawn(process.execPath, [join(packageRoot(), 'bin', 'skrode.js'), '-c', config, 'topology', 'run', '--host', name, '--stop-timeout', '5000', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { name, proc, exited, log };
}
