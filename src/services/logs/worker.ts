/**
 * The log worker thread's entry (bundled as dist/log-worker.mjs): wires LogWorkerCore to the port.
 * Any exception that escapes ends the thread; the UI thread's host restarts it and says so in the pane.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ToWorker, WorkerInit } from './protocol.js';
import { LogWorkerCore } from './worker-core.js';

const port = parentPort;
if (port) {
  const core = new LogWorkerCore(workerData as WorkerInit, (m) => port.postMessage(m));
  port.on('message', (m: ToWorker) => {
    core.handle(m);
    if (m.t === 'stop') port.close();
  });
  port.postMessage({ t: 'ready' });
}
