// A private dovecot IMAP server for tests: its own config, mail and run folders in a temp dir,
// a free port on 127.0.0.1, plain-text login for one user. Started and stopped by the tests
// (Debian's dovecot-imapd; `.ci/run` installs it). Also a TCP proxy in front of it, so a test
// can cut every connection to simulate a network loss.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Run dovecot's master (it forks into the background): pipes would stay open in the daemon, so none. */
function runDetached(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(DOVECOT_BIN, args, { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot ${args.join(' ')} exited with ${code}`))));
  });
}
export const DOVECOT_BIN = '/usr/sbin/dovecot';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`dovecot did not listen on ${port}`));
        else setTimeout(attempt, 100);
      });
      s.connect(port, '127.0.0.1');
    };
    attempt();
  });
}

export class Dovecot {
  readonly dir = mkdtempSync(join(tmpdir(), 'skrode-dovecot-'));
  port = 0;
  private pid = 0;
  readonly user = 'alice';
  readonly password = 'wonderland';

  private get conf(): string {
    return join(this.dir, 'dovecot.conf');
  }

  async start(): Promise<this> {
    this.port = await freePort();
    const root = process.getuid?.() === 0;
    // As root, dovecot drops to its own users; otherwise everything runs as the current user.
    const me = userInfo().username;
    const mailUser = root ? 'dovecot' : me;
    for (const d of ['run', 'state', 'mail']) mkdirSync(join(this.dir, d));
    chmodSync(this.dir, 0o755);
    if (root) {
      const { stdout } = await run('id', ['-u', 'dovecot']);
      const { stdout: g } = await run('id', ['-g', 'dovecot']);
      chownSync(join(this.dir, 'mail'), Number(stdout.trim()), Number(g.trim()));
    }
    writeFileSync(join(this.dir, 'passwd'), `${this.user}:{PLAIN}${this.password}::::::\n`);
    writeFileSync(
      this.conf,
      [
        `base_dir = ${this.dir}/run`,
        `state_dir = ${this.dir}/state`,
        `log_path = ${this.dir}/dovecot.log`,
        'protocols = imap',
        'listen = 127.0.0.1',
        'ssl = no',
        'disable_plaintext_auth = no',
        'auth_mechanisms = plain login',
        `mail_location = maildir:${this.dir}/mail/%u`,
        `mail_uid = ${mailUser}`,
        `mail_gid = ${mailUser}`,
        'first_valid_uid = 1',
        ...(root ? [] : [`default_internal_user = ${me}`, `default_login_user = ${me}`, `default_internal_group = ${me}`]),
        'namespace inbox {',
        '  inbox = yes',
        '  mailbox Sent {',
        '    special_use = \\Sent',
        '    auto = create',
        '  }',
        '}',
        'passdb {',
        '  driver = passwd-file',
        `  args = scheme=PLAIN username_format=%u ${this.dir}/passwd`,
        '}',
        'userdb {',
        '  driver = static',
        `  args = uid=${mailUser} gid=${mailUser} home=${this.dir}/mail/%u`,
        '}',
        'service imap-login {',
        '  chroot =',
        '  inet_listener imap {',
        '    address = 127.0.0.1',
        `    port = ${this.port}`,
        '  }',
        '  inet_listener imaps {',
        '    port = 0',
        '  }',
        '}',
        'service anvil {',
        '  chroot =',
        '}',
        '',
      ].join('\n'),
    );
    try {
      await runDetached(['-c', this.conf]);
    } catch (e) {
      throw new Error(`dovecot failed to start: ${(e as Error).message}\n${this.log()}`);
    }
    try {
      this.pid = Number(readFileSync(join(this.dir, 'run', 'master.pid'), 'utf8').trim());
    } catch {
      /* no pid file: stop() relies on `dovecot stop` alone */
    }
    await waitForPort(this.port, 10_000);
    return this;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    try {
      await runDetached(['-c', this.conf, 'stop']);
    } catch {
      /* not running */
    }
    // `dovecot stop` returns before the master has exited: wait for it, then make sure.
    const alive = () => {
      try {
        return this.pid > 0 && process.kill(this.pid, 0);
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive()) process.kill(this.pid, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A TCP proxy to 127.0.0.1:target whose connections can all be cut at once. */
export class CuttableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  connections = 0;

  constructor(private readonly target: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      this.connections++;
      const upstream = new Socket();
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      upstream.connect(this.target, '127.0.0.1', () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Simulate a network loss: every open connection is reset. */
  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
