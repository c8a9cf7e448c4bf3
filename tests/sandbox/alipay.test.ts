/**
 * Alipay over HTTP against a started sandbox, driven by the official `alipay-sdk` unchanged (its
 * own request signing, and response verification with validateSign), plus raw requests where the
 * SDK cannot express the mistake.
 */
import { AlipaySdk } from 'alipay-sdk';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALIPAY_DETAIL_HEADER } from '../../src/sandbox/statements';
import {
  APP_PRIVATE_KEY,
  CREDS,
  PLATFORM_PRIVATE_KEY,
  PLATFORM_PUBLIC_KEY,
  advance,
  control,
  receiver,
  removeDir,
  scenario,
  start,
  tradeOf,
  uniq,
  until,
  type Running,
} from './support';

let r: Running;
let sdk: AlipaySdk;
const V = { validateSign: true };

function makeSdk(over: Partial<{ appId: string; privateKey: string; timeout: number }> = {}): AlipaySdk {
  return new AlipaySdk({
    appId: CREDS.alipay.appId,
    privateKey: APP_PRIVATE_KEY,
    alipayPublicKey: PLATFORM_PUBLIC_KEY,
    gateway: r.base + '/alipay/gateway.do',
    keyType: 'PKCS8',
    ...over,
  });
}

type Res = Record<string, unknown> & { code: string; subCode?: string; tradeStatus?: string };
const exec = (method: string, bizContent: Record<string, unknown>, extra: Record<string, unknown> = {}, s = sdk) =>
  s.exec(method, { bizContent, ...extra }, V) as Promise<Res>;

async function precreate(amount = '12.30', extra: Record<string, unknown> = {}): Promise<{ otn: string; qr: string }> {
  const otn = uniq('A');
  const res = await exec(
    'alipay.trade.precreate',
    { outTradeNo: otn, totalAmount: amount, subject: 'Counter POS 测试' },
    extra,
  );
  expect(res.code).toBe('10000');
  return { otn, qr: res['qrCode'] as string };
}

const query = (otn: string) => exec('alipay.trade.query', { outTradeNo: otn });
const payCode = (otn: string, authCode: string, amount = '8.00', extra: Record<string, unknown> = {}) =>
  exec(
    'alipay.trade.pay',
    { outTradeNo: otn, scene: 'bar_code', authCode, subject: 'code sale', totalAmount: amount },
    extra,
  );

beforeAll(async () => {
  r = await start();
  sdk = makeSdk();
});
afterAll(async () => {
  await r.stop();
  removeDir(r.dir);
});

describe('QR (precreate) through the customer page', () => {
  it('does not exist until scanned, then WAIT_BUYER_PAY, then paid after the password delay', async () => {
    const { otn, qr } = await precreate('12.30');
    expect(qr).toMatch(new RegExp(`^${r.base}/alipay/qr/bax[a-z0-9]{22}$`));
    expect((await query(otn)).subCode).toBe('ACQ.TRADE_NOT_EXIST');
    expect((await exec('alipay.trade.close', { outTradeNo: otn })).subCode).toBe('ACQ.TRADE_NOT_EXIST');
  });

  it('scan, pay, query, partial and full refunds (idempotent), refund query', async () => {
    const { otn, qr } = await precreate('12.30');
    const page = await (await fetch(qr)).text();
    for (const id of ['customer-pay', 'customer-decline', 'customer-amount'])
      expect(page).toContain(`data-testid="${id}"`);
    expect(page).toContain('¥12.30');
    expect((await query(otn)).tradeStatus).toBe('WAIT_BUYER_PAY');
    const posted = await fetch(qr, {
      method: 'POST',
      body: 'action=pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await posted.text()).toContain('data-state="paying"');
    expect((await query(otn)).tradeStatus).toBe('WAIT_BUYER_PAY');
    await advance(r.base, 3);
    const paid = await query(otn);
    expect(paid).toMatchObject({ code: '10000', tradeStatus: 'TRADE_SUCCESS', totalAmount: '12.30', outTradeNo: otn });
    expect(paid['sendPayDate']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const refund1 = await exec('alipay.trade.refund', {
      outTradeNo: otn,
      refundAmount: '2.30',
      outRequestNo: `${otn}R1`,
    });
    expect(refund1).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '2.30' });
    const again = await exec('alipay.trade.refund', {
      outTradeNo: otn,
      refundAmount: '2.30',
      outRequestNo: `${otn}R1`,
    });
    expect(again).toMatchObject({ code: '10000', fundChange: 'N', refundFee: '2.30' });
    expect(
      (await exec('alipay.trade.refund', { outTradeNo: otn, refundAmount: '2.00', outRequestNo: `${otn}R1` })).subCode,
    ).toBe('ACQ.DISCORDANT_REPEAT_REQUEST');
    expect(
      (await exec('alipay.trade.refund', { outTradeNo: otn, refundAmount: '10.01', outRequestNo: `${otn}R2` })).subCode,
    ).toBe('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL');
    const rq = await exec('alipay.trade.fastpay.refund.query', { outTradeNo: otn, outRequestNo: `${otn}R1` });
    expect(rq).toMatchObject({
      code: '10000',
      refundStatus: 'REFUND_SUCCESS',
      refundAmount: '2.30',
      totalAmount: '12.30',
    });
    expect(
      (await exec('alipay.trade.fastpay.refund.query', { outTradeNo: otn, outRequestNo: 'nope' }))['refundStatus'],
    ).toBeUndefined();
    expect((await query(otn)).tradeStatus).toBe('TRADE_SUCCESS');
    expect(
      (await exec('alipay.trade.refund', { outTradeNo: otn, refundAmount: '10.00', outRequestNo: `${otn}R2` })).code,
    ).toBe('10000');
    expect((await query(otn)).tradeStatus).toBe('TRADE_CLOSED');
  });

  it('decline on the page closes the trade; a closed QR page says so', async () => {
    const { otn, qr } = await precreate();
    await fetch(qr);
    await fetch(qr, {
      method: 'POST',
      body: 'action=decline',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((await query(otn)).tradeStatus).toBe('TRADE_CLOSED');
    const { otn: otn2, qr: qr2 } = await precreate();
    await fetch(qr2);
    expect((await exec('alipay.trade.close', { outTradeNo: otn2 })).code).toBe('10000');
    expect(await (await fetch(qr2)).text()).toContain('data-state="closed"');
    expect((await exec('alipay.trade.close', { outTradeNo: otn2 })).subCode).toBe('ACQ.TRADE_HAS_CLOSE');
  });

  it('control API pays or declines without a browser; re-precreate is idempotent', async () => {
    const { otn, qr } = await precreate('1.00');
    const again = await exec('alipay.trade.precreate', { outTradeNo: otn, totalAmount: '1.00', subject: 'x' });
    expect(again['qrCode']).toBe(qr);
    expect((await exec('alipay.trade.precreate', { outTradeNo: otn, totalAmount: '2.00', subject: 'x' })).subCode).toBe(
      'ACQ.CONTEXT_INCONSISTENT',
    );
    const t = await control(r.base, 'POST', `/trades/alipay/${otn}/pay`);
    expect(t).toMatchObject({ status: 'paid', provider_status: 'TRADE_SUCCESS' });
    expect((await query(otn)).tradeStatus).toBe('TRADE_SUCCESS');
    expect((await exec('alipay.trade.precreate', { outTradeNo: otn, totalAmount: '1.00', subject: 'x' })).subCode).toBe(
      'ACQ.TRADE_HAS_SUCCESS',
    );
    const { otn: o2 } = await precreate('1.00');
    await control(r.base, 'POST', `/trades/alipay/${o2}/decline`);
    expect((await query(o2)).tradeStatus).toBe('TRADE_CLOSED');
  });
});

describe('payment code (alipay.trade.pay)', () => {
  it('a plain code pays at once; a repeat is TRADE_HAS_SUCCESS', async () => {
    const otn = uniq('P');
    const res = await payCode(otn, '281234567890123456');
    expect(res).toMatchObject({ code: '10000', outTradeNo: otn, totalAmount: '8.00', receiptAmount: '8.00' });
    expect((await query(otn)).tradeStatus).toBe('TRADE_SUCCESS');
    expect((await payCode(otn, '281234567890123456')).subCode).toBe('ACQ.TRADE_HAS_SUCCESS');
  });
  it('…1111 asks for the password: 10003, WAIT_BUYER_PAY, then TRADE_SUCCESS 10 s later', async () => {
    const otn = uniq('P');
    expect((await payCode(otn, '251234567890121111')).code).toBe('10003');
    expect((await query(otn)).tradeStatus).toBe('WAIT_BUYER_PAY');
    expect((await payCode(otn, '251234567890121111')).code).toBe('10003');
    await advance(r.base, 11);
    expect((await query(otn)).tradeStatus).toBe('TRADE_SUCCESS');
  });
  it('…2222 waits then the buyer gives up; cancel of a waiting trade closes it', async () => {
    const otn = uniq('P');
    expect((await payCode(otn, '301234567890122222')).code).toBe('10003');
    await advance(r.base, 11);
    expect((await query(otn)).tradeStatus).toBe('TRADE_CLOSED');
    const o2 = uniq('P');
    expect((await payCode(o2, '251234567890121111')).code).toBe('10003');
    expect(await exec('alipay.trade.cancel', { outTradeNo: o2 })).toMatchObject({
      code: '10000',
      action: 'close',
      retryFlag: 'N',
    });
    expect((await query(o2)).tradeStatus).toBe('TRADE_CLOSED');
  });
  it('cancel of a paid trade refunds it', async () => {
    const otn = uniq('P');
    await payCode(otn, '281234567890123456');
    expect(await exec('alipay.trade.cancel', { outTradeNo: otn })).toMatchObject({
      code: '10000',
      action: 'refund',
      retryFlag: 'N',
    });
    expect((await query(otn)).tradeStatus).toBe('TRADE_CLOSED');
    expect((await exec('alipay.trade.cancel', { outTradeNo: uniq('none') })).subCode).toBe('ACQ.TRADE_NOT_EXIST');
  });
  it('…4444 is declined, a bad code refused, large amounts need a password', async () => {
    expect((await payCode(uniq('P'), '261234567890124444')).subCode).toBe('ACQ.BUYER_BALANCE_NOT_ENOUGH');
    expect((await payCode(uniq('P'), '131234567890123456')).subCode).toBe('ACQ.PAYMENT_AUTH_CODE_INVALID');
    expect((await payCode(uniq('P'), '2812345')).subCode).toBe('ACQ.PAYMENT_AUTH_CODE_INVALID');
    expect((await payCode(uniq('P'), '281234567890123456', '1000.01')).code).toBe('10003');
    expect((await payCode('bad-no!', '281234567890123456')).subCode).toBe('ACQ.INVALID_PARAMETER');
  });
});

describe('gateway checks, as the real one', () => {
  it('wrong app id, request signed with the wrong key, unknown method, missing method', async () => {
    expect(
      await exec('alipay.trade.query', { outTradeNo: 'x' }, {}, makeSdk({ appId: '2021000199999999' })),
    ).toMatchObject({ code: '40002', subCode: 'isv.invalid-app-id' });
    const bad = await exec(
      'alipay.trade.query',
      { outTradeNo: 'x' },
      {},
      makeSdk({ privateKey: PLATFORM_PRIVATE_KEY }),
    );
    expect(bad).toMatchObject({ code: '40002', subCode: 'isv.invalid-signature' });
    expect(bad['subMsg']).toContain('app_id=2021000100000001&biz_content=');
    expect(await exec('alipay.trade.nonsense', {})).toMatchObject({ code: '40002', subCode: 'isv.invalid-method' });
    const raw = await (await fetch(r.base + '/alipay/gateway.do', { method: 'POST' })).text();
    expect(raw).toMatch(/^\{"error_response":\{"code":"40001".*"sign":"[A-Za-z0-9+/=]{344}"\}$/);
  });
  it('garbage never crashes it', async () => {
    for (const body of ['%%%', 'biz_content={', '\u0000\u0001', 'a=' + 'x'.repeat(5000)]) {
      const res = await fetch(r.base + '/alipay/gateway.do?method=alipay.trade.query&charset=utf-8', {
        method: 'POST',
        body,
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(await res.text())).toHaveProperty('alipay_trade_query_response.code', '40001');
    }
    expect((await fetch(r.base + '/_sandbox/health')).status).toBe(200);
  });
});

describe('scenarios', () => {
  it('bad_signature: the SDK refuses the answer', async () => {
    const { otn } = await precreate();
    await scenario(r.base, { name: 'bad_signature', out_trade_no: otn, times: 1 });
    await expect(query(otn)).rejects.toThrow(/验签失败/);
    expect((await query(otn)).code).toBe('40004');
  });
  it('amount_mismatch shifts every amount in the signed answer', async () => {
    const otn = uniq('P');
    await payCode(otn, '281234567890123456', '5.00');
    await scenario(r.base, { name: 'amount_mismatch', out_trade_no: otn, params: { delta_fen: 1 } });
    expect(await query(otn)).toMatchObject({ totalAmount: '5.01', receiptAmount: '5.01' });
  });
  it('http_500, malformed_body, no_answer, delay', async () => {
    const otn = uniq('P');
    await scenario(r.base, { name: 'http_500', out_trade_no: otn, times: 1 });
    await expect(query(otn)).rejects.toThrow(/500/);
    await scenario(r.base, { name: 'malformed_body', out_trade_no: otn, times: 1 });
    await expect(query(otn)).rejects.toThrow(/格式错误/);
    await scenario(r.base, { name: 'no_answer', out_trade_no: otn, times: 1 });
    await expect(exec('alipay.trade.query', { outTradeNo: otn }, {}, makeSdk({ timeout: 400 }))).rejects.toThrow();
    await scenario(r.base, { name: 'delay', out_trade_no: otn, times: 1, params: { ms: 300 } });
    const t0 = Date.now();
    expect((await query(otn)).subCode).toBe('ACQ.TRADE_NOT_EXIST');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
  it('decline, user_paying and system_error on a payment code', async () => {
    const o1 = uniq('P');
    await scenario(r.base, { name: 'decline', out_trade_no: o1 });
    expect((await payCode(o1, '281234567890123456')).subCode).toBe('ACQ.BUYER_BALANCE_NOT_ENOUGH');
    const o2 = uniq('P');
    await scenario(r.base, { name: 'user_paying', out_trade_no: o2, params: { seconds: 30 } });
    expect((await payCode(o2, '281234567890123456')).code).toBe('10003');
    await advance(r.base, 20);
    expect((await query(o2)).tradeStatus).toBe('WAIT_BUYER_PAY');
    await advance(r.base, 11);
    expect((await query(o2)).tradeStatus).toBe('TRADE_SUCCESS');
    const o3 = uniq('P');
    await scenario(r.base, { name: 'system_error', out_trade_no: o3 });
    expect(await payCode(o3, '281234567890123456')).toMatchObject({ code: '20000', subCode: 'ACQ.SYSTEM_ERROR' });
    expect((await query(o3)).tradeStatus).toBe('TRADE_SUCCESS');
  });
  it('pay_after_close: closed, then paid anyway', async () => {
    const { otn, qr } = await precreate();
    await fetch(qr);
    await scenario(r.base, { name: 'pay_after_close', out_trade_no: otn, params: { seconds: 5 } });
    expect((await exec('alipay.trade.close', { outTradeNo: otn })).code).toBe('10000');
    expect((await query(otn)).tradeStatus).toBe('TRADE_CLOSED');
    await advance(r.base, 6);
    expect((await query(otn)).tradeStatus).toBe('TRADE_SUCCESS');
    expect(await tradeOf(r.base, 'alipay', otn)).toMatchObject({ status: 'paid' });
  });
  it('pay_after_close on an unscanned code: TRADE_NOT_EXIST to the close, paid later', async () => {
    const { otn } = await precreate();
    await scenario(r.base, { name: 'pay_after_close', out_trade_no: otn });
    expect((await exec('alipay.trade.close', { outTradeNo: otn })).subCode).toBe('ACQ.TRADE_NOT_EXIST');
    await advance(r.base, 3);
    expect((await query(otn)).tradeStatus).toBe('TRADE_SUCCESS');
  });
  it('refund_pending then settles; refund_failed', async () => {
    const otn = uniq('P');
    await payCode(otn, '281234567890123456', '9.00');
    await scenario(r.base, { name: 'refund_pending', out_trade_no: otn, params: { seconds: 20 } });
    expect(
      await exec('alipay.trade.refund', { outTradeNo: otn, refundAmount: '1.00', outRequestNo: 'R1' }),
    ).toMatchObject({ code: '10000', fundChange: 'N' });
    expect(
      (await exec('alipay.trade.fastpay.refund.query', { outTradeNo: otn, outRequestNo: 'R1' }))['refundStatus'],
    ).toBeUndefined();
    await advance(r.base, 21);
    expect(
      (await exec('alipay.trade.fastpay.refund.query', { outTradeNo: otn, outRequestNo: 'R1' }))['refundStatus'],
    ).toBe('REFUND_SUCCESS');
    await scenario(r.base, { name: 'refund_failed', out_trade_no: otn, times: 1 });
    expect(
      (await exec('alipay.trade.refund', { outTradeNo: otn, refundAmount: '1.00', outRequestNo: 'R2' })).subCode,
    ).toBe('ACQ.SELLER_BALANCE_NOT_ENOUGH');
    expect(
      (await exec('alipay.trade.refund', { outTradeNo: otn, refundAmount: '1.00', outRequestNo: 'R2' })).code,
    ).toBe('10000');
  });
});

describe('notifications', () => {
  it('are signed (verified by the SDK) and retried until the answer is exactly success', async () => {
    const rec = await receiver((n) => (n < 2 ? 'fail' : 'success'));
    try {
      const { otn, qr } = await precreate('3.21', { notifyUrl: rec.url });
      await fetch(qr);
      await control(r.base, 'POST', `/trades/alipay/${otn}/pay`);
      await until(() => rec.got.length >= 3);
      await new Promise((res) => setTimeout(res, 200));
      expect(rec.got).toHaveLength(3);
      const fields = Object.fromEntries(new URLSearchParams(rec.got[2]?.body ?? ''));
      expect(fields).toMatchObject({
        out_trade_no: otn,
        total_amount: '3.21',
        trade_status: 'TRADE_SUCCESS',
        app_id: CREDS.alipay.appId,
        seller_id: CREDS.alipay.sellerId,
      });
      expect(sdk.checkNotifySignV2(fields)).toBe(true);
      expect(sdk.checkNotifySignV2({ ...fields, total_amount: '3.22' })).toBe(false);
      expect(rec.got[0]?.body).toBe(rec.got[1]?.body); // same notify_id across retries
      const n = (
        await control<{ notifications: { status: string; attempts: number }[] }>(
          r.base,
          'GET',
          `/notifications?provider=alipay&out_trade_no=${otn}`,
        )
      ).notifications;
      expect(n[0]).toMatchObject({ status: 'delivered', attempts: 3 });
    } finally {
      await rec.close();
    }
  });
  it('duplicate, late, bad_signature and amount_mismatch notifications', async () => {
    const rec = await receiver(() => 'success');
    try {
      const otn = uniq('P');
      await scenario(r.base, { name: 'duplicate_notification', out_trade_no: otn });
      await scenario(r.base, { name: 'bad_signature', out_trade_no: otn, operation: 'notify' });
      await scenario(r.base, { name: 'amount_mismatch', out_trade_no: otn, operation: 'notify' });
      await payCode(otn, '281234567890123456', '2.00', { notifyUrl: rec.url });
      await until(() => rec.got.length >= 2);
      const f = Object.fromEntries(new URLSearchParams(rec.got[0]?.body ?? ''));
      expect(f['total_amount']).toBe('3.00');
      expect(sdk.checkNotifySignV2(f)).toBe(false);
      const o2 = uniq('P');
      await scenario(r.base, { name: 'late_notification', out_trade_no: o2, params: { seconds: 5000 } }); // × 0.0002 = 1 s
      const t0 = Date.now();
      await payCode(o2, '281234567890123456', '2.00', { notifyUrl: rec.url });
      await until(() => rec.got.some((g) => g.body.includes(o2)));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    } finally {
      await rec.close();
    }
  });
});

describe('bill download', () => {
  it('a zip of two GBK CSVs with the 25-column detail, link valid 30 s; no data → bill_not_exist', async () => {
    const fresh = await start();
    const s = makeSdk();
    (s.config as { gateway: string }).gateway = fresh.base + '/alipay/gateway.do';
    try {
      const otn = uniq('B');
      await s.exec(
        'alipay.trade.pay',
        {
          bizContent: {
            outTradeNo: otn,
            scene: 'bar_code',
            authCode: '281234567890123456',
            subject: '账单,测试',
            totalAmount: '100.00',
            storeId: 'S1',
          },
        },
        V,
      );
      await s.exec(
        'alipay.trade.refund',
        { bizContent: { outTradeNo: otn, refundAmount: '10.00', outRequestNo: 'RF1' } },
        V,
      );
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const res = (await s.exec(
        'alipay.data.dataservice.bill.downloadurl.query',
        { bizContent: { billType: 'trade', billDate: today } },
        V,
      )) as Res;
      expect(res.code).toBe('10000');
      const url = res['billDownloadUrl'] as string;
      const zip = await JSZip.loadAsync(Buffer.from(await (await fetch(url)).arrayBuffer()));
      const names = Object.keys(zip.files);
      expect(names).toHaveLength(2);
      const detailName = names.find((n) => !n.includes('汇总')) as string;
      const detail = iconv.decode(await zip.file(detailName)!.async('nodebuffer'), 'gbk').split('\r\n');
      expect(detail[4]?.split(',')).toEqual(ALIPAY_DETAIL_HEADER);
      const rows = detail.slice(
        5,
        detail.findIndex((l) => l.includes('业务明细列表结束')),
      );
      expect(rows).toHaveLength(2);
      const cells = (line: string) =>
        (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').trim());
      const trade = cells(rows[0] ?? '');
      const refund = cells(rows[1] ?? '');
      expect(trade.slice(0, 4)).toEqual([trade[0], otn, '交易', '账单,测试']);
      expect(trade).toHaveLength(25);
      expect([trade[6], trade[11], trade[12], trade[22]]).toEqual(['S1', '100.00', '100.00', '-0.60']);
      expect([refund[2], refund[12], refund[21], refund[22]]).toEqual(['退款', '-10.00', 'RF1', '0.06']);
      const summary = iconv.decode(
        await zip.file(names.find((n) => n.includes('汇总')) as string)!.async('nodebuffer'),
        'gbk',
      );
      expect(summary).toContain('合计,,1,1,100.00,90.00');
      await control(fresh.base, 'POST', '/clock/advance', { seconds: 31 });
      expect((await fetch(url)).status).toBe(403);
      const none = (await s.exec(
        'alipay.data.dataservice.bill.downloadurl.query',
        { bizContent: { billType: 'trade', billDate: '2001-01-01' } },
        V,
      )) as Res;
      expect(none.subCode).toBe('isp.bill_not_exist');
    } finally {
      await fresh.stop();
      removeDir(fresh.dir);
    }
  });
});
