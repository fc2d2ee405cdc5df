// Topology workers for mail. In config.yml:
//
//   imap_work:
//     type: custom
//     target: email:imap
//     name: work                        # cursors are kept per name
//     host: imap.example.org
//     port: 993
//     user: me@example.org
//     password: !skrode/env IMAP_PASSWORD     # or !skrode/keychain, or accessToken: ...
//     folders: [INBOX, Sent]
//
// The capture policy comes from the config's `email:` section (see policy.ts).
import type { WorkerContext } from '../../topology/context.js';
import { followImapAccount, type ImapAccount } from './imap.js';
import { parseEmailPolicy } from './policy.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The account from a worker's arguments; errors name the key and never echo a secret. */
export function imapAccountFromArgs(args: Record<string, unknown>, worker: string): ImapAccount {
  const host = str(args.host);
  const user = str(args.user);
  if (!host) throw new Error(`worker ${worker}: imap needs host`);
  if (!user) throw new Error(`worker ${worker}: imap needs user`);
  const password = str(args.password);
  const accessToken = str(args.accessToken ?? args.access_token);
  if (!password && !accessToken) throw new Error(`worker ${worker}: imap needs password or accessToken (e.g. password: !skrode/env IMAP_PASSWORD)`);
  const port = args.port === undefined ? undefined : Number(args.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`worker ${worker}: imap port must be a TCP port number`);
  const folders = args.folders === undefined ? undefined : Array.isArray(args.folders) && args.folders.every((f) => typeof f === 'string') ? (args.folders as string[]) : null;
  if (folders === null) throw new Error(`worker ${worker}: imap folders must be a list of folder names`);
  return {
    name: str(args.name) ?? worker,
    host,
    user,
    ...(port !== undefined ? { port } : {}),
    ...(typeof args.secure === 'boolean' ? { secure: args.secure } : {}),
    ...(password ? { password } : {}),
    ...(accessToken ? { accessToken } : {}),
    ...(folders ? { folders } : {}),
  };
}

/** `custom` worker: follow one IMAP account until the topology stops. */
export async function imap(args: Record<string, unknown>, ctx: WorkerContext): Promise<void> {
  const account = imapAccountFromArgs(args, ctx.worker);
  const policy = parseEmailPolicy(ctx.config.has('email') ? ctx.config.resolve('email') : undefined);
  const store = await ctx.store();
  await followImapAccount(account, {
    store,
    policy,
    signal: ctx.signal,
    log: (m) => ctx.log(m),
    onProblem: (p) => ctx.log(`${p.file}${p.record ? ` ${p.record}` : ''}: ${p.reason}`),
    ...(typeof args.poll === 'number' ? { pollMs: args.poll * 1000 } : {}),
  });
}
