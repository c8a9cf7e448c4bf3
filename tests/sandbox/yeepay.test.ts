/** YeePay node protocol over HTTP against a started sandbox, with the tiny independent client in support.ts. */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CREDS,
  advance,
  control,
  gbkForm,
  receiver,
  removeDir,
  scenario,
  start,
  uniq,
  until,
  ypCommand,
  ypHmac,
  type Receiver,
  type Running,
} from './support';

let r: Running;
let rec: Receiver;
beforeAll(async () => {
  r = await start();
  rec = await receiver((n) => (n === 0 ? 'nope' : 'SUCCESS'));
});
afterAll(async () => {
  await rec.close();
  await r.stop();
  removeDir(r.dir);
});

const M = CREDS.yeepay.merchantId;
function buyFields(order: string, amount: string, over: Record<string, string> = {}): [string, string][] {
  const f: Record<string, string> = {
    p0_Cmd: 'Buy',
    p1_MerId: M,
    p2_Order: order,
    p3_Amt: amount,
    p4_Cur: 'CNY',
    p5_Pid: '商品',
    p6_Pcat: '',
    p7_Pdesc: '',
    p8_Url: rec.url + '?shop=1',
    p9_SAF: '0',
    pa_MP: 'mp 备注',
    pd_FrpId: '',
    pr_NeedResponse: '1',
    ...over,
  };
  const order13 = [
    'p0_Cmd',
    'p1_MerId',
    'p2_Order',
    'p3_Amt',
    'p4_Cur',
    'p5_Pid',
    'p6_Pcat',
    'p7_Pdesc',
    'p8_Url',
    'p9_SAF',
    'pa_MP',
    'pd_FrpId',
    'pr_NeedResponse',
  ];
  const out = order13.map((k) => [k, f[k] ?? ''] as [string, string]);
  out.push(['hmac', over['hmac'] ?? ypHmac(order13.map((k) => f[k] ?? ''))]);
  return out;
}

/** Submit Buy as the browser would (GBK form POST) and follow to the cashier page. */
async function buy(
  order: string,
  amount = '12.30',
  over: Record<string, string> = {},
): Promise<{ cashier: string; html: string }> {
  const res = await fetch(r.base + '/yeepay/app-merchant-proxy/node', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=GBK' },
    body: gbkForm(buyFields(order, amount, over)),
    redirect: 'manual',
  });
  if (res.status !== 303) return { cashier: '', html: await res.text() };
  const cashier = r.base + (res.headers.get('location') ?? '');
  return { cashier, html: await (await fetch(cashier)).text() };
}

/** Parse a GBK-encoded callback query. */
function callback(url: string): Record<string, string> {
  const q = url.split('?').slice(1).join('?');
  const out: Record<string, string> = {};
  for (const pair of q.split('&')) {
    const [k, v = ''] = pair.split('=');
    const bytes = Buffer.from(
      v.replace(/\+/g, ' ').replace(/%([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
    out[k as string] = iconv.decode(bytes, 'gbk');
  }
  return out;
}
const CB_ORDER = [
  'p1_MerId',
  'r0_Cmd',
  'r1_Code',
  'r2_TrxId',
  'r3_Amt',
  'r4_Cur',
  'r5_Pid',
  'r6_Order',
  'r7_Uid',
  'r8_MP',
  'r9_BType',
];
const cbOk = (c: Record<string, string>) => c['hmac'] === ypHmac(CB_ORDER.map((k) => c[k] ?? ''));

const query = (order: string) =>
  ypCommand(r.base, [
    ['p0_Cmd', 'QueryOrdDetail'],
    ['p1_MerId', M],
    ['p2_Order', order],
    ['hmac', ypHmac(['QueryOrdDetail', M, order])],
  ]);
const Q_ORDER = [
  'r0_Cmd',
  'r1_Code',
  'r2_TrxId',
  'r3_Amt',
  'r4_Cur',
  'r5_Pid',
  'r6_Order',
  'r8_MP',
  'rb_PayStatus',
  'rc_RefundCount',
  'rd_RefundAmt',
];
const qOk = (q: Record<string, string>) => q['hmac'] === ypHmac(Q_ORDER.map((k) => q[k] ?? ''));
function refund(trx: string, amt: string, desc = '退货') {
  return ypCommand(r.base, [
    ['p0_Cmd', 'RefundOrd'],
    ['p1_MerId', M],
    ['pb_TrxId', trx],
    ['p3_Amt', amt],
    ['p4_Cur', 'CNY'],
    ['p5_Desc', desc],
    ['hmac', ypHmac(['RefundOrd', M, trx, amt, 'CNY', desc])],
  ]);
}

describe('Buy through the cashier page', () => {
  it('cashier page, Pay → browser return (r9_BType=1) and server call (r9_BType=2) retried until success', async () => {
    const order = uniq('Y');
    const { cashier, html } = await buy(order, '12.30');
    for (const id of ['cashier-pay', 'cashier-cancel', 'cashier-bank', 'cashier-amount'])
      expect(html).toContain(`data-testid="${id}"`);
    expect(html).toContain('¥12.30');
    expect(html).toContain('ICBC-NET-B2C');
    expect(await query(order)).toMatchObject({ r1_Code: '1', rb_PayStatus: 'INIT' });
    const paid = await fetch(cashier, {
      method: 'POST',
      body: 'action=pay&bank=CMBCHINA-NET-B2C',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const location = paid.headers.get('location') ?? '';
    expect(location.startsWith(rec.url + '?shop=1&p1_MerId=')).toBe(true);
    const c1 = callback(location);
    expect(c1).toMatchObject({
      p1_MerId: M,
      r0_Cmd: 'Buy',
      r1_Code: '1',
      r3_Amt: '12.3',
      r4_Cur: 'RMB',
      r5_Pid: '商品',
      r6_Order: order,
      r8_MP: 'mp 备注',
      r9_BType: '1',
      rb_BankId: 'CMBCHINA-NET-B2C',
    });
    expect(cbOk(c1)).toBe(true);
    const mine = () => rec.got.filter((g) => g.url.includes(order));
    await until(() => mine().length >= 2);
    const c2 = callback(mine()[1]?.url ?? '');
    expect(c2['r9_BType']).toBe('2');
    expect(cbOk(c2)).toBe(true);
    const q = await query(order);
    expect(q).toMatchObject({
      r1_Code: '1',
      rb_PayStatus: 'SUCCESS',
      r3_Amt: '12.3',
      r6_Order: order,
      r8_MP: 'mp 备注',
      rc_RefundCount: '0',
      rd_RefundAmt: '0.0',
    });
    expect(qOk(q)).toBe(true);
  });
  it('cancel on the cashier page → CANCELED, no callback; bank preset by pd_FrpId', async () => {
    const order = uniq('Y');
    const { cashier } = await buy(order, '1.00', { pd_FrpId: 'ICBC-NET-B2C' });
    const page = await (await fetch(cashier)).text();
    expect(page).toContain('工商银行');
    expect(page).not.toContain('<select');
    const res = await fetch(cashier, {
      method: 'POST',
      body: 'action=cancel',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await res.text()).toContain('Payment cancelled');
    expect((await query(order))['rb_PayStatus']).toBe('CANCELED');
  });
  it('wrong hmac, wrong merchant, bad amount → error pages; Buy by GET in UTF-8 works', async () => {
    expect((await buy(uniq('Y'), '1.00', { hmac: '0'.repeat(32) })).html).toContain('-1');
    expect((await buy(uniq('Y'), '1.00', { p1_MerId: '10000432521' })).html).toContain('merchant not found');
    expect((await buy(uniq('Y'), '1.005')).html).toContain('p3_Amt');
    const order = uniq('Y');
    const q = buyFields(order, '2.00')
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    const res = await fetch(`${r.base}/yeepay/app-merchant-proxy/node?${q}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(await control(r.base, 'GET', `/trades/yeepay/${order}`)).toMatchObject({ amount_fen: 200, subject: '商品' });
  });
});

describe('command: QueryOrdDetail and RefundOrd', () => {
  it('unknown order → 50; bad hmac → -1; wrong merchant → 2', async () => {
    const q = await query('no-such-order');
    expect(q['r1_Code']).toBe('50');
    expect(qOk(q)).toBe(true);
    const bad = await ypCommand(r.base, [
      ['p0_Cmd', 'QueryOrdDetail'],
      ['p1_MerId', M],
      ['p2_Order', 'x'],
      ['hmac', 'bad'],
    ]);
    expect(bad['r1_Code']).toBe('-1');
    const other = await ypCommand(r.base, [
      ['p0_Cmd', 'QueryOrdDetail'],
      ['p1_MerId', '10000432521'],
      ['p2_Order', 'x'],
      ['hmac', 'x'],
    ]);
    expect(other['r1_Code']).toBe('2');
  });
  it('refunds: accepted, counted, too much → 10, unpaid → 7, refund_failed → 11, refund_pending settles later', async () => {
    const order = uniq('Y');
    const { cashier } = await buy(order, '10.00');
    const unpaidTrx = (await query(order))['r2_TrxId'] ?? '';
    expect((await refund(unpaidTrx, '1.00'))['r1_Code']).toBe('7');
    await fetch(cashier, {
      method: 'POST',
      body: 'action=pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    const trx = (await query(order))['r2_TrxId'] ?? '';
    const a = await refund(trx, '3.00');
    expect(a).toMatchObject({ r0_Cmd: 'RefundOrd', r1_Code: '1', r2_TrxId: trx, r3_Amt: '3.0', r4_Cur: 'CNY' });
    expect(a['hmac']).toBe(ypHmac(['RefundOrd', '1', trx, '3.0', 'CNY']));
    expect((await refund(trx, '7.01'))['r1_Code']).toBe('10');
    await scenario(r.base, { name: 'refund_failed', out_trade_no: order, times: 1 });
    expect((await refund(trx, '1.00'))['r1_Code']).toBe('11');
    await scenario(r.base, { name: 'refund_pending', out_trade_no: order, params: { seconds: 10 } });
    expect((await refund(trx, '1.00'))['r1_Code']).toBe('1');
    expect(await query(order)).toMatchObject({ rc_RefundCount: '1', rd_RefundAmt: '3.0' });
    await advance(r.base, 11);
    expect(await query(order)).toMatchObject({ rc_RefundCount: '2', rd_RefundAmt: '4.0' });
  });
  it('scenarios: decline and user_paying on the cashier, bad_signature and http_500 on query', async () => {
    const o1 = uniq('Y');
    await scenario(r.base, { name: 'decline', out_trade_no: o1 });
    const { cashier: c1 } = await buy(o1, '1.00');
    expect(
      await (
        await fetch(c1, {
          method: 'POST',
          body: 'action=pay',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).text(),
    ).toContain('declined');
    expect((await query(o1))['rb_PayStatus']).toBe('CANCELED');
    const o2 = uniq('Y');
    await scenario(r.base, { name: 'user_paying', out_trade_no: o2, params: { seconds: 5 } });
    const { cashier: c2 } = await buy(o2, '1.00');
    await fetch(c2, {
      method: 'POST',
      body: 'action=pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(await (await fetch(c2)).text()).toContain('Processing');
    expect((await query(o2))['rb_PayStatus']).toBe('INIT');
    await advance(r.base, 6);
    expect((await query(o2))['rb_PayStatus']).toBe('SUCCESS');
    expect((await fetch(c2, { redirect: 'manual' })).status).toBe(303);
    await scenario(r.base, { name: 'bad_signature', out_trade_no: o2, times: 1 });
    expect(qOk(await query(o2))).toBe(false);
    await scenario(r.base, { name: 'http_500', out_trade_no: o2, times: 1 });
    const res = await fetch(r.base + '/yeepay/app-merchant-proxy/command', {
      method: 'POST',
      body: gbkForm([
        ['p0_Cmd', 'QueryOrdDetail'],
        ['p1_MerId', M],
        ['p2_Order', o2],
        ['hmac', ypHmac(['QueryOrdDetail', M, o2])],
      ]),
    });
    expect(res.status).toBe(500);
  });
});

describe('statement', () => {
  it('a signed GET returns the day as CSV with fees and refunds', async () => {
    const fresh = await start();
    try {
      const order = uniq('S');
      const res = await fetch(fresh.base + '/yeepay/app-merchant-proxy/node', {
        method: 'POST',
        body: gbkForm(buyFields(order, '100.00')),
        redirect: 'manual',
      });
      const cashier = fresh.base + (res.headers.get('location') ?? '');
      await fetch(cashier, {
        method: 'POST',
        body: 'action=pay',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        redirect: 'manual',
      });
      const trx = (await control<{ trade_no: string }>(fresh.base, 'GET', `/trades/yeepay/${order}`)).trade_no;
      await ypCommand(fresh.base, [
        ['p0_Cmd', 'RefundOrd'],
        ['p1_MerId', M],
        ['pb_TrxId', trx],
        ['p3_Amt', '10.00'],
        ['p4_Cur', 'CNY'],
        ['p5_Desc', ''],
        ['hmac', ypHmac(['RefundOrd', M, trx, '10.00', 'CNY', ''])],
      ]);
      const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const csv = await (
        await fetch(
          `${fresh.base}/yeepay/app-merchant-proxy/statement?p0_Cmd=DownloadStatement&p1_MerId=${M}&p2_Date=${day}&hmac=${ypHmac(['DownloadStatement', M, day])}`,
        )
      ).text();
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe(
        'time,merchant_id,trx_id,order_id,type,amount,refund_amount,fee,net,bank_id,product,refund_id',
      );
      expect(lines[1]?.split(',').slice(1, 9)).toEqual([M, trx, order, 'PAYMENT', '100.00', '0.00', '0.60', '99.40']);
      expect(lines[2]?.split(',').slice(4, 9)).toEqual(['REFUND', '0.00', '10.00', '-0.06', '-9.94']);
      expect(lines[3]).toBe('#total,2,100.00,10.00,0.54,89.46');
      const bad = await (
        await fetch(
          `${fresh.base}/yeepay/app-merchant-proxy/statement?p0_Cmd=DownloadStatement&p1_MerId=${M}&p2_Date=${day}&hmac=00`,
        )
      ).text();
      expect(bad).toContain('r1_Code=-1');
    } finally {
      await fresh.stop();
      removeDir(fresh.dir);
    }
  });
});
