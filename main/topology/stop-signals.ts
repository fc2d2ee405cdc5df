// SIGINT/SIGTERM for `skrode topology run`: the first asks for a graceful stop (items in hand are
// finished or returned to their queues), the second forces it. Returns the uninstaller.

export interface StopSignalHandlers {
  host: string;
  log: (line: string) => void;
  stop: () => void;
  force: () => void;
}

export function installStopSignals(h: StopSignalHandlers): () => void {
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      h.log(`[${h.host}] ${sig}: stopping; the items in hand are finished or returned (${sig} again to force)`);
      h.stop();
    } else {
      h.log(`[${h.host}] ${sig} again: forcing the stop; items in hand return to their queues when their leases lapse`);
      h.force();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
