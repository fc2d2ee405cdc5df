// The topology's status as the CLI (`skrode topology status`) and the desktop app (SkrodeApi)
// see it: plain data, built from the heartbeats supervisors keep in the store or in Redis.

export type WorkerState =
  /** Starting or running normally. */
  | 'running'
  /** Died; waiting out its backoff before the next start. */
  | 'backoff'
  /** Died too often too quickly: not restarted until the topology is restarted. */
  | 'parked'
  /** Asked to stop; finishing the item in hand. */
  | 'stopping'
  | 'stopped';

export interface WorkerStatusDto {
  host: string;
  worker: string;
  replica: number;
  state: WorkerState;
  /** Times the supervisor started it again after it died. */
  restarts: number;
  /** Items (map) or runs (periodic) completed, since the supervisor started. */
  done: number;
  failed: number;
  lastError: string | null;
  /** ISO time of the last heartbeat. */
  updatedAt: string;
  /** No heartbeat for a while: its supervisor (host) is gone or hung. */
  stale: boolean;
}

export interface QueueStatusDto {
  queue: string;
  backend: 'sqlite' | 'redis';
  ready: number;
  delayed: number;
  inflight: number;
  dead: number;
}

export interface TopologyStatusDto {
  /** ISO time the status was read. */
  at: string;
  workers: WorkerStatusDto[];
  queues: QueueStatusDto[];
  /** Anything that could not be read (a queue whose Redis is down), in words. */
  problems: string[];
}
