/**
 * A dependency loaded the first time it is used rather than when the till starts. Every module
 * required at start-up is paid for before the "ready" line and so before the clerk's first screen;
 * the receipt printer's encoder and WeChat's XML parser are needed only at the first print or the
 * first WeChat call (about 20 ms of a ~1 s cold start between them, measured with `require`).
 *
 * Plain `require` through `createRequire`, so the bundle keeps them external and synchronous code
 * (an XML parse, an ESC/POS render) can stay synchronous.
 */
import { createRequire } from 'node:module';

const load = createRequire(__filename);

export function lazyModule<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(id) as T);
}
