/**
 * Browser mode, cold start to a sellable screen. Chromium is launched first, and a fresh context and
 * page are opened and left to settle, so browser start-up is not counted. Then, per run, on a fresh
 * data directory: spawn web.js → its "ready at" line (server ready: modules loaded, migrations run,
 * demo catalogue seeded, listening) → page DOMContentLoaded → the first visible
 * `[data-testid="product-tile"]`. Each run then restarts web.js on the same data directory (the
 * everyday start: nothing to migrate or seed) and times it to the first tile again.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from '@playwright/test';
import { fmt, median, progress, row, tempDir, type Row } from './stats';
import { rendererBuilt, startWebProcess, WEB_JS } from './web-process';

const CHROMIUM = '/usr/bin/chromium';
const TILE = '[data-testid="product-tile"]';
const TILE_TIMEOUT_MS = 15_000;
const SETTLE_MS = 500;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    ...(existsSync(CHROMIUM) ? { executablePath: CHROMIUM } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Start {
  readyMs: number;
  mainMs: number | null;
  dclMs: number | null;
  tileMs: number | null;
}

/** One start of web.js on `dataDir`, timed to its ready line and (with a page) to the first tile. */
export async function startOnce(
  dataDir: string,
  page: Page | undefined,
  timeoutMs = TILE_TIMEOUT_MS,
): Promise<Start & { tileError?: string }> {
  const t0 = performance.now();
  const web = await startWebProcess(dataDir, timeoutMs, t0);
  try {
    const result: Start & { tileError?: string } = { readyMs: web.readyMs, mainMs: null, dclMs: null, tileMs: null };
    if (page) {
      try {
        await page.goto(web.url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
        result.dclMs = performance.now() - t0;
        await page.waitForSelector(TILE, {
          state: 'visible',
          timeout: Math.max(1, timeoutMs - (performance.now() - t0)),
        });
        result.tileMs = performance.now() - t0;
      } catch (err) {
        result.tileError = (err as Error).message.split('\n')[0] ?? String(err);
      }
    }
    result.mainMs = web.startedInMs();
    return result;
  } finally {
    await web.stop();
  }
}

export async function freshPage(browser: Browser | undefined) {
  if (!browser) return { page: undefined, close: async () => undefined };
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('about:blank');
  await sleep(SETTLE_MS); // let the new renderer process finish starting before the clock runs
  return { page, close: () => context.close() };
}

export async function benchColdStart(runs: number): Promise<Row[]> {
  const goal = '≤ 1 s';
  if (!existsSync(WEB_JS)) {
    return [
      row('cold start: spawn → server ready', 'ms', null, '—', 'n/a (out/main/web.js not built)'),
      row('cold start: spawn → first product tile', 'ms', null, goal, 'n/a (out/main/web.js not built)'),
    ];
  }
  let tileNote = '';
  let browser: Browser | undefined;
  if (!rendererBuilt()) {
    tileNote = 'n/a (renderer not ready: out/renderer/index.html missing)';
  } else {
    try {
      browser = await launchBrowser();
    } catch (err) {
      tileNote = `n/a (Chromium did not start: ${(err as Error).message.split('\n')[0] ?? ''})`;
    }
  }

  const cold: Start[] = [];
  const warm: Start[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const tmp = tempDir('cold');
      try {
        for (const [kind, into] of [
          ['cold', cold],
          ['restart', warm],
        ] as const) {
          const { page, close } = await freshPage(tileNote ? undefined : browser);
          try {
            const s = await startOnce(tmp.dir, page);
            into.push(s);
            if (s.tileError)
              tileNote = `n/a (renderer not ready: no ${TILE} within ${TILE_TIMEOUT_MS / 1000} s: ${s.tileError})`;
            progress(
              `${kind} start ${r + 1}/${runs}: server ready ${fmt(s.readyMs)} ms (main() ${fmt(s.mainMs)} ms), DOMContentLoaded ${fmt(s.dclMs)} ms, first tile ${fmt(s.tileMs)} ms`,
            );
          } finally {
            await close();
          }
        }
      } finally {
        tmp.cleanup();
      }
    }
  } finally {
    await browser?.close();
  }

  const pickAll = (xs: Start[], f: (s: Start) => number | null): number[] | null => {
    const v = xs.map(f);
    return v.every((x): x is number => x !== null) ? v : null;
  };
  const med = (xs: Start[], f: (s: Start) => number | null) => {
    const v = pickAll(xs, f);
    return v ? median(v) : null;
  };
  const breakdown = (xs: Start[]) => {
    const ready = med(xs, (s) => s.readyMs);
    const main = med(xs, (s) => s.mainMs);
    const dcl = med(xs, (s) => s.dclMs);
    const tile = med(xs, (s) => s.tileMs);
    const load = ready !== null && main !== null ? ready - main : null;
    return (
      `medians: process start + module loading ${fmt(load)} ms, main() ${fmt(main)} ms → ready ${fmt(ready)} ms` +
      (tile !== null ? ` → DOMContentLoaded ${fmt(dcl)} ms → first tile ${fmt(tile)} ms` : '')
    );
  };
  const tiles = (xs: Start[]) => (tileNote ? null : pickAll(xs, (s) => s.tileMs));
  const na = tileNote || 'n/a (renderer not ready)';
  return [
    row(
      'cold start: spawn → server ready ("ready at")',
      'ms',
      cold.map((s) => s.readyMs),
      '—',
      `${runs} runs, fresh data dir each; ${breakdown(cold)}`,
    ),
    tiles(cold)
      ? row(
          'cold start: spawn → first product tile visible',
          'ms',
          tiles(cold),
          goal,
          `${runs} runs; Chromium started beforehand, fresh context per run`,
        )
      : row('cold start: spawn → first product tile visible', 'ms', null, goal, na),
    row(
      'restart (existing data dir): spawn → server ready',
      'ms',
      warm.map((s) => s.readyMs),
      '—',
      breakdown(warm),
    ),
    tiles(warm)
      ? row('restart (existing data dir): spawn → first tile', 'ms', tiles(warm), goal, 'no migration, no seeding')
      : row('restart (existing data dir): spawn → first tile', 'ms', null, goal, na),
  ];
}
