/** The sandbox as a program and as durable state: restart on the same directory loses nothing. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import {
  APP_PRIVATE_KEY,
  CREDS,
  PLATFORM_PUBLIC_KEY,
  control,
  receiver,
  removeDir,
  scenario,
  start,
  uniq,
  until,
  wx,
} from './support';

describe('durability', () => {
  it('trades, refunds, scenarios, clock offset and pending notifications survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-durable-'));
    const rec = await receiver((n) => (n === 0 ? 'fail' : 'success'));
    try {
      let r = await start({ notifyTimeScale: 0.01 }, dir); // Alipay's first retry: 4 min × 0.01 = 2.4 s
      const sdk = new AlipaySdk({
        appId: CREDS.alipay.appId,
        privateKey: APP_PRIVATE_KEY,
        alipayPublicKey: PLATFORM_PUBLIC_KEY,
        gateway: r.base + '/alipay/gateway.do',
        keyType: 'PKCS8',
      });
      const otn = uniq('D');
      const paid = (await sdk.exec(
        'alipay.trade.pay',
        {
          bizContent: {
            outTradeNo: otn,
            scene: 'bar_code',
            authCode: '281234567890123456',
            subject: 'd',
            totalAmount: '5.00',
          },
          notifyUrl: rec.url,
        },
        { validateSign: true },
      )) as { code: string };
      expect(paid.code).toBe('10000');
      await until(() => rec.got.length >= 1);
      const wxo = uniq('D');
      await wx(r.base, '/pay/micropay', {
        body: 'd',
        out_trade_no: wxo,
        total_fee: '100',
        spbill_create_ip: '127.0.0.1',
        auth_code: '134567890123456789',
      });
      await wx(r.base, '/secapi/pay/refund', {
        out_trade_no: wxo,
        out_refund_no: 'R1',
        total_fee: '100',
        refund_fee: '10',
      });
      await scenario(r.base, { name: 'decline', out_trade_no: 'later' });
      await control(r.base, 'POST', '/clock/advance', { seconds: 100 });
      await r.stop();

      r = await start({ notifyTimeScale: 0.01 }, dir);
      (sdk.config as { gateway: string }).gateway = r.base + '/alipay/gateway.do';
      const q = (await sdk.exec(
        'alipay.trade.query',
        { bizContent: { outTradeNo: otn } },
        { validateSign: true },
      )) as unknown as { tradeStatus: string };
      expect(q.tradeStatus).toBe('TRADE_SUCCESS');
      expect((await wx(r.base, '/pay/refundquery', { out_trade_no: wxo })).f).toMatchObject({
        refund_count: '1',
        refund_fee_0: '10',
      });
      expect((await control<{ scenarios: unknown[] }>(r.base, 'GET', '/scenarios')).scenarios).toHaveLength(1);
      expect((await control<{ offset_ms: number }>(r.base, 'GET', '/clock')).offset_ms).toBe(100_000);
      // the notification left pending before the restart is retried after it
      await until(() => rec.got.length >= 2, 10_000);
      await r.stop();
    } finally {
      await rec.close();
      removeDir(dir);
    }
  });
});

describe('the program', () => {
  const built = resolve(__dirname, '../../out/main/sandbox.js');
  const source = resolve(__dirname, '../../src/sandbox/main.ts');
  const cmd = existsSync(built) ? [built] : ['--import', 'tsx', source];

  function run(
    args: string[],
  ): Promise<{ code: number | null; out: string; line: string | null; base: string | null }> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [...cmd, ...args], { cwd: resolve(__dirname, '../..') });
      let out = '';
      let line: string | null = null;
      let base: string | null = null;
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const onData = (b: Buffer) => {
        out += b.toString();
        const m = /^Counter POS sandbox listening at (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(out);
        if (m && !line) {
          line = m[0];
          base = m[1] ?? null;
          void fetch(`${base}/_sandbox/health`).then(
            (res) => {
              if (res.status === 200) child.kill('SIGTERM');
            },
            () => child.kill('SIGTERM'),
          );
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        done({ code, out, line, base });
      });
    });
  }

  it('prints its base URL, serves, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
    try {
      const res = await run(['--port', '0', '--data-dir', dir, '--notify-time-scale', '0.5']);
      expect(res.line).toMatch(/^Counter POS sandbox listening at http:\/\/127\.0\.0\.1:\d+$/);
      expect(res.code).toBe(0);
      expect(existsSync(join(dir, 'sandbox.sqlite'))).toBe(true);
    } finally {
      removeDir(dir);
    }
  });

  it('without --data-dir each run keeps its trades in a fresh folder, and says where', async () => {
    const first = await run(['--port', '0']);
    const second = await run(['--port', '0']);
    const where = (out: string) => /^Counter POS sandbox keeps its trades in (.+)$/m.exec(out)?.[1];
    const [a, b] = [where(first.out), where(second.out)];
    try {
      expect(a).toBeTruthy();
      expect(b).toBeTruthy();
      expect(a).not.toBe(b);
      expect(existsSync(join(a!, 'sandbox.sqlite'))).toBe(true);
    } finally {
      if (a) removeDir(a);
      if (b) removeDir(b);
    }
  });

  it('with --parent-pid it exits when that process is killed (SIGKILL)', async () => {
    const parent = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
    const child = spawn(
      process.execPath,
      [...cmd, '--port', '0', '--data-dir', dir, '--parent-pid', String(parent.pid)],
      {
        cwd: resolve(__dirname, '../..'),
      },
    );
    try {
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      await until(() => out.includes('listening at'), 20_000);
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      parent.kill('SIGKILL');
      const started = Date.now();
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      parent.kill('SIGKILL');
      child.kill('SIGKILL');
      removeDir(dir);
    }
  });

  it('refuses bad arguments with a usage line', async () => {
    const res = await run(['--port', 'x']);
    expect(res.code).toBe(2);
    expect(res.out).toContain('usage:');
    const missing = await run([
      '--credentials',
      '/nonexistent/creds.json',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'sandbox-cli-')),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('credentials file not found');
  });
});
