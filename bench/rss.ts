/**
 * Main-process memory in browser mode: VmRSS of the web.js process right after it is ready, and
 * after N complete cash sales through its HTTP API (3 × cart.add → confirm → payCash each).
 */
import { performance } from 'node:perf_hooks';
import type { OrderView, PaidOrder, Product } from '../src/shared/types';
import { fmt, must, progress, rng, row, tempDir, type Row } from './stats';
import { procStatusMb, startWebProcess } from './web-process';

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

export async function benchRss(sales: number): Promise<Row[]> {
  const tmp = tempDir('rss');
  try {
    const web = await startWebProcess(tmp.dir);
    try {
      const rssStart = procStatusMb(web.pid, 'VmRSS');
      const api = `${web.origin}/api/invoke`;
      const invoke = async (method: string, input: unknown): Promise<unknown> => {
        const res = await fetch(api, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}` },
          body: JSON.stringify({ method, input }),
        });
        return must((await res.json()) as Reply);
      };
      const products = (await invoke('catalog.products', { categoryId: null })) as Product[];
      const random = rng(42);
      const t0 = performance.now();
      let rssHalf: number | null = null;
      for (let i = 0; i < sales; i++) {
        if (i === sales / 2) rssHalf = procStatusMb(web.pid, 'VmRSS');
        const ids = new Set<number>();
        while (ids.size < 3) ids.add((products[Math.floor(random() * products.length)] as Product).id);
        for (const productId of ids) await invoke('cart.add', { productId });
        const order = (await invoke('checkout.confirm', {})) as OrderView;
        const paid = (await invoke('checkout.payCash', {
          orderId: order.id,
          tenderedFen: Math.ceil((order.totalFen + 1) / 10_000) * 10_000,
        })) as PaidOrder;
        if (paid.order.status !== 'paid') throw new Error(`order ${order.number} not paid`);
      }
      const httpRate = (sales / (performance.now() - t0)) * 1000;
      const rssAfter = procStatusMb(web.pid, 'VmRSS');
      const peak = procStatusMb(web.pid, 'VmHWM');
      progress(`rss: ${sales} sales over HTTP at ${fmt(httpRate)}/s; RSS ${fmt(rssStart)} → ${fmt(rssAfter)} MB`);
      const na = rssStart === null ? 'n/a (no /proc on this platform)' : '';
      return [
        row(
          'main-process RSS after start (web.js)',
          'MB',
          rssStart === null ? null : [rssStart],
          '—',
          na || 'VmRSS at the "ready at" line, fresh data dir',
        ),
        row(
          `main-process RSS after ${sales.toLocaleString('en')} sales over HTTP`,
          'MB',
          rssAfter === null ? null : [rssAfter],
          '—',
          na ||
            `${fmt(rssHalf)} MB after ${sales / 2}; peak (VmHWM) ${fmt(peak)} MB; ${fmt(httpRate)} sales/s over HTTP (5 requests per sale)`,
        ),
      ];
    } finally {
      await web.stop();
    }
  } finally {
    tmp.cleanup();
  }
}
