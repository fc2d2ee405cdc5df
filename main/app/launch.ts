// `skrode --lookup` from the command line: start the desktop app's executable with `--lookup`.
// If the app is running, that second instance hands its argv to the first (single-instance lock,
// `second-instance`), which shows the lookup popup, and exits; this is the hotkey for desktops
// without global shortcuts (Wayland: bind `skrode --lookup` in the desktop's keyboard settings).
// No electron import here: the CLI runs on plain Node.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface LaunchCommand {
  command: string;
  args: string[];
}

export interface LaunchEnv {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  exists?: (file: string) => boolean;
}

/** Where electron-builder's installers put the app (electron-builder.yml: appId, executableName). */
export function desktopAppCandidates(o: LaunchEnv): LaunchCommand[] {
  const args = ['--lookup'];
  const out: LaunchCommand[] = [];
  if (o.env.SKRODE_APP) out.push({ command: o.env.SKRODE_APP, args });
  if (o.platform === 'darwin') {
    // -n: a new instance, which hands over to the running one; -b: by bundle id, wherever it is.
    out.push({ command: '/usr/bin/open', args: ['-n', '-b', 'org.skrode.desktop', '--args', ...args] });
  } else if (o.platform === 'win32') {
    const local = o.env.LOCALAPPDATA ?? path.win32.join(o.home, 'AppData', 'Local');
    out.push({ command: path.win32.join(local, 'Programs', 'Skrode', 'Skrode.exe'), args });
    if (o.env.ProgramFiles) out.push({ command: path.win32.join(o.env.ProgramFiles, 'Skrode', 'Skrode.exe'), args });
  } else {
    out.push({ command: '/usr/bin/skrode-app', args }, { command: '/opt/Skrode/skrode-app', args });
    // An AppImage sets $APPIMAGE for its own processes only; users put it somewhere on their own.
    out.push({ command: path.posix.join(o.home, 'Applications', 'Skrode.AppImage'), args });
  }
  return out;
}

/** The first candidate that exists (SKRODE_APP is taken as given, so its error names it). */
export function findDesktopApp(o: LaunchEnv): LaunchCommand | null {
  const exists = o.exists ?? existsSync;
  for (const c of desktopAppCandidates(o)) {
    if (c.command === o.env.SKRODE_APP || exists(c.command)) return c;
  }
  return null;
}

/** Start the app detached (it outlives the CLI when it is the first instance). */
export function launchDesktopLookup(o: LaunchEnv, start: typeof spawn = spawn): Promise<LaunchCommand> {
  const found = findDesktopApp(o);
  if (!found) {
    const tried = desktopAppCandidates(o).map((c) => c.command).join(', ');
    return Promise.reject(new Error(`the Skrode desktop app was not found (looked for ${tried}); set SKRODE_APP to its executable`));
  }
  return new Promise((resolve, reject) => {
    const child = start(found.command, found.args, { detached: true, stdio: 'ignore' });
    child.once('error', (e) => reject(new Error(`cannot start ${found.command}: ${e.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve(found);
    });
  });
}
