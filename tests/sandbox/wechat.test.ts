/** WeChat Pay v2 over HTTP against a started sandbox, with the tiny independent client in support.ts. */
import { createDecipheriv, createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WECHAT_ALL_HEADER } from '../../src/sandbox/statements';
import {
  CREDS,
  advance,
  control,
  receiver,
  removeDir,
  scenario,
  start,
  uniq,
  until,
  wx,
  wxParse,
  wxSign,
  type Running,
} from './support';

let r: Running;
beforeAll(async () => {
  r = await start();
});
afterAll(async () => {
  await r.stop();
  removeDir(r.dir);
});

const NOTIFY = 'http://127.0.0.1:9/unreachable';
async function native(fee = '1230', extra: Record<string, string> = {}, signType: 'MD5' | 'HMAC-SHA256' = 'MD5') {
  const otn = uniq('W');
  const res = await wx(
    r.base,
    '/pay/unifiedorder',
    {
      body: 'Counter POS 测试',
      out_trade_no: otn,
      total_fee: fee,
      spbill_create_ip: '127.0.0.1',
      notify_url: NOTIFY,
      trade_type: 'NATIVE',
      product_id: 'P1',
      ...extra,
    },
    { signType },
  );
  expect(res.f).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', trade_type: 'NATIVE' });
  expect(res.signOk).toBe(true);
  return { otn, url: res.f['code_url'] as string };
}
const query = (otn: string) => wx(r.base, '/pay/orderquery', { out_trade_no: otn });
const micropay = (otn: string, code: string, fee = '800') =>
  wx(r.base, '/pay/micropay', {
    body: 'code sale',
    out_trade_no: otn,
    total_fee: fee,
    spbill_create_ip: '127.0.0.1',
    auth_code: code,
  });

describe('NATIVE QR through the customer page', () => {
  it('unifiedorder → code_url page → pay → SUCCESS; MD5 and HMAC-SHA256', async () => {
    for (const signType of ['MD5', 'HMAC-SHA256'] as const) {
      const { otn, url } = await native('1230', {}, signType);
      expect(url).toMatch(new RegExp(`^${r.base}/wechat/bizpayurl\\?pr=[A-Za-z0-9]{10}$`));
      expect((await query(otn)).f).toMatchObject({ result_code: 'SUCCESS', trade_state: 'NOTPAY' });
      const page = await (await fetch(url)).text();
      expect(page).toContain('data-testid="customer-pay"');
      expect(page).toContain('¥12.30');
      await fetch(url, {
        method: 'POST',
        body: 'action=pay',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect((await query(otn)).f['trade_state']).toBe('NOTPAY');
      await advance(r.base, 3);
      const q = await query(otn);
      expect(q.signOk).toBe(true);
      expect(q.f).toMatchObject({
        trade_state: 'SUCCESS',
        total_fee: '1230',
        cash_fee: '1230',
        out_trade_no: otn,
        trade_type: 'NATIVE',
      });
      expect(q.f['time_end']).toMatch(/^\d{14}$/);
    }
  });
  it('same order again returns the same code; changed → OUT_TRADE_NO_USED; decline → PAYERROR', async () => {
    const { otn, url } = await native('100');
    const again = await wx(r.base, '/pay/unifiedorder', {
      body: 'Counter POS 测试',
      out_trade_no: otn,
      total_fee: '100',
      spbill_create_ip: '127.0.0.1',
      notify_url: NOTIFY,
      trade_type: 'NATIVE',
      product_id: 'P1',
    });
    expect(again.f['code_url']).toBe(url);
    const changed = await wx(r.base, '/pay/unifiedorder', {
      body: 'x',
      out_trade_no: otn,
      total_fee: '200',
      spbill_create_ip: '127.0.0.1',
      notify_url: NOTIFY,
      trade_type: 'NATIVE',
      product_id: 'P1',
    });
    expect(changed.f).toMatchObject({ result_code: 'FAIL', err_code: 'OUT_TRADE_NO_USED' });
    await fetch(url);
    await fetch(url, {
      method: 'POST',
      body: 'action=decline',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((await query(otn)).f['trade_state']).toBe('PAYERROR');
  });
  it('closeorder is refused in the first 5 minutes, then closes; paid → ORDERPAID', async () => {
    const { otn, url } = await native();
    expect((await wx(r.base, '/pay/closeorder', { out_trade_no: otn })).f).toMatchObject({
      result_code: 'FAIL',
      err_code: 'SYSTEMERROR',
    });
    await advance(r.base, 301);
    const closed = await wx(r.base, '/pay/closeorder', { out_trade_no: otn });
    expect(closed.f).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
    expect(closed.signOk).toBe(true);
    expect((await query(otn)).f['trade_state']).toBe('CLOSED');
    expect(await (await fetch(url)).text()).toContain('data-state="closed"');
    expect((await wx(r.base, '/pay/closeorder', { out_trade_no: otn })).f['err_code']).toBe('ORDERCLOSED');
    const { otn: o2 } = await native();
    await control(r.base, 'POST', `/trades/wechat/${o2}/pay`);
    await advance(r.base, 301);
    expect((await wx(r.base, '/pay/closeorder', { out_trade_no: o2 })).f['err_code']).toBe('ORDERPAID');
    expect((await wx(r.base, '/pay/closeorder', { out_trade_no: 'nope' })).f['err_code']).toBe('ORDERNOTEXIST');
  });
});

describe('micropay', () => {
  it('pays at once by default; repeat → ORDERPAID', async () => {
    const otn = uniq('M');
    const res = await micropay(otn, '134567890123456789');
    expect(res.signOk).toBe(true);
    expect(res.f).toMatchObject({
      result_code: 'SUCCESS',
      trade_type: 'MICROPAY',
      total_fee: '800',
      out_trade_no: otn,
    });
    expect((await query(otn)).f['trade_state']).toBe('SUCCESS');
    expect((await micropay(otn, '134567890123456789')).f['err_code']).toBe('ORDERPAID');
  });
  it('USERPAYING (…1111), reverse refused while paying and within 15 s, then SUCCESS', async () => {
    const otn = uniq('M');
    expect((await micropay(otn, '101234567890121111')).f).toMatchObject({
      result_code: 'FAIL',
      err_code: 'USERPAYING',
    });
    expect((await query(otn)).f['trade_state']).toBe('USERPAYING');
    expect((await wx(r.base, '/secapi/pay/reverse', { out_trade_no: otn })).f).toMatchObject({
      err_code: 'USERPAYING',
      recall: 'Y',
    });
    await advance(r.base, 11);
    expect((await query(otn)).f['trade_state']).toBe('SUCCESS');
  });
  it('reverse ≥ 15 s after pay revokes (refunds) a paid order; recall N', async () => {
    const otn = uniq('M');
    await micropay(otn, '134567890123456789');
    expect((await wx(r.base, '/secapi/pay/reverse', { out_trade_no: otn })).f).toMatchObject({
      result_code: 'FAIL',
      err_code: 'SYSTEMERROR',
      recall: 'Y',
    });
    await advance(r.base, 16);
    const rev = await wx(r.base, '/secapi/pay/reverse', { out_trade_no: otn });
    expect(rev.f).toMatchObject({ result_code: 'SUCCESS', recall: 'N' });
    expect(rev.signOk).toBe(true);
    expect((await query(otn)).f['trade_state']).toBe('REVOKED');
    expect((await micropay(otn, '134567890123456789')).f['err_code']).toBe('ORDERREVERSED');
  });
  it('AUTH_CODE_INVALID, NOTENOUGH (…4444), SYSTEMERROR (…3333 pays anyway), missing params', async () => {
    expect((await micropay(uniq('M'), '281234567890123456')).f['err_code']).toBe('AUTH_CODE_INVALID');
    expect((await micropay(uniq('M'), '16123456789012345')).f['err_code']).toBe('AUTH_CODE_INVALID');
    expect((await micropay(uniq('M'), '121234567890124444')).f['err_code']).toBe('NOTENOUGH');
    const otn = uniq('M');
    expect((await micropay(otn, '151234567890123333')).f['err_code']).toBe('SYSTEMERROR');
    expect((await query(otn)).f['trade_state']).toBe('SUCCESS');
    expect((await wx(r.base, '/pay/micropay', { out_trade_no: uniq('M') })).f['err_code']).toBe('LACK_PARAMS');
  });
});

describe('refunds and bills', () => {
  it('refund (idempotent by out_refund_no), refundquery, refund_pending, refund_failed', async () => {
    const otn = uniq('M');
    await micropay(otn, '134567890123456789', '1000');
    const refund = (no: string, fee: string) =>
      wx(r.base, '/secapi/pay/refund', { out_trade_no: otn, out_refund_no: no, total_fee: '1000', refund_fee: fee });
    const a = await refund('RF1', '300');
    expect(a.signOk).toBe(true);
    expect(a.f).toMatchObject({ result_code: 'SUCCESS', refund_fee: '300', out_refund_no: 'RF1' });
    expect((await refund('RF1', '300')).f['refund_id']).toBe(a.f['refund_id']);
    expect((await refund('RF1', '301')).f['err_code']).toBe('INVALID_REQUEST');
    expect((await refund('RF2', '701')).f['err_code']).toBe('INVALID_REQUEST');
    expect((await query(otn)).f['trade_state']).toBe('REFUND');
    await scenario(r.base, { name: 'refund_pending', out_trade_no: otn, params: { seconds: 30 } });
    expect((await refund('RF2', '200')).f['result_code']).toBe('SUCCESS');
    const rq = await wx(r.base, '/pay/refundquery', { out_trade_no: otn });
    expect(rq.signOk).toBe(true);
    expect(rq.f).toMatchObject({
      refund_count: '2',
      out_refund_no_0: 'RF1',
      refund_status_0: 'SUCCESS',
      out_refund_no_1: 'RF2',
      refund_status_1: 'PROCESSING',
    });
    await advance(r.base, 31);
    expect((await wx(r.base, '/pay/refundquery', { out_refund_no: 'RF2' })).f).toMatchObject({
      refund_count: '1',
      refund_status_0: 'SUCCESS',
    });
    await scenario(r.base, { name: 'refund_failed', out_trade_no: otn, times: 1 });
    expect((await refund('RF3', '100')).f['err_code']).toBe('NOTENOUGH');
    expect((await wx(r.base, '/pay/refundquery', { out_refund_no: 'none' })).f['err_code']).toBe('REFUNDNOTEXIST');
  });
  it('downloadbill: 27-column ALL text with backticks and totals; GZIP; No Bill Exist', async () => {
    const fresh = await start();
    try {
      const otn = uniq('M');
      await wx(fresh.base, '/pay/micropay', {
        body: 'bill',
        out_trade_no: otn,
        total_fee: '10000',
        spbill_create_ip: '127.0.0.1',
        auth_code: '134567890123456789',
      });
      await wx(fresh.base, '/secapi/pay/refund', {
        out_trade_no: otn,
        out_refund_no: 'B1',
        total_fee: '10000',
        refund_fee: '1000',
      });
      const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
      const res = await wx(fresh.base, '/pay/downloadbill', { bill_date: day, bill_type: 'ALL' });
      const lines = res.text.trim().split('\r\n');
      expect(lines[0]?.split(',')).toEqual(WECHAT_ALL_HEADER);
      expect(lines).toHaveLength(5);
      const row = (i: number) => (lines[i] ?? '').split(',').map((c) => c.replace(/^`/, ''));
      expect(lines[1]?.split(',').every((c) => c.startsWith('`'))).toBe(true);
      expect(row(1)).toHaveLength(27);
      expect([row(1)[6], row(1)[9], row(1)[12], row(1)[22], row(1)[23]]).toEqual([
        otn,
        'SUCCESS',
        '100.00',
        '0.60000',
        '0.60%',
      ]);
      expect([row(2)[9], row(2)[15], row(2)[16], row(2)[22]]).toEqual(['REFUND', 'B1', '10.00', '-0.06000']);
      expect(lines[3]).toBe(
        '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      );
      expect(row(4)).toEqual(['2', '100.00', '10.00', '0.00', '0.54000', '100.00', '10.00']);
      const gz = await fetch(fresh.base + '/wechat/pay/downloadbill', {
        method: 'POST',
        body: (() => {
          const f: Record<string, string> = {
            appid: CREDS.wechat.appId,
            mch_id: CREDS.wechat.mchId,
            nonce_str: 'n1',
            bill_date: day,
            bill_type: 'ALL',
            tar_type: 'GZIP',
          };
          f['sign'] = wxSign(f, CREDS.wechat.apiKey);
          return (
            '<xml>' +
            Object.entries(f)
              .map(([k, v]) => `<${k}>${v}</${k}>`)
              .join('') +
            '</xml>'
          );
        })(),
      });
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(res.text);
      const none = await wx(fresh.base, '/pay/downloadbill', { bill_date: '20010101', bill_type: 'ALL' });
      expect(none.f).toMatchObject({ return_code: 'FAIL', return_msg: 'No Bill Exist', error_code: '20002' });
    } finally {
      await fresh.stop();
      removeDir(fresh.dir);
    }
  });
});

describe('gateway checks and scenarios', () => {
  it('wrong mch_id / appid, bad signature, bad sign_type, garbage XML, GET, DTD', async () => {
    const bad = (f: Record<string, string>, opts = {}) =>
      wx(r.base, '/pay/orderquery', { out_trade_no: 'x', ...f }, opts);
    expect((await bad({ mch_id: '1900000999' })).f).toMatchObject({ return_code: 'FAIL' });
    expect((await bad({ mch_id: '1900000999' })).f['return_msg']).toContain('mch_id');
    expect((await bad({ appid: 'wx0000000000000000' })).f['return_msg']).toContain('appid');
    expect((await bad({}, { key: 'x'.repeat(32) })).f).toMatchObject({ return_code: 'FAIL', return_msg: '签名错误' });
    const raw = async (body: string, method = 'POST') =>
      wxParse(
        await (
          await fetch(r.base + '/wechat/pay/orderquery', { method, ...(method === 'POST' ? { body } : {}) })
        ).text(),
      );
    expect((await raw('<xml><appid>')).return_code).toBe('FAIL');
    expect((await raw('not xml at all')).return_msg).toBe('XML格式错误');
    expect((await raw('<!DOCTYPE x [<!ENTITY a "b">]><xml><appid>&a;</appid></xml>')).return_msg).toBe('XML格式错误');
    expect((await raw('', 'GET')).return_code).toBe('FAIL');
    const f: Record<string, string> = {
      appid: CREDS.wechat.appId,
      mch_id: CREDS.wechat.mchId,
      nonce_str: 'n',
      out_trade_no: 'x',
      sign_type: 'SHA1',
    };
    f['sign'] = wxSign(f, CREDS.wechat.apiKey);
    expect(
      (
        await raw(
          '<xml>' +
            Object.entries(f)
              .map(([k, v]) => `<${k}>${v}</${k}>`)
              .join('') +
            '</xml>',
        )
      ).return_msg,
    ).toContain('sign_type');
  });
  it('bad_signature, amount_mismatch, http_500, malformed_body, no_answer, delay', async () => {
    const otn = uniq('M');
    await micropay(otn, '134567890123456789', '500');
    await scenario(r.base, { name: 'bad_signature', out_trade_no: otn, times: 1 });
    expect((await query(otn)).signOk).toBe(false);
    await scenario(r.base, { name: 'amount_mismatch', out_trade_no: otn, times: 1, params: { delta_fen: 7 } });
    const mm = await query(otn);
    expect([mm.signOk, mm.f['total_fee']]).toEqual([true, '507']);
    await scenario(r.base, { name: 'http_500', out_trade_no: otn, times: 1 });
    expect((await query(otn)).status).toBe(500);
    await scenario(r.base, { name: 'malformed_body', out_trade_no: otn, times: 1 });
    const broken = await query(otn);
    expect(broken.text.endsWith('</xml>')).toBe(false);
    await scenario(r.base, { name: 'no_answer', out_trade_no: otn, times: 1 });
    await expect(wx(r.base, '/pay/orderquery', { out_trade_no: otn }, { timeoutMs: 300 })).rejects.toThrow();
    await scenario(r.base, { name: 'delay', provider: 'wechat', times: 1, params: { ms: 250 } });
    const t0 = Date.now();
    expect((await query(otn)).f['trade_state']).toBe('SUCCESS');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });
  it('user_paying then decline; pay_after_close on closeorder', async () => {
    const otn = uniq('M');
    await scenario(r.base, { name: 'user_paying', out_trade_no: otn, params: { seconds: 5, outcome: 'decline' } });
    expect((await micropay(otn, '134567890123456789')).f['err_code']).toBe('USERPAYING');
    await advance(r.base, 6);
    expect((await query(otn)).f['trade_state']).toBe('PAYERROR');
    const { otn: o2, url } = await native();
    await fetch(url);
    await scenario(r.base, { name: 'pay_after_close', out_trade_no: o2, params: { seconds: 10 } });
    await advance(r.base, 301);
    expect((await wx(r.base, '/pay/closeorder', { out_trade_no: o2 })).f['result_code']).toBe('SUCCESS');
    expect((await query(o2)).f['trade_state']).toBe('CLOSED');
    await advance(r.base, 11);
    expect((await query(o2)).f['trade_state']).toBe('SUCCESS');
  });
});

describe('notifications', () => {
  it('payment notify is signed, retried until return_code SUCCESS; refund notify carries encrypted req_info', async () => {
    const ok = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';
    const rec = await receiver((n) => (n < 2 ? 'success' : ok)); // plain "success" counts as a failure
    try {
      const { otn } = await native('321', { notify_url: rec.url }, 'HMAC-SHA256');
      await control(r.base, 'POST', `/trades/wechat/${otn}/pay`);
      await until(() => rec.got.length >= 3);
      const f = wxParse(rec.got[2]?.body ?? '');
      expect(f).toMatchObject({
        return_code: 'SUCCESS',
        result_code: 'SUCCESS',
        out_trade_no: otn,
        total_fee: '321',
        sign_type: 'HMAC-SHA256',
      });
      expect(f['sign']).toBe(wxSign(f, CREDS.wechat.apiKey, 'HMAC-SHA256'));
      const before = rec.got.length;
      await wx(r.base, '/secapi/pay/refund', {
        out_trade_no: otn,
        out_refund_no: 'N1',
        total_fee: '321',
        refund_fee: '21',
        notify_url: rec.url,
      });
      await until(() => rec.got.length > before);
      const rn = wxParse(rec.got[before]?.body ?? '');
      const key = Buffer.from(createHash('md5').update(CREDS.wechat.apiKey).digest('hex'), 'ascii');
      const d = createDecipheriv('aes-256-ecb', key, null);
      const info = Buffer.concat([d.update(Buffer.from(rn['req_info'] ?? '', 'base64')), d.final()]).toString('utf8');
      expect(wxParse(info.replace('<root>', '<xml>').replace('</root>', '</xml>'))).toMatchObject({
        out_refund_no: 'N1',
        refund_fee: '21',
        refund_status: 'SUCCESS',
        out_trade_no: otn,
      });
    } finally {
      await rec.close();
    }
  });
  it('micropay sends no notification', async () => {
    const rec = await receiver(() => 'x');
    try {
      await control(r.base, 'POST', '/notify-url', { provider: 'wechat', url: rec.url });
      await micropay(uniq('M'), '134567890123456789');
      await new Promise((res) => setTimeout(res, 200));
      expect(rec.got).toHaveLength(0);
    } finally {
      await control(r.base, 'POST', '/notify-url', { provider: 'wechat', url: null });
      await rec.close();
    }
  });
});
