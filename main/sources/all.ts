// Registers every file importer `skrode import` knows. Each source folder exports its own
// register function; this is the one place that lists them.
import { registerImporter, registeredImporters } from './importer.js';
import { jsonlImporter } from './jsonl/importer.js';

let done = false;

export async function registerAllImporters(): Promise<void> {
  if (done) return;
  done = true;
  registerImporter(jsonlImporter);
}

export { registeredImporters };
