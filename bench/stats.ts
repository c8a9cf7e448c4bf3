/**
 * Shared helpers for the benchmarks: sample statistics, the table row type, temp directories and a
 * per-run timer. Timings are reported, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One line of the results table. Numbers are in `unit`; `null` means "not measured here". */
export interface Row {
  measure: string;
  unit: string;
  median: number | null;
  p95: number | null;
  goal: string;
  notes: string;
}

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank: the smallest sample with at least q of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const p95 = (samples: readonly number[]): number => quantile(samples, 0.95);

/** A number with a sensible number of significant digits for a table cell. */
export function fmt(n: number | null, unit = ''): string {
  if (n === null || !Number.isFinite(n)) return 'n/a';
  const a = Math.abs(n);
  const text = a >= 100 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : a >= 1 ? n.toFixed(2) : n.toFixed(3);
  return unit ? `${text} ${unit}` : text;
}

export function row(measure: string, unit: string, samples: readonly number[] | null, goal: string, notes = ''): Row {
  return {
    measure,
    unit,
    median: samples && samples.length > 0 ? median(samples) : null,
    p95: samples && samples.length > 1 ? p95(samples) : null,
    goal,
    notes,
  };
}

export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export interface TempDir {
  dir: string;
  cleanup: () => void;
}

const live = new Set<string>();

export function tempDir(prefix: string): TempDir {
  const dir = mkdtempSync(join(tmpdir(), `counter-pos-bench-${prefix}-`));
  live.add(dir);
  return {
    dir,
    cleanup: () => {
      live.delete(dir);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** Removes every temp dir still registered (on a crash or an early exit). */
export function cleanupAllTempDirs(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  live.clear();
}

/** Throws with the error shape if a contract call failed. */
export function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Progress on stderr, so stdout carries only the table. */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Deterministic PRNG (mulberry32), so every run generates the same catalogue and picks. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

let gcFn: (() => void) | null | undefined;

/** A full garbage collection, for heap measurements (exposes V8's gc without a command-line flag). */
export function forceGc(): void {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}
