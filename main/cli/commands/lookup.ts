// `skrode --lookup`: show the lookup popup of the running desktop app (or start it showing the
// popup). Bind it to a key in the desktop's shortcut settings where global shortcuts do not work
// (Wayland). Only commander is imported up front.
import type { Command } from 'commander';

export function register(program: Command): void {
  program.option('--lookup', "show the desktop app's lookup popup (bind this to a key where global shortcuts do not work, e.g. on Wayland)");
  // A root action makes commander hand unknown words to it (after its excess-arguments check,
  // hence allowExcessArguments on the root; subcommands made before this keep their own
  // setting), so report them here as commander would, with its "did you mean" suggestion.
  program.allowExcessArguments(true);
  program.action(async (opts: { lookup?: boolean }, cmd: Command) => {
    if (cmd.args.length > 0) (cmd as unknown as { unknownCommand(): never }).unknownCommand();
    if (!opts.lookup) cmd.help({ error: true });
    const [{ launchDesktopLookup }, { homedir }] = await Promise.all([import('../../app/launch.js'), import('node:os')]);
    await launchDesktopLookup({ platform: process.platform, env: process.env, home: homedir() });
  });
}
