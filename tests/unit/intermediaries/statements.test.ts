import { describe, expect, it } from 'vitest';
import { parseProviderConfig, type YeepayConfig } from '../../../src/main/intermediaries/config';
import { yuanToFenRounded } from '../../../src/main/intermediaries/money';
import { parseWechatBill } from '../../../src/main/intermediaries/wechat/statement';
import { YeepayClient } from '../../../src/main/intermediaries/yeepay/client';
import { yeepayHmac } from '../../../src/main/intermediaries/yeepay/signing';
import { parseYeepayStatement } from '../../../src/main/intermediaries/yeepay/statement';
import { NOW, res, scripted } from './helpers';

describe('WeChat bill fees with five decimals', () => {
  it('rounds to the fen in integers', () => {
    expect(yuanToFenRounded('0.07000')).toBe(7);
    expect(yuanToFenRounded('-0.03000')).toBe(-3);
    expect(yuanToFenRounded('0.00600')).toBe(1);
    expect(yuanToFenRounded('0.00499')).toBe(0);
    expect(yuanToFenRounded('12.3')).toBe(1230);
    expect(yuanToFenRounded('0.000001')).toBeNull();
  });
  it('parses a bill whose refund rows carry 0.00 order amounts and negative 5-decimal fees', () => {
    const b = (c: string[]) => c.map((x) => '`' + x).join(',');
    const header =
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
    const text = [
      header,
      b([
        '2024-01-15 10:00:05',
        'wx1',
        '1900000109',
        '0',
        '',
        '4200',
        'T1',
        'o',
        'MICROPAY',
        'SUCCESS',
        'OTHERS',
        'CNY',
        '12.30',
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        '咖啡',
        '',
        '0.07000',
        '0.60%',
        '12.30',
        '0.00',
        '',
      ]),
      b([
        '2024-01-15 10:00:35',
        'wx1',
        '1900000109',
        '0',
        '',
        '4200',
        'T1',
        'o',
        'MICROPAY',
        'REVOKED',
        'OTHERS',
        'CNY',
        '0.00',
        '0.00',
        '4200',
        'T1',
        '12.30',
        '0.00',
        'ORIGINAL',
        'SUCCESS',
        '咖啡',
        '',
        '-0.07000',
        '0.60%',
        '0.00',
        '12.30',
        '',
      ]),
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      b(['2', '12.30', '12.30', '0.00', '0.00000', '12.30', '12.30']),
    ].join('\r\n');
    const out = parseWechatBill(Buffer.from(text), '2024-01-15', '1900000109');
    expect(out).toMatchObject({
      kind: 'statement',
      statement: { totals: { count: 2, amountFen: 1230, refundFen: 1230, feeFen: 0 } },
    });
    if (out.kind === 'statement')
      expect(out.statement.rows[1]).toMatchObject({
        type: 'refund',
        amountFen: 1230,
        feeFen: 7,
        status: 'REVOKED',
        refundNo: 'T1',
      });
  });
});

const HEADER = 'time,merchant_id,trx_id,order_id,type,amount,refund_amount,fee,net,bank_id,product,refund_id';
const good =
  [
    HEADER,
    '2024-01-15 10:00:05,10001126856,YP1,T3001,PAYMENT,12.30,0.00,0.07,12.23,ICBC-NET-B2C,Coffee,',
    '2024-01-15 11:00:00,10001126856,YP1,T3001,REFUND,0.00,5.00,-0.03,-4.97,ICBC-NET-B2C,Coffee,YR1',
    '#total,2,12.30,5.00,0.04,7.26',
  ].join('\n') + '\n';

describe('YeePay statement (the sandbox CSV)', () => {
  it('parses rows and checks the #total line', () => {
    const out = parseYeepayStatement(Buffer.from(good), '2024-01-15', '10001126856');
    expect(out).toMatchObject({ kind: 'statement' });
    if (out.kind !== 'statement') return;
    expect(out.statement.rows).toEqual([
      {
        outTradeNo: 'T3001',
        tradeNo: 'YP1',
        type: 'payment',
        amountFen: 1230,
        feeFen: 7,
        refundNo: null,
        status: 'PAYMENT',
        at: NOW + 5000,
      },
      {
        outTradeNo: 'T3001',
        tradeNo: 'YP1',
        type: 'refund',
        amountFen: 500,
        feeFen: 3,
        refundNo: 'YR1',
        status: 'REFUND',
        at: NOW + 3600_000,
      },
    ]);
    expect(out.statement.totals).toEqual({ count: 2, amountFen: 1230, refundFen: 500, feeFen: 4 });
  });
  it('an empty day is none; truncation, the wrong day, another merchant, garbage are invalid', () => {
    expect(
      parseYeepayStatement(Buffer.from(`${HEADER}\n#total,0,0.00,0.00,0.00,0.00\n`), '2024-01-15', '10001126856'),
    ).toEqual({ kind: 'none' });
    const lines = good.trim().split('\n');
    expect(parseYeepayStatement(Buffer.from(lines.slice(0, 3).join('\n')), '2024-01-15', '10001126856')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/truncated/),
    });
    expect(
      parseYeepayStatement(Buffer.from([lines[0], lines[1], lines[3]].join('\n')), '2024-01-15', '10001126856'),
    ).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/counts 2/) });
    expect(parseYeepayStatement(Buffer.from(good), '2024-01-16', '10001126856')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/wrong day/),
    });
    expect(parseYeepayStatement(Buffer.from(good), '2024-01-15', '10000432521')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/merchant/),
    });
    expect(parseYeepayStatement(Buffer.from('<html>oops</html>'), '2024-01-15', '10001126856')).toMatchObject({
      kind: 'invalid',
    });
    expect(
      parseYeepayStatement(
        Buffer.from(good.replace('12.30,0.00,0.07', '12.3x,0.00,0.07')),
        '2024-01-15',
        '10001126856',
      ),
    ).toMatchObject({ kind: 'invalid' });
    expect(
      parseYeepayStatement(Buffer.from(good.replace('#total,2,12.30', '#total,2,99.30')), '2024-01-15', '10001126856'),
    ).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/altered/) });
  });
  it('statement(): a signed GET; an error answer is unknown', async () => {
    const cfg = parseProviderConfig({
      provider: 'yeepay',
      nodeUrl: 'http://h/yeepay/app-merchant-proxy/node',
      commandUrl: 'http://h/yeepay/app-merchant-proxy/command',
      statementUrl: 'http://h/yeepay/app-merchant-proxy/statement',
      merchantId: '10001126856',
      key: 'k'.repeat(60),
    }) as YeepayConfig;
    const deps = scripted(res(good, 200, { 'content-type': 'text/csv; charset=utf-8' }));
    const client = new YeepayClient(cfg, deps);
    expect(client.capabilities.statement).toBe(true);
    expect((await client.statement('2024-01-15')).outcome.kind).toBe('statement');
    const u = new URL(deps.requests[0]!.url);
    expect(Object.fromEntries(u.searchParams)).toEqual({
      p0_Cmd: 'DownloadStatement',
      p1_MerId: '10001126856',
      p2_Date: '2024-01-15',
      hmac: yeepayHmac(['DownloadStatement', '10001126856', '2024-01-15'], 'k'.repeat(60)),
    });
    const err = await new YeepayClient(
      cfg,
      scripted(res('r0_Cmd=DownloadStatement\nr1_Code=-1\nhmac check failed\n')),
    ).statement('2024-01-15');
    expect(err.outcome).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/r1_Code=-1/) });
  });
});
