import { describe, expect, it } from 'vitest';
import { parseProviderConfig, type WechatConfig } from '../../../src/main/intermediaries/config';
import { WechatClient } from '../../../src/main/intermediaries/wechat/client';
import { wechatSign } from '../../../src/main/intermediaries/wechat/signing';
import { parseWechatBill } from '../../../src/main/intermediaries/wechat/statement';
import { parseXml, toXml } from '../../../src/main/intermediaries/wechat/xml';
import type { HttpRequest } from '../../../src/main/intermediaries/provider';
import { NOW, res, scripted, timeoutError } from './helpers';

const KEY = '7d4f2c0993a99691bfeaa696641c3f48';
const cfg = (over: Partial<WechatConfig> = {}): WechatConfig =>
  parseProviderConfig({
    provider: 'wechat',
    apiBase: 'https://api.example.test/wechat/',
    appId: 'wx0000sandbox00001',
    mchId: '1900000109',
    apiKey: KEY,
    signType: 'MD5',
    ...over,
  }) as WechatConfig;

type F = Record<string, string>;
/** A signed WeChat answer (return_code SUCCESS, appid/mch_id of the demo merchant). */
function answer(
  fields: F,
  opts: { type?: 'MD5' | 'HMAC-SHA256'; key?: string; sign?: string | null; base?: boolean } = {},
): string {
  const f: F =
    opts.base === false
      ? { ...fields }
      : {
          return_code: 'SUCCESS',
          return_msg: 'OK',
          appid: 'wx0000sandbox00001',
          mch_id: '1900000109',
          nonce_str: 'n0nce',
          ...fields,
        };
  if (opts.sign !== null) f.sign = opts.sign ?? wechatSign(f, opts.key ?? KEY, opts.type ?? 'MD5');
  return toXml(f);
}
const fail = (msg: string) => toXml({ return_code: 'FAIL', return_msg: msg });
const sentFields = (req: HttpRequest) => parseXml(String(req.body));

const qrInput = {
  outTradeNo: 'T2001',
  amountFen: 1230,
  subject: '咖啡 Coffee',
  mode: 'qr' as const,
  expiresAt: NOW + 120_000,
};
const codeInput = { ...qrInput, mode: 'payment_code' as const, authCode: '134567890123456789' };
const ref = { outTradeNo: 'T2001', amountFen: 1230 };

describe('WeChat v2 signature (§3.2, official example W1/W2)', () => {
  const example = {
    appid: 'wxd930ea5d5a258f4f',
    mch_id: '10000100',
    device_info: '1000',
    body: 'test',
    nonce_str: 'ibuaiVcKdpRxkhJA',
  };
  const exampleKey = '192006250b4c09247ec02edce69f6a2d';
  it('MD5 and HMAC-SHA256 match the official values', () => {
    expect(wechatSign(example, exampleKey, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(wechatSign(example, exampleKey, 'HMAC-SHA256')).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    );
    // empty values and sign itself are skipped; order of keys does not matter
    expect(wechatSign({ sign: 'X', empty: '', ...example }, exampleKey, 'MD5')).toBe(
      '9A0A8659F005D6984697E2CA0A9CF3B7',
    );
  });

  it('the client signs the official example the same way', () => {
    const client = new WechatClient(
      cfg({ appId: 'wxd930ea5d5a258f4f', mchId: '10000100', apiKey: exampleKey }),
      scripted(),
    );
    expect(client.signed({ device_info: '1000', body: 'test' }).sign).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
  });

  it('XML round trip keeps values exactly (CDATA, entities, leading zeros)', () => {
    const f = { a: '0012', b: '咖啡 <b>&amp;', c: 'x]]>y', d: '' };
    expect(parseXml(toXml(f))).toEqual(f);
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY e "x">]><xml><a>&e;</a></xml>')).toThrow(/DOCTYPE/);
    expect(() => parseXml('<xml><a>1</a><a>2</a></xml>')).toThrow(/repeated/);
    expect(() => parseXml('{"json":true}')).toThrow();
  });
});

describe('WeChat create', () => {
  const create = async (
    reply: Parameters<typeof scripted>[0],
    input: Parameters<WechatClient['create']>[0] = qrInput,
    over: Partial<WechatConfig> = {},
  ) => (await new WechatClient(cfg(over), scripted(reply)).create(input)).outcome;

  it('unifiedorder NATIVE: signed XML with product_id, Beijing times, a lifetime WeChat accepts → qr', async () => {
    const deps = scripted(
      res(
        answer({
          result_code: 'SUCCESS',
          trade_type: 'NATIVE',
          prepay_id: 'wx1',
          code_url: 'weixin://wxpay/bizpayurl?pr=abc',
        }),
      ),
    );
    const out = await new WechatClient(cfg(), deps).create(qrInput);
    expect(out.outcome).toEqual({ kind: 'qr', qrContent: 'weixin://wxpay/bizpayurl?pr=abc' });
    const req = deps.requests[0]!;
    expect(req.url).toBe('https://api.example.test/wechat/pay/unifiedorder');
    const f = sentFields(req);
    expect(f).toMatchObject({
      appid: 'wx0000sandbox00001',
      mch_id: '1900000109',
      nonce_str: 'ibuaiVcKdpRxkhJA',
      body: '咖啡 Coffee',
      out_trade_no: 'T2001',
      total_fee: '1230',
      spbill_create_ip: '127.0.0.1',
      time_start: '20240115100000',
      time_expire: '20240115100500',
      trade_type: 'NATIVE',
      product_id: 'T2001',
    });
    expect(f.notify_url).toMatch(/^https:\/\//);
    expect(f.sign).toBe(wechatSign(f, KEY, 'MD5'));
    expect(f.sign_type).toBeUndefined();
    expect(JSON.stringify(out.exchanges)).not.toContain(KEY);
  });

  it('HMAC-SHA256: declared in sign_type, answers verified with HMAC', async () => {
    const deps = scripted(res(answer({ result_code: 'SUCCESS', code_url: 'weixin://x' }, { type: 'HMAC-SHA256' })));
    const out = await new WechatClient(cfg({ signType: 'HMAC-SHA256' }), deps).create(qrInput);
    expect(out.outcome).toEqual({ kind: 'qr', qrContent: 'weixin://x' });
    const f = sentFields(deps.requests[0]!);
    expect(f.sign_type).toBe('HMAC-SHA256');
    expect(f.sign).toBe(wechatSign(f, KEY, 'HMAC-SHA256'));
    expect(
      await create(res(answer({ result_code: 'SUCCESS', code_url: 'weixin://x' }, { type: 'MD5' })), qrInput, {
        signType: 'HMAC-SHA256',
      }),
    ).toMatchObject({
      kind: 'untrusted',
      reason: 'bad_signature',
    });
  });

  it('transport failures are unknown; garbage, unsigned, bad sign, other merchant are untrusted; unknown extra fields are fine', async () => {
    expect(await create(timeoutError())).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/timeout/) });
    expect(await create(res('oops', 500))).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/500/) });
    expect(await create(res('<html><body>502 Bad Gateway</body></html>'))).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/HTML/),
    });
    expect(await create(res('<xml><return_code>SUCC'))).toMatchObject({ kind: 'untrusted', reason: 'malformed' });
    expect(await create(res('{"return_code":"SUCCESS"}'))).toMatchObject({ kind: 'untrusted', reason: 'malformed' });
    expect(await create(res(answer({ result_code: 'SUCCESS', code_url: 'weixin://x' }, { sign: null })))).toMatchObject(
      { kind: 'untrusted', reason: 'unsigned' },
    );
    expect(
      await create(
        res(answer({ result_code: 'SUCCESS', code_url: 'weixin://x' }, { key: 'ffffffffffffffffffffffffffffffff' })),
      ),
    ).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
    expect(
      await create(res(answer({ result_code: 'SUCCESS', code_url: 'weixin://x', mch_id: '1900000999' }))),
    ).toMatchObject({ kind: 'untrusted', reason: 'wrong_merchant' });
    expect(
      await create(res(answer({ result_code: 'SUCCESS', code_url: 'weixin://x', appid: 'wxother' }))),
    ).toMatchObject({ kind: 'untrusted', reason: 'wrong_merchant' });
    expect(
      await create(
        res(answer({ result_code: 'SUCCESS', code_url: 'weixin://x', brand_new_field: 'v', device_info: 'WEB' })),
      ),
    ).toEqual({ kind: 'qr', qrContent: 'weixin://x' });
  });

  it('unifiedorder refusals: return FAIL and business errors are declined, a number already used is taken, SYSTEMERROR unknown', async () => {
    expect(await create(res(fail('签名错误')))).toEqual({ kind: 'declined', code: 'FAIL', message: '签名错误' });
    for (const err of ['OUT_TRADE_NO_USED', 'ORDERPAID', 'ORDERCLOSED']) {
      expect(await create(res(answer({ result_code: 'FAIL', err_code: err, err_code_des: '商户订单号重复' })))).toEqual(
        { kind: 'taken', code: err, message: '商户订单号重复' },
      );
      expect(
        await create(res(answer({ result_code: 'FAIL', err_code: err, err_code_des: '订单已支付' })), codeInput),
      ).toEqual({ kind: 'taken', code: err, message: '订单已支付' });
    }
    expect(
      await create(res(answer({ result_code: 'FAIL', err_code: 'PARAM_ERROR', err_code_des: '参数错误' }))),
    ).toEqual({ kind: 'declined', code: 'PARAM_ERROR', message: '参数错误' });
    expect(await create(res(answer({ result_code: 'FAIL', err_code: 'SYSTEMERROR' })))).toMatchObject({
      kind: 'unknown',
    });
  });

  it('micropay: SUCCESS paid, USERPAYING waiting, SYSTEMERROR/BANKERROR/no answer unknown, others declined', async () => {
    const paid = answer({
      result_code: 'SUCCESS',
      out_trade_no: 'T2001',
      transaction_id: '4200001',
      openid: 'oUpF8',
      trade_type: 'MICROPAY',
      total_fee: '1230',
      cash_fee: '1230',
      fee_type: 'CNY',
      time_end: '20240115100005',
    });
    expect(await create(res(paid), codeInput)).toEqual({
      kind: 'paid',
      trade: { tradeNo: '4200001', amountFen: 1230, paidAt: NOW + 5000, buyer: 'oUpF8' },
    });
    const deps = scripted(res(paid));
    await new WechatClient(cfg(), deps).create(codeInput);
    expect(deps.requests[0]!.url).toMatch(/\/pay\/micropay$/);
    expect(sentFields(deps.requests[0]!)).toMatchObject({
      auth_code: '134567890123456789',
      time_expire: '20240115100200',
    });
    const err = (code: string) => res(answer({ result_code: 'FAIL', err_code: code, err_code_des: code }));
    expect(await create(err('USERPAYING'), codeInput)).toEqual({ kind: 'waiting' });
    expect(await create(err('SYSTEMERROR'), codeInput)).toMatchObject({ kind: 'unknown' });
    expect(await create(err('BANKERROR'), codeInput)).toMatchObject({ kind: 'unknown' });
    expect(await create(timeoutError(), codeInput)).toMatchObject({ kind: 'unknown' });
    expect(await create(res(fail('system busy')), codeInput)).toMatchObject({ kind: 'unknown' });
    expect(await create(err('AUTH_CODE_INVALID'), codeInput)).toEqual({
      kind: 'declined',
      code: 'AUTH_CODE_INVALID',
      message: 'AUTH_CODE_INVALID',
    });
    expect(await create(err('NOTENOUGH'), codeInput)).toMatchObject({ kind: 'declined', code: 'NOTENOUGH' });
    expect(
      await create(
        res(answer({ result_code: 'SUCCESS', out_trade_no: 'T2001', total_fee: '1230', fee_type: 'USD' })),
        codeInput,
      ),
    ).toMatchObject({ kind: 'untrusted', reason: 'wrong_currency' });
    expect(
      await create(res(answer({ result_code: 'SUCCESS', out_trade_no: 'T9', total_fee: '1230' })), codeInput),
    ).toMatchObject({ kind: 'untrusted', reason: 'wrong_order' });
    expect(
      await create(res(answer({ result_code: 'SUCCESS', out_trade_no: 'T2001', total_fee: '12.30' })), codeInput),
    ).toMatchObject({ kind: 'untrusted', reason: 'malformed' });
  });
});

describe('WeChat query, close, reverse', () => {
  const query = async (fields: F) => (await new WechatClient(cfg(), scripted(res(answer(fields)))).query(ref)).outcome;

  it('orderquery maps trade_state (§3.3)', async () => {
    const base = {
      result_code: 'SUCCESS',
      out_trade_no: 'T2001',
      total_fee: '1230',
      transaction_id: '42',
      time_end: '20240115100005',
    };
    expect(await query({ ...base, trade_state: 'SUCCESS' })).toMatchObject({
      kind: 'paid',
      trade: { amountFen: 1230, tradeNo: '42' },
    });
    expect(await query({ ...base, trade_state: 'REFUND' })).toMatchObject({
      kind: 'refunded',
      trade: { amountFen: 1230 },
    });
    for (const s of ['NOTPAY', 'USERPAYING', 'ACCEPT'])
      expect(await query({ result_code: 'SUCCESS', out_trade_no: 'T2001', trade_state: s })).toEqual({
        kind: 'pending',
      });
    for (const s of ['CLOSED', 'REVOKED'])
      expect(await query({ result_code: 'SUCCESS', out_trade_no: 'T2001', trade_state: s })).toEqual({
        kind: 'closed',
      });
    expect(
      await query({
        result_code: 'SUCCESS',
        out_trade_no: 'T2001',
        trade_state: 'PAYERROR',
        trade_state_desc: '银行卡余额不足',
      }),
    ).toEqual({ kind: 'failed', code: 'PAYERROR', message: '银行卡余额不足' });
    expect(await query({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' })).toEqual({ kind: 'not_found' });
    expect(await query({ result_code: 'FAIL', err_code: 'SYSTEMERROR' })).toMatchObject({ kind: 'unknown' });
    expect(await query({ ...base, trade_state: 'SUCCESS', out_trade_no: 'T2002' })).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_order',
    });
    expect(await query({ ...base, trade_state: 'SUCCESS', fee_type: 'HKD' })).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_currency',
    });
  });

  it('closeorder is not sent within 5 min of creation; its answers map to closed/paid/not_found', async () => {
    const deps = scripted(res(answer({ result_code: 'SUCCESS' })));
    const early = await new WechatClient(cfg(), deps).close({ ...ref, createdAt: NOW - 60_000 });
    expect(early).toEqual({ outcome: { kind: 'too_early', retryAt: NOW - 60_000 + 300_000 }, exchanges: [] });
    expect(deps.requests).toHaveLength(0);
    const close = async (fields: F) =>
      (await new WechatClient(cfg(), scripted(res(answer(fields)))).close({ ...ref, createdAt: NOW - 301_000 }))
        .outcome;
    expect(await close({ result_code: 'SUCCESS' })).toEqual({ kind: 'closed' });
    expect(await close({ result_code: 'FAIL', err_code: 'ORDERPAID' })).toEqual({ kind: 'paid' });
    expect(await close({ result_code: 'FAIL', err_code: 'ORDERCLOSED' })).toEqual({ kind: 'closed' });
    expect(await close({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' })).toEqual({ kind: 'not_found' });
    expect(await close({ result_code: 'FAIL', err_code: 'SYSTEMERROR' })).toMatchObject({ kind: 'unknown' });
  });

  it('reverse: not before 15 s; recall=Y and USERPAYING retry; SUCCESS closed', async () => {
    const deps = scripted(res(answer({ result_code: 'SUCCESS', recall: 'N' })));
    expect((await new WechatClient(cfg(), deps).cancel({ ...ref, createdAt: NOW - 5_000 })).outcome).toMatchObject({
      kind: 'retry',
      retryAt: NOW + 10_000,
    });
    expect(deps.requests).toHaveLength(0);
    const rev = async (fields: F) => {
      const d = scripted(res(answer(fields)));
      const out = (await new WechatClient(cfg(), d).cancel(ref)).outcome;
      expect(d.requests[0]!.url).toMatch(/\/secapi\/pay\/reverse$/);
      return out;
    };
    expect(await rev({ result_code: 'SUCCESS', recall: 'N' })).toEqual({ kind: 'closed' });
    expect(await rev({ result_code: 'FAIL', err_code: 'SYSTEMERROR', recall: 'Y' })).toMatchObject({
      kind: 'retry',
      retryAt: NOW + 5_000,
    });
    expect(await rev({ result_code: 'FAIL', err_code: 'USERPAYING', recall: 'N' })).toMatchObject({ kind: 'retry' });
    expect(await rev({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' })).toEqual({ kind: 'not_found' });
    expect(await rev({ result_code: 'FAIL', err_code: 'REVERSE_EXPIRE' })).toMatchObject({ kind: 'unknown' });
  });
});

describe('WeChat refunds', () => {
  const input = { outTradeNo: 'T2001', amountFen: 1230, refundNo: 'R2001', refundFen: 500, reason: '退货' };
  it('refund: accepted, declined, unknown; sends total_fee and refund_fee in fen', async () => {
    const deps = scripted(
      res(
        answer({
          result_code: 'SUCCESS',
          out_trade_no: 'T2001',
          out_refund_no: 'R2001',
          refund_id: '50',
          refund_fee: '500',
          total_fee: '1230',
        }),
      ),
    );
    expect((await new WechatClient(cfg(), deps).refund(input)).outcome).toEqual({ kind: 'accepted' });
    expect(deps.requests[0]!.url).toMatch(/\/secapi\/pay\/refund$/);
    expect(sentFields(deps.requests[0]!)).toMatchObject({
      out_trade_no: 'T2001',
      out_refund_no: 'R2001',
      total_fee: '1230',
      refund_fee: '500',
      refund_desc: '退货',
    });
    const refund = async (f: F) => (await new WechatClient(cfg(), scripted(res(answer(f)))).refund(input)).outcome;
    expect(await refund({ result_code: 'FAIL', err_code: 'NOTENOUGH', err_code_des: '余额不足' })).toEqual({
      kind: 'declined',
      code: 'NOTENOUGH',
      message: '余额不足',
    });
    expect(await refund({ result_code: 'FAIL', err_code: 'SYSTEMERROR' })).toMatchObject({ kind: 'unknown' });
    expect(await refund({ result_code: 'SUCCESS', out_trade_no: 'T2001', out_refund_no: 'R9' })).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_order',
    });
  });

  it('refundquery finds its refund among refund_*_$n', async () => {
    const rq = async (f: F) => (await new WechatClient(cfg(), scripted(res(answer(f)))).refundQuery(input)).outcome;
    const base = {
      result_code: 'SUCCESS',
      out_trade_no: 'T2001',
      refund_count: '2',
      out_refund_no_0: 'R1999',
      refund_status_0: 'SUCCESS',
      refund_fee_0: '100',
      out_refund_no_1: 'R2001',
      refund_fee_1: '500',
    };
    expect(await rq({ ...base, refund_status_1: 'SUCCESS' })).toEqual({ kind: 'succeeded', refundedFen: 500 });
    expect(await rq({ ...base, refund_status_1: 'PROCESSING' })).toEqual({ kind: 'pending' });
    expect(await rq({ ...base, refund_status_1: 'REFUNDCLOSE' })).toMatchObject({
      kind: 'failed',
      code: 'REFUNDCLOSE',
    });
    expect(await rq({ ...base, refund_status_1: 'CHANGE' })).toMatchObject({ kind: 'failed', code: 'CHANGE' });
    expect(await rq({ result_code: 'FAIL', err_code: 'REFUNDNOTEXIST' })).toEqual({ kind: 'not_found' });
  });
});

// ---------------------------------------------------------------- bill

const HEADER27 =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const TOTALS27 = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const bt = (cells: string[]) => cells.map((c) => `\`${c}`).join(',');
const pay27 = (time: string, out: string, amount: string, fee: string, mch = '1900000109', cur = 'CNY') =>
  bt([
    time,
    'wx0000sandbox00001',
    mch,
    '0',
    '',
    `4200${out}`,
    out,
    'oUpF8',
    'NATIVE',
    'SUCCESS',
    'OTHERS',
    cur,
    amount,
    '0.00',
    '0',
    '0',
    '0.00',
    '0.00',
    '',
    '',
    '咖啡',
    '',
    fee,
    '0.60%',
    amount,
    '0.00',
    '',
  ]);
const refund27 = (time: string, out: string, amount: string, refund: string, refundNo: string) =>
  bt([
    time,
    'wx0000sandbox00001',
    '1900000109',
    '0',
    '',
    `4200${out}`,
    out,
    'oUpF8',
    'NATIVE',
    'REFUND',
    'OTHERS',
    'CNY',
    amount,
    '0.00',
    `50${refundNo}`,
    refundNo,
    refund,
    '0.00',
    'ORIGINAL',
    'SUCCESS',
    '咖啡',
    '',
    '-0.03',
    '0.60%',
    amount,
    refund,
    '',
  ]);
function bill(rows: string[], totals?: string[]): Buffer {
  return Buffer.from(
    [
      HEADER27,
      ...rows,
      TOTALS27,
      bt(totals ?? [String(rows.length), '13.30', '5.00', '0.00', '0.05', '13.30', '5.00']),
    ].join('\r\n') + '\r\n',
    'utf8',
  );
}
const good = () =>
  bill([
    pay27('2024-01-15 10:00:05', 'T2001', '12.30', '0.07'),
    pay27('2024-01-15 11:00:00', 'T2002', '1.0', '0.01'),
    refund27('2024-01-15 12:00:00', 'T2001', '12.30', '5.00', 'R2001'),
  ]);

describe('WeChat bill (§3.4)', () => {
  it('parses the ALL bill', () => {
    const out = parseWechatBill(good(), '2024-01-15', '1900000109');
    expect(out.kind).toBe('statement');
    if (out.kind !== 'statement') return;
    expect(out.statement.rows).toEqual([
      {
        outTradeNo: 'T2001',
        tradeNo: '4200T2001',
        type: 'payment',
        amountFen: 1230,
        feeFen: 7,
        refundNo: null,
        status: 'SUCCESS',
        at: NOW + 5000,
      },
      {
        outTradeNo: 'T2002',
        tradeNo: '4200T2002',
        type: 'payment',
        amountFen: 100,
        feeFen: 1,
        refundNo: null,
        status: 'SUCCESS',
        at: NOW + 3600_000,
      },
      {
        outTradeNo: 'T2001',
        tradeNo: '4200T2001',
        type: 'refund',
        amountFen: 500,
        feeFen: 3,
        refundNo: 'R2001',
        status: 'REFUND',
        at: NOW + 7200_000,
      },
    ]);
    expect(out.statement.totals).toEqual({ count: 3, amountFen: 1330, refundFen: 500, feeFen: 5 });
    expect(out.statement.merchantId).toBe('1900000109');
  });

  it('refuses truncation, the wrong day, another merchant, another currency, garbage rows, another encoding', () => {
    const text = good().toString('utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(parseWechatBill(Buffer.from(lines.slice(0, -2).join('\r\n')), '2024-01-15', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/truncated/),
    });
    expect(
      parseWechatBill(Buffer.from([...lines.slice(0, 2), ...lines.slice(-2)].join('\r\n')), '2024-01-15', null),
    ).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/totals count 3 rows but the file has 1/) });
    expect(parseWechatBill(good(), '2024-01-14', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/wrong day/),
    });
    expect(parseWechatBill(good(), '2024-01-15', '1900000999')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/merchant/),
    });
    expect(
      parseWechatBill(bill([pay27('2024-01-15 10:00:05', 'T1', '1.00', '0', '1900000109', 'USD')]), '2024-01-15', null),
    ).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/USD/) });
    expect(parseWechatBill(bill(['garbage,row']), '2024-01-15', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/backtick/),
    });
    expect(parseWechatBill(bill([pay27('2024-01-15 10:00:05', 'T1', 'ten', '0')]), '2024-01-15', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/amount/),
    });
    expect(
      parseWechatBill(Buffer.from([0xbd, 0xbb, 0xd2, 0xd7, 0xca, 0xb1, 0xbc, 0xe4]), '2024-01-15', null),
    ).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/UTF-8/) });
  });

  it('downloadbill: text → statement; "No Bill Exist" → none; other FAIL → unknown', async () => {
    const deps = scripted(res(good(), 200, { 'content-type': 'text/plain' }));
    const out = await new WechatClient(cfg(), deps).statement('2024-01-15');
    expect(out.outcome.kind).toBe('statement');
    expect(sentFields(deps.requests[0]!)).toMatchObject({ bill_date: '20240115', bill_type: 'ALL' });
    expect(
      (await new WechatClient(cfg(), scripted(res(fail('No Bill Exist')))).statement('2024-01-15')).outcome,
    ).toEqual({ kind: 'none' });
    expect(
      (await new WechatClient(cfg(), scripted(res(fail('invalid bill_date')))).statement('2024-01-15')).outcome,
    ).toMatchObject({ kind: 'unknown' });
  });
});

describe('WeChat pay notification (§3.5)', () => {
  const incoming = (xml: string) => ({
    method: 'POST' as const,
    query: {},
    body: Buffer.from(xml),
    contentType: 'text/xml',
  });
  const notify = {
    result_code: 'SUCCESS',
    out_trade_no: 'T2001',
    transaction_id: '42',
    total_fee: '1230',
    fee_type: 'CNY',
    openid: 'oUpF8',
    time_end: '20240115100005',
    trade_type: 'NATIVE',
    bank_type: 'OTHERS',
    cash_fee: '1230',
  };
  it('verified → paid, replied with the SUCCESS XML', () => {
    const v = new WechatClient(cfg(), scripted()).verifyIncoming(incoming(answer(notify)));
    expect(v.outcome).toEqual({
      kind: 'paid',
      outTradeNo: 'T2001',
      trade: { tradeNo: '42', amountFen: 1230, paidAt: NOW + 5000, buyer: 'oUpF8' },
    });
    expect(parseXml(v.reply.body)).toEqual({ return_code: 'SUCCESS', return_msg: 'OK' });
    expect(v.reply.body).toBe('<xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg></xml>');
  });
  it('bad or missing sign → untrusted and a FAIL reply', () => {
    const bad = new WechatClient(cfg(), scripted()).verifyIncoming(
      incoming(answer(notify, { key: 'ffffffffffffffffffffffffffffffff' })),
    );
    expect(bad.outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
    expect(parseXml(bad.reply.body).return_code).toBe('FAIL');
    expect(
      new WechatClient(cfg(), scripted()).verifyIncoming(incoming(answer(notify, { sign: null }))).outcome,
    ).toMatchObject({ reason: 'unsigned' });
    expect(new WechatClient(cfg(), scripted()).verifyIncoming(incoming('garbage')).outcome).toMatchObject({
      reason: 'malformed',
    });
  });
});

describe('WeChat sign type is the configured one', () => {
  it('an answer cannot downgrade HMAC-SHA256 to MD5 by declaring sign_type', async () => {
    const downgraded = answer({ result_code: 'SUCCESS', code_url: 'weixin://x', sign_type: 'MD5' }, { type: 'MD5' });
    const out = await new WechatClient(cfg({ signType: 'HMAC-SHA256' }), scripted(res(downgraded))).create(qrInput);
    expect(out.outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
  });
});
