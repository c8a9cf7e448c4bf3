/**
 * Search latency over a large generated catalogue: `catalog.search(q, 50)` per kind of query (the
 * in-memory index, as the core calls it), and the same mix once more through
 * `dispatch('catalog.search')` (zod validation + result wrapping).
 */
import { performance } from 'node:perf_hooks';
import type { Product } from '../src/shared/types';
import { searchQueries, type BigCatalogue, type QueryKind } from './generate';
import { fmt, median, must, progress, row, type Row } from './stats';

export interface SearchOptions {
  /** Rounds over every query of every kind. */
  rounds: number;
  limit: number;
}

export async function benchSearch(big: BigCatalogue, options: SearchOptions): Promise<Row[]> {
  const { catalog } = big.core;
  const queries = searchQueries(big.file);
  const kinds = Object.keys(queries) as QueryKind[];

  // What each query finds, checked once: the bench must time real searches, not empty ones.
  const hits = new Map<QueryKind, number[]>();
  for (const kind of kinds) {
    const counts = queries[kind].map((q) => catalog.search(q, options.limit).length);
    hits.set(kind, counts);
  }
  for (const [i, sku] of queries['SKU (exact)'].entries()) {
    if (catalog.search(sku, options.limit)[0]?.sku !== sku)
      throw new Error(`search for SKU ${sku} (#${i}) did not find it first`);
  }
  for (const code of queries['barcode (exact)']) {
    if (catalog.search(code, options.limit)[0]?.barcode !== code)
      throw new Error(`search for barcode ${code} did not find it first`);
  }
  if (hits.get('no match (full scan)')?.some((n) => n !== 0)) throw new Error('a no-match query found something');

  // Warm up (JIT, caches), then time every query `rounds` times, kinds interleaved.
  for (let r = 0; r < 5; r++) for (const kind of kinds) for (const q of queries[kind]) catalog.search(q, options.limit);
  const samples = new Map<QueryKind, number[]>(kinds.map((k) => [k, []]));
  const perQuery = new Map<string, number[]>();
  for (let r = 0; r < options.rounds; r++) {
    for (const kind of kinds) {
      const out = samples.get(kind) as number[];
      for (const q of queries[kind]) {
        const t = performance.now();
        catalog.search(q, options.limit);
        const ms = performance.now() - t;
        out.push(ms);
        perQuery.set(q, [...(perQuery.get(q) ?? []), ms]);
      }
    }
  }

  // The same mix through the contract.
  const viaDispatch: number[] = [];
  for (let r = 0; r < Math.max(3, Math.floor(options.rounds / 4)); r++) {
    for (const kind of kinds) {
      for (const q of queries[kind]) {
        const t = performance.now();
        const found = must(await big.core.dispatch('catalog.search', { query: q, limit: options.limit })) as Product[];
        viaDispatch.push(performance.now() - t);
        if (found.length > options.limit) throw new Error('search returned more than its limit');
      }
    }
  }
  const n = big.core.catalog.size.toLocaleString('en');
  progress(`search: ${kinds.length} kinds × ${options.rounds} rounds over ${n} products done`);

  const rows: Row[] = [
    row(
      `${n}-product catalogue: index rebuild (catalog.reload)`,
      'ms',
      [big.reloadMs],
      '—',
      `import (pinyin + inserts, 1 tx) ${fmt(big.importMs / 1000)} s; index ≈ ${fmt(big.heapDeltaMb)} MB heap; generate ${fmt(big.generateMs)} ms`,
    ),
  ];
  for (const kind of kinds) {
    const qs = queries[kind];
    const counts = hits.get(kind) ?? [];
    const example = qs
      .slice(0, 3)
      .map((q) => `"${q}"`)
      .join(', ');
    const slowest = qs.map((q) => ({ q, ms: median(perQuery.get(q) ?? []) })).reduce((a, b) => (b.ms > a.ms ? b : a));
    rows.push(
      row(
        `search: ${kind}`,
        'ms',
        samples.get(kind) ?? [],
        '≤ 10 ms',
        `${qs.length} queries, e.g. ${example}; slowest "${slowest.q}" ${fmt(slowest.ms)} ms; hits ${Math.min(...counts)}–${Math.max(...counts)} (limit ${options.limit})`,
      ),
    );
  }
  rows.push(
    row(
      'search: whole mix via dispatch(catalog.search)',
      'ms',
      viaDispatch,
      '≤ 10 ms',
      'zod + Result wrapping included',
    ),
  );
  return rows;
}
