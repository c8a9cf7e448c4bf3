/**
 * scrypt for PINs, computed in one worker thread of its own rather than on libuv's thread pool.
 *
 * Why: a PIN's scrypt (N = 2^14, r = 8) takes a 16 MB block. `crypto.scrypt` runs on any of the
 * pool's four threads, and glibc, once one such block has been given back, serves the next ones from
 * the thread's own arena and keeps them there: every pool thread that ever checked a PIN holds 16 MB
 * for good. A till in browser mode went from 95 to 199 MB of RSS after eight sign-ins (the owner's
 * reads, a clerk's shift change). One thread that does all the hashing keeps that to one block
 * (about +20 MB, measured). The thread is started on the first PIN check, held while checks wait,
 * and stopped after a minute without any; the next one starts in ~20 ms and reuses the same arena.
 *
 * The key is the same `scrypt(pin, salt)` as before (`scryptSync` in the thread), so every stored
 * PIN still verifies. Where a worker cannot start, the pool's `crypto.scrypt` is used.
 */
import { scrypt } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, password, salt, keylen, params }) => {
  let reply;
  try {
    reply = { id, key: scryptSync(password, salt, keylen, params) };
  } catch (err) {
    reply = { id, error: String((err && err.message) || err) };
  }
  parentPort.postMessage(reply);
});
`;

/** stop the thread after this long without a check */
export const PIN_HASH_IDLE_MS = 60_000;

interface Waiting {
  resolve: (key: Buffer) => void;
  reject: (err: Error) => void;
}

let worker: Worker | null = null;
let idle: NodeJS.Timeout | null = null;
let nextId = 1;
const waiting = new Map<number, Waiting>();

function failAll(err: Error): void {
  for (const w of waiting.values()) w.reject(err);
  waiting.clear();
}

function thread(): Worker {
  if (worker) return worker;
  // a small young generation: the thread allocates almost nothing in JS (sqlite-jobs.ts, WORKER_LIMITS)
  const w = new Worker(SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  w.on('message', (m: { id: number; key?: Uint8Array; error?: string }) => {
    const p = waiting.get(m.id);
    if (!p) return;
    waiting.delete(m.id);
    if (m.key) p.resolve(Buffer.from(m.key.buffer, m.key.byteOffset, m.key.byteLength));
    else p.reject(new Error(m.error ?? 'scrypt failed'));
    if (waiting.size === 0) rest(w);
  });
  w.on('error', (err) => {
    if (worker === w) worker = null;
    failAll(err);
  });
  w.on('exit', () => {
    if (worker === w) worker = null;
    failAll(new Error('the PIN hashing thread stopped'));
  });
  worker = w;
  return w;
}

/** Nothing waits: the thread no longer keeps the process alive, and stops after a while. */
function rest(w: Worker): void {
  w.unref();
  if (idle) clearTimeout(idle);
  idle = setTimeout(() => {
    idle = null;
    if (worker === w && waiting.size === 0) {
      worker = null;
      void w.terminate();
    }
  }, PIN_HASH_IDLE_MS);
  idle.unref();
}

function poolScrypt(password: string, salt: string, keylen: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, params, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt(password, salt)` as `crypto.scrypt` computes it, in the PIN hashing thread. */
export function scryptPin(password: string, salt: string, keylen: number, params: ScryptParams): Promise<Buffer> {
  let w: Worker;
  try {
    w = thread();
  } catch {
    return poolScrypt(password, salt, keylen, params);
  }
  if (idle) {
    clearTimeout(idle);
    idle = null;
  }
  w.ref(); // a check under way keeps the process alive (a script awaiting a hash)
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, password, salt, keylen, params });
  });
}
