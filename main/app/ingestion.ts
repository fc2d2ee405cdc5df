// The background ingestion of the desktop app: the user's topology (main/topology) running in
// worker threads of the app's own process. Pausing is a graceful stop (every worker finishes or
// returns the item in hand, so nothing is lost) and resuming starts the topology again from the
// config; quitting waits for the same graceful stop. Transitions are serialised: a click on
// "Resume" while a pause is still draining waits for it. A change to config.yml from the Sources
// page reloads it the same way: a graceful stop, then a start from the file as it is now.

import type { IngestState } from './tray.js';

export interface RunningLike {
  stop(options?: { force?: boolean }): Promise<void>;
  finished: Promise<unknown>;
}

export interface IngestionDeps {
  /** Whether the config lists any workers (else there is nothing to run). */
  configured(): boolean;
  start(): Promise<RunningLike>;
  onState?: (state: IngestState) => void;
  log?: (line: string) => void;
}

export class IngestionService {
  private running: RunningLike | undefined;
  private state: IngestState = { kind: 'not-configured' };
  private chain: Promise<void> = Promise.resolve();
  private wantPaused = false;
  private closed = false;

  constructor(private readonly deps: IngestionDeps) {}

  current(): IngestState {
    return this.state;
  }

  paused(): boolean {
    return this.wantPaused || this.state.kind === 'paused';
  }

  private set(state: IngestState): void {
    this.state = state;
    this.deps.onState?.(state);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step, step);
    this.chain = next.catch(() => {});
    return next;
  }

  /** Start if the config has workers and the user has not paused. */
  start(): Promise<void> {
    return this.enqueue(() => this.startNow());
  }

  /**
   * After config.yml or a stored token changed: stop gracefully (items in hand are finished or
   * returned to their queues, so nothing is lost) and start again from the config as it is now.
   * A paused ingestion stays paused; a config that no longer has workers stays stopped.
   */
  reload(): Promise<void> {
    return this.enqueue(async () => {
      if (this.closed) return;
      if (this.running) {
        this.set({ kind: 'busy', what: 'restarting' });
        await this.stopRunning();
      }
      await this.startNow();
    });
  }

  private async startNow(): Promise<void> {
    if (this.closed || this.running) return;
    let configured: boolean;
    try {
      configured = this.deps.configured();
    } catch (e) {
      this.set({ kind: 'failed', reason: (e as Error).message });
      return;
    }
    if (!configured) {
      this.set({ kind: 'not-configured' });
      return;
    }
    if (this.wantPaused) {
      this.set({ kind: 'paused' });
      return;
    }
    this.set({ kind: 'busy', what: 'starting' });
    try {
      const running = await this.deps.start();
      this.running = running;
      this.set({ kind: 'running' });
      // Every worker ending on its own (parked, a config with only finite workers) is not a pause.
      void running.finished.then(() => {
        if (this.running !== running) return;
        this.running = undefined;
        if (!this.closed && this.state.kind === 'running') this.set({ kind: 'failed', reason: 'every worker has stopped (see the status page)' });
      });
    } catch (e) {
      this.deps.log?.(`ingestion: cannot start: ${(e as Error).message}`);
      this.set({ kind: 'failed', reason: (e as Error).message });
    }
  }

  setPaused(paused: boolean): Promise<void> {
    this.wantPaused = paused;
    if (!paused) return this.start();
    return this.enqueue(async () => {
      if (this.running) {
        this.set({ kind: 'busy', what: 'pausing' });
        await this.stopRunning();
      }
      if (this.state.kind !== 'not-configured') this.set({ kind: 'paused' });
    });
  }

  private async stopRunning(force = false): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    await running.stop(force ? { force: true } : {});
    await running.finished;
  }

  /** For quitting: stop gracefully; nothing starts afterwards. */
  close(options: { force?: boolean } = {}): Promise<void> {
    this.closed = true;
    if (options.force && this.running) return this.running.stop({ force: true });
    return this.enqueue(async () => {
      if (this.running) {
        this.set({ kind: 'busy', what: 'stopping' });
        await this.stopRunning();
      }
    });
  }
}
