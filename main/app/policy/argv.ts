// What the app's command line asks for. The same flags arrive in a second instance's argv (the
// `second-instance` event), which is how `skrode --lookup`, bound to a key in the desktop's own
// shortcut settings, reaches the running app where global shortcuts do not work (Wayland).

export interface AppRequest {
  lookup: boolean;
  /** Open the main window (the default when a second instance asks for nothing else). */
  main: boolean;
}

export function appRequest(argv: unknown): AppRequest {
  const args = Array.isArray(argv) ? argv.filter((a): a is string => typeof a === 'string') : [];
  const lookup = args.includes('--lookup');
  return { lookup, main: !lookup };
}
