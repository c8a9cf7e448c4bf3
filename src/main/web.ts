/**
 * Browser mode (`npm run web`): the same core as the Electron app, under plain Node, with the same
 * renderer build served over a loopback transport. Prints its URL (with the per-run token) on start.
 *
 *   node out/main/web.js [--data-dir DIR] [--port N]
 */
import { join } from 'node:path';
import { createCore } from './core/core';
import { defaultDataDir, parseLaunch, timingFrom } from './config';
import { DEFAULT_TIMING } from './core/payments';
import { loadAlipaySdk } from './payments/alipay';
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
    paymentsConfigFile: launch.paymentsConfig,
    returnUrl: () => (callbackBase ? `${callbackBase}/pay/yeepay/callback` : undefined),
    timing: timingFrom(DEFAULT_TIMING, launch.timing),
    log: (line) => console.error(`[core] ${line}`),
  });
  const web = await startWebServer(core, { port: launch.port, rendererDir: join(__dirname, '../renderer') });
  callbackBase = `http://127.0.0.1:${web.port}`;
  console.log(`Counter POS (browser mode) — data in ${dataDir}`);
  console.log(`Counter POS ready at ${web.url}`);
  console.log(`(started in ${Math.round(performance.now() - started)} ms; Ctrl+C to stop)`);
  // load the Alipay SDK while the till is idle, so the first Alipay payment does not wait for it
  setTimeout(() => loadAlipaySdk(), 2_000).unref();
  await new Promise((r) => setTimeout(r, 800));
  const sandbox = await startSandbox();
  if (sandbox) {
    core.paymentSettings.setSandboxBaseUrl(sandbox.baseUrl);
    console.log(`Intermediary sandbox (demo mode) at ${sandbox.baseUrl}`);
  }
  const stop = () => {
    void web
      .close()
      .then(() => sandbox?.stop())
      .then(() => {
        core.close();
        process.exit(0);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`Counter POS could not start: ${e.message ?? String(err)}`);
  process.exit(e.code === 'DATABASE_TOO_NEW' || e.code?.startsWith('STORAGE') ? 3 : 1);
});
