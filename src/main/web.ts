/**
 * Browser mode (`npm run web`): the same core as the Electron app, under plain Node, with the same
 * renderer build served over a loopback transport. Prints its URL (with the per-run token) on start.
 *
 *   node out/main/web.js [--data-dir DIR] [--port N]
 */
import { join } from 'node:path';
import { createCore } from './core/core';
import { defaultDataDir, parseLaunch } from './config';
import { startWebServer } from './web-server';
import { version } from '../../package.json';

async function main(): Promise<void> {
  const started = performance.now();
  const launch = parseLaunch(process.argv.slice(2), process.env);
  const dataDir = launch.dataDir ?? defaultDataDir();
  const core = await createCore({
    dataDir,
    mode: 'browser',
    version,
    systemLocale: process.env.POS_LOCALE ?? process.env.LANG ?? Intl.DateTimeFormat().resolvedOptions().locale,
    log: (line) => console.error(`[core] ${line}`),
  });
  const web = await startWebServer(core, { port: launch.port, rendererDir: join(__dirname, '../renderer') });
  console.log(`Counter POS (browser mode) — data in ${dataDir}`);
  console.log(`Counter POS ready at ${web.url}`);
  console.log(`(started in ${Math.round(performance.now() - started)} ms; Ctrl+C to stop)`);
  const stop = () => {
    void web.close().then(() => {
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
