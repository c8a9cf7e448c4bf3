/**
 * Browser mode (`npm run web`): the same core as the Electron app, under plain Node, with the same
 * renderer build served over a loopback transport. Prints its URL (with the per-run token) on start.
 *
 *   node out/main/web.js [--data-dir DIR] [--port N]
 */
import { join } from 'node:path';
import { createCore } from './core/core';
import { defaultDataDir, parseLaunch, timingFrom } from './config';
import { DEFAULT_TIMING } from './core/payments/attempts';
import { loadAlipaySdk } from './intermediaries/alipay/signing';
import { startSandboxChild } from './sandbox-child';
import { startWebServer } from './web-server';
import { version } from '../../package.json';

async function main(): Promise<void> {
  const started = performance.now();
  const launch = parseLaunch(process.argv.slice(2), process.env);
  const dataDir = launch.dataDir ?? defaultDataDir();
  const log = (line: string) => console.error(line);
  // The sandbox starts once the till is up (a second process competing for 2 cores would slow the
  // first screen by a quarter of a second); payments appear as soon as it is ready.
  const startSandbox = () =>
    launch.sandbox
      ? startSandboxChild({ dataDir, log: process.env.POS_SANDBOX_LOG ? log : undefined }).catch((err: Error) => {
          console.error(`The embedded sandbox did not start (${err.message}); intermediary payments are off.`);
          return null;
        })
      : Promise.resolve(null);
  let callbackBase: string | null = null;
  const core = await createCore({
    dataDir,
    mode: 'browser',
    version,
    systemLocale: process.env.POS_LOCALE ?? process.env.LANG ?? Intl.DateTimeFormat().resolvedOptions().locale,
    sandboxBaseUrl: null,
    sandboxStarting: launch.sandbox,
    paymentsConfigFile: launch.paymentsConfig,
    newStoreRequiresDrawer: launch.newStoreRequiresDrawer,
    returnUrl: () => (callbackBase ? `${callbackBase}/pay/yeepay/callback` : undefined),
    timing: timingFrom(DEFAULT_TIMING, launch.timing),
    log: (line) => console.error(`[core] ${line}`),
  });
  const web = await startWebServer(core, { port: launch.port, rendererDir: join(__dirname, '../renderer') });
  callbackBase = `http://127.0.0.1:${web.port}`;
  console.log(`Counter POS (browser mode) — data in ${dataDir}`);
  // before "ready": a tester (or a test) that waits for "ready" has both addresses
  console.log(`Customer display (for the customer's screen) at ${web.customerUrl}`);
  console.log(`Counter POS ready at ${web.url}`);
  console.log(`(started in ${Math.round(performance.now() - started)} ms; Ctrl+C to stop)`);
  // stopped before the sandbox is up (a Ctrl+C, a test or bench that is done with the till), the
  // sandbox is stopped too once it has started, never left running without its till
  let sandbox: Promise<Awaited<ReturnType<typeof startSandbox>>> = Promise.resolve(null);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void web
      .close()
      .then(() => sandbox)
      .then((s) => s?.stop())
      .then(() => {
        core.close();
        process.exit(0);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // load the Alipay SDK while the till is idle, so the first Alipay payment does not wait for it
  setTimeout(() => loadAlipaySdk(), 2_000).unref();
  await new Promise((r) => setTimeout(r, 800));
  if (stopping) return;
  sandbox = startSandbox();
  const child = await sandbox;
  if (stopping) return;
  // configured before anything waits on it: no "not configured" window at start-up
  core.paymentSettings.setSandboxBaseUrl(child?.baseUrl ?? null);
  if (child) console.log(`Intermediary sandbox (demo mode) at ${child.baseUrl}`);
}

main().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`Counter POS could not start: ${e.message ?? String(err)}`);
  process.exit(e.code === 'DATABASE_TOO_NEW' || e.code?.startsWith('STORAGE') ? 3 : 1);
});
