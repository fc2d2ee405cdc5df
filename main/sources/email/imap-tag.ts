// `!skrode/imap`: an IMAP account as one tagged value, the form the Sources page writes. Listed
// in `workers:`, it runs as the custom worker `email:imap` (./topology.ts) with these keys as its
// arguments. The password is a secret: `!skrode/env NAME` (the desktop app keeps it in the
// keychain and hands it to the workers under that name).
//
//   work_mail: !skrode/imap
//     host: imap.example.org
//     user: me@example.org
//     password: !skrode/env SKRODE_WORK_MAIL_PASSWORD
//     folders: [INBOX, Sent]
//   workers: [work_mail]
import { boolean, integer, list, object, optional, string } from '../../config/fields.js';
import { registerTag } from '../../config/registry.js';

export const imapTag = registerTag({
  tag: 'skrode/imap',
  kinds: ['map'],
  summary: 'host, port, user, password, folders',
  secrets: ['password'],
  shape: object({
    host: string({ nonEmpty: true }),
    port: optional(integer({ min: 1, max: 65535 })),
    secure: optional(boolean()),
    user: string({ nonEmpty: true }),
    password: string({ nonEmpty: true }),
    folders: optional(list(string({ nonEmpty: true }))),
    poll: optional(integer({ min: 10, max: 86_400 })),
  }),
  build: (v) => ({ kind: 'imap', ...v }),
  source: {
    label: 'Email over IMAP',
    description: 'Follows the folders of one mail account (IDLE) and keeps everyone who writes or is written to.',
    suggestedKey: 'mail',
    worker: { type: 'custom', target: 'email:imap' },
    fields: {
      host: { label: 'IMAP server', hint: 'imap.example.org' },
      port: { label: 'Port', hint: 'default 993 (143 without TLS)' },
      secure: { label: 'TLS', hint: 'default on' },
      user: { label: 'User name' },
      password: { label: 'Password' },
      folders: { label: 'Folders', hint: 'one per line; default INBOX' },
      poll: { label: 'Seconds between checks of the other folders', hint: 'default 300' },
    },
  },
});
