// Preloaded into every benchmarked server process (NODE_OPTIONS="--expose-gc --import <this>"), the
// same for OmeChat and the baselines, so heap figures are read the same way without touching the
// servers: on an IPC probe it runs a full GC and answers with process.memoryUsage() (or writes a
// heap snapshot, for --profile).
import { writeHeapSnapshot } from 'node:v8';

if (typeof process.send === 'function') {
  process.on('message', (m) => {
    if (m && m.type === 'bench.heapsnapshot') {
      globalThis.gc?.();
      process.send({ type: 'bench.heapsnapshot', id: m.id, file: writeHeapSnapshot(m.file) });
      return;
    }
    if (!m || m.type !== 'bench.memory') return;
    globalThis.gc?.();
    globalThis.gc?.();
    const u = process.memoryUsage();
    process.send({
      type: 'bench.memory',
      id: m.id,
      rss: u.rss,
      heapUsed: u.heapUsed,
      heapTotal: u.heapTotal,
      external: u.external,
      arrayBuffers: u.arrayBuffers,
    });
  });
  // The probe must not keep a server alive on its own.
  process.channel?.unref();
}
