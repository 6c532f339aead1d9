// Worker-thread entry of the Node solver (plain JS so it runs without a TypeScript loader). The
// search matches src/pow-search.ts: counters from 0, password = nonce || uint32 BE counter, the
// key from altcha-lib's scrypt (node:crypto, native) must start with keyPrefix.
import { Buffer } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { deriveKey } from 'altcha-lib/algorithms/scrypt';

const { challenge, maxCounter } = workerData;
const p = challenge.parameters;
const nonce = Buffer.from(p.nonce, 'hex');
const salt = Buffer.from(p.salt, 'hex');
const prefix = Buffer.from(p.keyPrefix, 'hex');
const password = Buffer.alloc(nonce.length + 4);
nonce.copy(password);
const started = Date.now();
let reported = started;
try {
  for (let counter = 0; counter <= maxCounter; counter++) {
    password.writeUInt32BE(counter, nonce.length);
    const { derivedKey } = await deriveKey(p, salt, password);
    if (Buffer.from(derivedKey).subarray(0, prefix.length).equals(prefix)) {
      parentPort.postMessage({ type: 'progress', tried: counter + 1, max: maxCounter });
      const solution = {
        counter,
        derivedKey: Buffer.from(derivedKey).toString('hex'),
        time: Date.now() - started,
      };
      parentPort.postMessage({ type: 'done', solution });
      break;
    }
    if (counter === maxCounter)
      parentPort.postMessage({ type: 'error', message: 'no counter below the bound solves this challenge' });
    if (Date.now() - reported >= 100) {
      reported = Date.now();
      parentPort.postMessage({ type: 'progress', tried: counter + 1, max: maxCounter });
    }
  }
} catch (e) {
  parentPort.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
