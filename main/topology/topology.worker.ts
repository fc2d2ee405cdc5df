// The worker-thread entry of the topology (bundled to out/workers/topology.js): one thread per
// worker replica, started by ./supervisor.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerBoot } from './protocol.js';
import { runWorker } from './worker-runtime.js';

const port = parentPort;
if (!port) throw new Error('topology.worker must run in a worker thread');
const stop = new AbortController();
port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') stop.abort();
});
const send = (m: FromWorker) => port.postMessage(m);

try {
  await runWorker(workerData as WorkerBoot, { send, stop: stop.signal });
  send({ type: 'finished' });
  process.exit(0);
} catch (e) {
  const err = e as Error;
  send({ type: 'log', level: 'error', message: `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` });
  process.exit(1);
}
