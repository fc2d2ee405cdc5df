// Quitting gracefully: the first quit (tray, Cmd+Q, the OS logging out) holds the app open until
// the ingestion has stopped (every worker finishes or returns the item in hand) and the store is
// closed, then quits for real; a second quit request while that runs forces the stop.

export interface QuitEvent {
  preventDefault(): void;
}

export interface QuittableApp {
  on(event: 'before-quit', listener: (event: QuitEvent) => void): unknown;
  quit(): void;
}

export interface QuitSteps {
  /** Stop the background work; `force` on the second request. */
  stop(options: { force: boolean }): Promise<void>;
  /** Close what is left (the store, the tray); runs once, after stop. */
  close(): Promise<void>;
  log?: (line: string) => void;
}

export function installGracefulQuit(app: QuittableApp, steps: QuitSteps): { readonly phase: 'running' | 'stopping' | 'done' } {
  const state = { phase: 'running' as 'running' | 'stopping' | 'done' };
  app.on('before-quit', (event) => {
    if (state.phase === 'done') return;
    event.preventDefault();
    if (state.phase === 'stopping') {
      steps.log?.('quit: asked again; forcing the background work to stop');
      void steps.stop({ force: true }).catch(() => {});
      return;
    }
    state.phase = 'stopping';
    steps.log?.('quit: stopping the background work (items in hand are finished or returned)');
    void (async () => {
      try {
        await steps.stop({ force: false });
      } catch (e) {
        steps.log?.(`quit: stopping failed: ${(e as Error).message}`);
      }
      try {
        await steps.close();
      } catch (e) {
        steps.log?.(`quit: closing failed: ${(e as Error).message}`);
      }
      state.phase = 'done';
      app.quit();
    })();
  });
  return state;
}
