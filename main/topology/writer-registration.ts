// Registers the supervisors' heartbeat writes as writer-thread methods, so a single-user topology
// writes worker_status through the one write connection like everything else.
// Imported by main/store/sqlite/writer.worker.ts.
import type { WorkerStatusDto } from '../../shared/topology.js';
import { registerWriterMethods } from '../store/sqlite/writer-methods.js';

registerWriterMethods(({ db }) => {
  const upsert = db.prepare(
    `insert into worker_status (host, worker, replica, state, restarts, done, failed, last_error, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (host, worker, replica) do update set state = excluded.state, restarts = excluded.restarts, done = excluded.done,
       failed = excluded.failed, last_error = excluded.last_error, updated_at = excluded.updated_at`,
  );
  const clear = db.prepare('delete from worker_status where host = ?');
  return {
    'topology.status.write': (rows: WorkerStatusDto[]) =>
      db.transaction(() => {
        for (const r of rows) upsert.run(r.host, r.worker, r.replica, r.state, r.restarts, r.done, r.failed, r.lastError, Date.parse(r.updatedAt));
      })(),
    'topology.status.clearHost': (host: string) => void clear.run(host),
  };
});
