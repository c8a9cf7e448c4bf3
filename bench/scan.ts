/**
 * Scan-to-cart with a large catalogue: `dispatch('cart.scan', { code })` into a cart of ~10 lines
 * (each scan adds a new line, which is then removed untimed, so the cart stays at 10 lines), in
 * process and through the loopback HTTP transport (`POST /api/invoke` with the bearer token).
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startWebServer } from '../src/main/web-server';
import type { CartView } from '../src/shared/types';
import type { BigCatalogue } from './generate';
import { must, pick, progress, rng, row, type Row } from './stats';

export interface ScanOptions {
  scans: number;
  warmup: number;
  cartLines: number;
}

type Invoke = (
  method: string,
  input: unknown,
) => Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>;

async function scanLoop(big: BigCatalogue, invoke: Invoke, options: ScanOptions, seed: number): Promise<number[]> {
  const { core } = big;
  const random = rng(seed);
  const coded = big.file.products.filter((p) => p.barcode !== null);
  core.handlers['cart.clear']({});
  // fill the cart to cartLines - 1 lines, so each timed scan makes it cartLines long
  const inCart = new Set<string>();
  while (inCart.size < options.cartLines - 1) {
    const p = pick(random, coded);
    if (inCart.has(p.barcode as string)) continue;
    must(await invoke('cart.scan', { code: p.barcode }));
    inCart.add(p.barcode as string);
  }
  const samples: number[] = [];
  for (let i = 0; i < options.warmup + options.scans; i++) {
    let code: string;
    do code = pick(random, coded).barcode as string;
    while (inCart.has(code));
    const t = performance.now();
    const cart = must(await invoke('cart.scan', { code })) as CartView;
    const ms = performance.now() - t;
    if (i >= options.warmup) samples.push(ms);
    const line = cart.lines.find((l) => l.barcode === code);
    if (!line || cart.lines.length !== options.cartLines) {
      throw new Error(`scan of ${code} left ${cart.lines.length} lines (expected ${options.cartLines}, with it)`);
    }
    core.handlers['cart.remove']({ lineId: line.lineId });
  }
  core.handlers['cart.clear']({});
  return samples;
}

export async function benchScan(big: BigCatalogue, options: ScanOptions): Promise<Row[]> {
  const { core } = big;
  const inProcess = await scanLoop(big, (m, i) => core.dispatch(m, i) as ReturnType<Invoke>, options, 11);

  const web = await startWebServer(core, { port: 0, rendererDir: resolve(__dirname, '../out/renderer') });
  let overHttp: number[];
  try {
    const url = `http://127.0.0.1:${web.port}/api/invoke`;
    const invoke: Invoke = async (method, input) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}` },
        body: JSON.stringify({ method, input }),
      });
      return (await res.json()) as Awaited<ReturnType<Invoke>>;
    };
    overHttp = await scanLoop(big, invoke, options, 12);
  } finally {
    await web.close();
  }
  progress(`scan: ${options.scans} scans in process and over HTTP done`);
  const n = core.catalog.size.toLocaleString('en');
  return [
    row(
      'scan-to-cart: dispatch(cart.scan)',
      'ms',
      inProcess,
      '≤ 50 ms',
      `${n} products, cart of ${options.cartLines} lines; ${options.scans} scans`,
    ),
    row(
      'scan-to-cart: over loopback HTTP',
      'ms',
      overHttp,
      '≤ 50 ms',
      'POST /api/invoke with bearer token, fetch keep-alive',
    ),
  ];
}
