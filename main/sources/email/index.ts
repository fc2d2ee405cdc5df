// Mail sources: mbox and Maildir importers for `skrode import`, the IMAP worker, and the capture
// policy they share.
import { registerImporter, registeredImporters } from '../importer.js';
import { maildirImporter } from './maildir-importer.js';
import { mboxImporter } from './mbox-importer.js';

export { parseEmailPolicy, defaultEmailPolicy, type EmailPolicy } from './policy.js';
export { importMbox } from './mbox-importer.js';
export { importMaildir } from './maildir-importer.js';

/** Register the mail importers once (safe to call again). */
export function registerEmailImporters(): void {
  for (const imp of [mboxImporter, maildirImporter]) {
    if (!registeredImporters().some((i) => i.name === imp.name)) registerImporter(imp);
  }
}
