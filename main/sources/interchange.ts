// The interchange importers (issue 7): vCard address books, Emacs BBDB files and Skrode's own
// JSON backups. The import command calls registerInterchangeImporters() once.
import { registerImporter, registeredImporters } from './importer.js';
import { vcardImporter } from './vcard/importer.js';
import { bbdbImporter } from './bbdb/importer.js';
import { backupImporter } from './backup/importer.js';

export function registerInterchangeImporters(): void {
  for (const importer of [vcardImporter, bbdbImporter, backupImporter]) {
    if (!registeredImporters().some((i) => i.name === importer.name)) registerImporter(importer);
  }
}
