/**
 * Browser mode as a process: it prints its URL on start, and refuses a corrupt database or one from
 * a newer version with a clear message and a non-zero exit, writing nothing.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE, openStore } from '../../src/main/store/db';
import { tempDir } from '../support/temp';

const web = resolve(__dirname, '../../out/main/web.js');
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function run(args: string[], untilReady: boolean): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    // process.execPath is the runtime these tests run under (plain Node or Electron as Node)
    const child = spawn(process.execPath, [web, ...args], { env: { ...process.env, POS_LOCALE: 'en' } });
    let output = '';
    const onData = (b: Buffer) => {
      output += b.toString();
      if (untilReady && /ready at http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe('browser mode start-up', () => {
  beforeAll(() => {
    if (!existsSync(web)) throw new Error('out/main/web.js is missing: run `npm run build` first (npm test does).');
  });

  it('starts on a fresh data directory and prints its loopback URL with a token', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const r = await run(['--data-dir', t.dir, '--port', '0'], true);
    expect(r.output).toMatch(/Counter POS ready at http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}/);
    expect(existsSync(join(t.dir, DB_FILE))).toBe(true);
  });

  it('stopped while its sandbox is starting, it stops the sandbox too and exits cleanly', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    // SIGTERM at 0.2 s to 1.4 s after the ready line: before, during and after the sandbox's start (0.8 s after ready)
    for (const afterMs of [200, 900, 1_100, 1_400]) {
      const code = await new Promise<number | null>((done) => {
        const child = spawn(process.execPath, [web, '--data-dir', t.dir, '--port', '0'], {
          env: { ...process.env, POS_LOCALE: 'en' },
        });
        let output = '';
        child.stdout.on('data', (b: Buffer) => {
          output += b.toString();
          if (/ready at http/.test(output) && !output.includes('[stopping]')) {
            output += '[stopping]';
            setTimeout(() => child.kill('SIGTERM'), afterMs);
          }
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          done(c);
        });
      });
      expect(code, `SIGTERM ${afterMs} ms after ready`).toBe(0);
    }
    if (process.platform === 'linux') {
      // no sandbox of this data directory is left running
      await new Promise((r) => setTimeout(r, 500));
      const { readdirSync } = await import('node:fs');
      const left = readdirSync('/proc').filter((pid) => {
        if (!/^\d+$/.test(pid)) return false;
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(t.dir, 'sandbox'));
        } catch {
          return false;
        }
      });
      expect(left).toEqual([]);
    }
  }, 60_000);

  it('refuses a corrupt database with a clear message and exit code 3, leaving the file as it was', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, DB_FILE);
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const r = await run(['--data-dir', t.dir, '--port', '0'], false);
    expect(r.code).toBe(3);
    expect(r.output).toMatch(/could not start: The database .* is damaged or is not a Counter POS database/);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });

  it('refuses a database from a newer version', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { store } = await openStore({ dataDir: t.dir });
    store.sqlite.prepare(`insert into kysely_migration (name, timestamp) values ('9000-later', 'x')`).run();
    store.close();
    const r = await run(['--data-dir', t.dir, '--port', '0'], false);
    expect(r.code).toBe(3);
    expect(r.output).toMatch(/newer version of Counter POS/);
  });

  it('refuses a bad --port', async () => {
    const r = await run(['--port', 'eighty'], false);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/--port must be a whole number/);
  });
});
