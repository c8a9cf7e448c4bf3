/**
 * Yesterday's trading for the reconciliation spec (and for a look at the screen): starts the
 * intermediary sandbox on port 0 with its clock set to yesterday 14:00 Beijing, makes real sales
 * through a core on DATA_DIR (a ManualClock at the same time), then points the stored payment
 * settings at this sandbox and lets its clock run in real time. It prints
 * `RECON SEED READY <sandbox base URL> <day>` and keeps serving until SIGTERM.
 *
 *   node scripts/node.mjs --import tsx tests/e2e/support/recon-seed.ts DATA_DIR SANDBOX_DIR
 *
 * The day's sales: two Alipay QR sales and one WeChat QR sale (all matching), an Alipay QR the
 * till closed which the buyer still paid (paid after close), and an Alipay trade the till never saw.
 * Start browser mode on DATA_DIR with POS_SANDBOX=off.
 */
import { SYSTEM_ACTOR } from '../../../src/main/core/people/auth';
import { ManualClock } from '../../../src/main/core/clock';
import { createCore, type Core } from '../../../src/main/core/core';
import { createProvider, sandboxConfigs } from '../../../src/main/intermediaries';
import { startSandbox } from '../../../src/sandbox/server';

const [dataDir, sandboxDir] = process.argv.slice(2);
if (!dataDir || !sandboxDir) {
  process.stderr.write('usage: recon-seed.ts DATA_DIR SANDBOX_DIR\n');
  process.exit(2);
}

const DAY_MS = 86_400_000;
const beijingToday = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const day = new Date(Date.parse(`${beijingToday}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
const clock = new ManualClock(Date.parse(`${day}T14:00:00+08:00`));
let live = false;

async function control(base: string, path: string, body: unknown = {}): Promise<void> {
  const r = await fetch(`${base}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`sandbox ${path}: ${r.status} ${await r.text()}`);
}

function order(core: Core, items: [string, number][]): number {
  for (const [sku, qty] of items) core.carts.add(core.catalog.findByCode(sku)!.id, qty);
  return core.orders.confirm().id;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ port: 0, dataDir: sandboxDir!, now: () => (live ? Date.now() : clock.now()) });
  const base = sandbox.baseUrl;
  const core = await createCore({
    dataDir: dataDir!,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock,
    timeZone: 'Asia/Shanghai',
    sandboxBaseUrl: base,
    poll: false,
  });
  try {
    core.settings.set('timeZone', 'Asia/Shanghai');
    // no daily run while a spec drives the screen (it would fetch the statements before the owner does)
    if (process.env.RECON_SEED_DAILY_AT) core.settings.set('reconDailyAt', process.env.RECON_SEED_DAILY_AT);
    const sale = async (provider: 'alipay' | 'wechat', items: [string, number][]) => {
      const a = await core.payments.start({ orderId: order(core, items), provider, mode: 'qr' });
      await control(base, `trades/${provider}/${a.outTradeNo}/pay`);
      clock.advance(2_000);
      await core.payments.queryNow(a.id);
      clock.advance(7 * 60_000);
      return a;
    };
    await sale('alipay', [
      ['DRI-001', 2],
      ['SNA-001', 1],
    ]);
    await sale('wechat', [['ALC-005', 1]]);
    await sale('alipay', [['SNA-001', 2]]);
    // the till closed this QR; the buyer paid anyway
    const late = await core.payments.start({ orderId: order(core, [['DRI-001', 1]]), provider: 'alipay', mode: 'qr' });
    await control(base, `trades/alipay/${late.outTradeNo}/scan`);
    await control(base, 'scenarios', {
      name: 'pay_after_close',
      provider: 'alipay',
      out_trade_no: late.outTradeNo,
      params: { seconds: 2 },
    });
    await core.payments.stop(late.id);
    clock.advance(5_000);
    await fetch(`${base}/_sandbox/trades/alipay/${late.outTradeNo}`);
    // a trade this till never saw (another till, a test)
    const stranger = createProvider(sandboxConfigs(base).alipay, { now: () => clock.now() });
    await stranger.create({
      outTradeNo: 'OTHERTILL0001',
      amountFen: 2500,
      subject: 'other till',
      mode: 'qr',
      expiresAt: clock.now() + 60_000,
    });
    await control(base, 'trades/alipay/OTHERTILL0001/pay');

    // the stored settings point at this sandbox (browser mode runs with POS_SANDBOX=off)
    const cfg = sandboxConfigs(base);
    const set = (
      provider: 'alipay' | 'wechat' | 'yeepay',
      fields: Record<string, string>,
      secrets: Record<string, string>,
    ) =>
      core.paymentSettings.set(
        { provider, enabled: true, target: 'custom', environment: 'sandbox', fields, secrets },
        SYSTEM_ACTOR,
      );
    set(
      'alipay',
      {
        gatewayUrl: cfg.alipay.gatewayUrl,
        appId: cfg.alipay.appId,
        sellerId: cfg.alipay.sellerId ?? '',
        alipayPublicKeyPem: cfg.alipay.alipayPublicKeyPem,
      },
      { appPrivateKeyPem: cfg.alipay.appPrivateKeyPem },
    );
    set(
      'wechat',
      { apiBase: cfg.wechat.apiBase, appId: cfg.wechat.appId, mchId: cfg.wechat.mchId, signType: cfg.wechat.signType },
      { apiKey: cfg.wechat.apiKey },
    );
    set(
      'yeepay',
      {
        nodeUrl: cfg.yeepay.nodeUrl,
        commandUrl: cfg.yeepay.commandUrl,
        merchantId: cfg.yeepay.merchantId,
        statementUrl: cfg.yeepay.statementUrl ?? '',
      },
      { key: cfg.yeepay.key },
    );
  } finally {
    core.close();
  }
  live = true;
  process.stdout.write(`RECON SEED READY ${base} ${day}\n`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`recon-seed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
