// The user's data folder: where the default SQLite database, the per-user config.yml and the
// desktop app's state live. The CLI and the desktop app must agree on it (the app points
// electron's userData path here), so both call dataDir().
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface DataDirOptions {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
  cwd?: string;
}

/**
 * `SKRODE_HOME` if set; else the platform's per-user data folder:
 * Linux `$XDG_DATA_HOME/skrode` or `~/.local/share/skrode`, macOS `~/Library/Application
 * Support/Skrode`, Windows `%APPDATA%\Skrode`. Pure: creates nothing (see ensureDataDir).
 */
export function dataDir(options: DataDirOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? env.HOME ?? (platform === 'win32' ? env.USERPROFILE : undefined) ?? homedir();

  const override = env.SKRODE_HOME;
  if (override) return p.resolve(cwd, expandHome(override, home, p));

  if (platform === 'win32') {
    const appData = env.APPDATA || p.join(home, 'AppData', 'Roaming');
    return p.join(appData, 'Skrode');
  }
  if (platform === 'darwin') return p.join(home, 'Library', 'Application Support', 'Skrode');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  if (xdg && p.isAbsolute(xdg)) return p.join(xdg, 'skrode');
  return p.join(home, '.local', 'share', 'skrode');
}

/** Create the data folder if needed, private to the user (it holds the database and tokens). */
export function ensureDataDir(dir: string = dataDir()): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** `~` and `~/x` name the user's home folder, as in a shell. */
export function expandHome(file: string, home: string = homedir(), p: path.PlatformPath = path): string {
  if (file === '~') return home;
  if (file.startsWith('~/') || (p === path.win32 && file.startsWith('~\\'))) return p.join(home, file.slice(2));
  return file;
}
