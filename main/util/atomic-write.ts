// Replacing a small file atomically: config.yml, settings.json and the secrets file are read
// by other processes and threads while Skrode writes them.
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Replace `file` with `text` atomically: written and flushed to a temporary file in the same
 * folder, then renamed over it, so a reader (a worker loading the config) sees the old or the new
 * file, never half of one. The file's mode is kept, a new one is private (0600), and `mode`
 * forces one (a file of secrets stays private whatever it was). A symlink is written where it
 * points.
 */
export function writeFileAtomically(file: string, text: string, options: { mode?: number } = {}): void {
  let target = file;
  let mode = 0o600;
  try {
    target = realpathSync(file);
    mode = statSync(target).mode & 0o777;
  } catch {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  }
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  if (options.mode !== undefined) mode = options.mode;
  const fd = openSync(tmp, 'wx', mode);
  try {
    // openSync's mode is filtered by the umask; the file must carry exactly this one.
    fchmodSync(fd, mode);
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
