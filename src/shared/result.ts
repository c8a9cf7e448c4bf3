import type { PosErrorShape } from './errors';

/** What every contract call resolves to. Exceptions never cross a process boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: PosErrorShape };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: PosErrorShape): Result<T> {
  return { ok: false, error };
}
