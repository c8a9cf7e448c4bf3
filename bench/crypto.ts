/**
 * Sign and verify throughput of the payment clients against the raw node:crypto operation on the
 * same bytes (issue 3, "Measure"), ops/s, in one process, no network:
 *
 *  - Alipay RSA2 request signing: `AlipayClient.signRequest` (alipay-sdk `sdkExecute`: parameter
 *    building, sorting, string-to-sign, RSA-SHA256 with the app private key, then URL and form body)
 *    vs `crypto.sign('sha256', stringToSign, KeyObject)`;
 *  - Alipay answer verification: `AlipayClient.verifyAnswer` (JSON scan, parse, `rsaCheck` with the
 *    platform public key, checks) vs `crypto.verify('sha256', …)` on the signed substring;
 *  - WeChat MD5 and HMAC-SHA256 request signing: `WechatClient.signed` vs `createHash('md5')` /
 *    `createHmac('sha256')` on the same `stringA&key=…`; and answer verification (`verifyAnswer`:
 *    XML parse + sign check) vs the raw MD5 of its string;
 *  - YeePay HMAC-MD5: `YeepayClient.buyFields` (the signed Buy form) vs `createHmac('md5')` on the
 *    same concatenated values;
 *  - plus each QR client's whole `create()` with an HTTP stub that answers at once with a valid
 *    answer signed by the sandbox's own signing code (src/sandbox/signing.ts): the client's CPU per
 *    QR, without the network.
 *
 * Every client path used is public (methods on the client classes); the "same string" is rebuilt
 * with the sandbox's independent signing helpers and checked against the client's signature before
 * timing. Ops run in batches of ~batchMs; client and raw batches are interleaved. Each row's median
 * is the median per-batch ops/s; its p95 column is the 5th percentile of per-batch ops/s (the slow
 * tail, i.e. the p95 batch time expressed as a rate).
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  sign,
  verify,
} from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AlipayClient, WechatClient, YeepayClient, defaultDeps, sandboxConfigs } from '../src/main/intermediaries';
import { BUY_ORDER } from '../src/main/intermediaries/yeepay/signing';
import type { CreateInput, Http } from '../src/main/intermediaries/provider';
import { loadCredentials } from '../src/sandbox/credentials';
import {
  alipayJson,
  alipaySignContent,
  alipaySignedBody,
  wechatSign as sandboxWechatSign,
  wechatSignContent,
} from '../src/sandbox/signing';
import { buildXml } from '../src/sandbox/xml';
import { fmt, median, progress, quantile, type Row } from './stats';

export interface CryptoOptions {
  /** timed batches per variant */
  batches: number;
  /** target duration of one batch */
  batchMs: number;
}

type Op = () => unknown;

let sink: unknown;

async function runBatch(op: Op, k: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < k; i++) {
    const r = op();
    if (r instanceof Promise) sink = await r;
    else sink = r;
  }
  return performance.now() - t;
}

/** Warms the op up and returns how many calls make one batch of ~batchMs. */
async function calibrate(op: Op, batchMs: number): Promise<number> {
  let calls = 0;
  const t = performance.now();
  while (performance.now() - t < Math.max(20, batchMs)) {
    await runBatch(op, 1);
    calls++;
  }
  const perCall = (performance.now() - t) / calls;
  return Math.max(1, Math.round(batchMs / perCall));
}

/** Per-batch ops/s for each variant, batches interleaved (rotating which variant goes first). */
async function rates(ops: readonly Op[], options: CryptoOptions): Promise<number[][]> {
  const ks: number[] = [];
  for (const op of ops) ks.push(await calibrate(op, options.batchMs));
  const out: number[][] = ops.map(() => []);
  for (let b = 0; b < options.batches; b++) {
    for (let j = 0; j < ops.length; j++) {
      const v = (j + b) % ops.length;
      const k = ks[v] as number;
      const ms = await runBatch(ops[v] as Op, k);
      (out[v] as number[]).push((k / ms) * 1000);
    }
  }
  return out;
}

function rateRow(measure: string, opsPerSec: readonly number[], notes: string): Row {
  return { measure, unit: 'ops/s', median: median(opsPerSec), p95: quantile(opsPerSec, 0.05), goal: '—', notes };
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`setup check failed: ${what}`);
}

const FIXED_NOW = Date.UTC(2025, 5, 1, 4, 0, 0);
const OUT_TRADE_NO = '20250601001A1';

export async function benchCrypto(options: CryptoOptions): Promise<Row[]> {
  const cfg = sandboxConfigs('http://127.0.0.1:9');
  const sb = loadCredentials();
  // deterministic clock and nonce: every call signs the same bytes, so the raw op can use them too
  const deps = (http?: Http) =>
    defaultDeps({ now: () => FIXED_NOW, nonce: () => '5K8264ILTKCH16CQ2502SI8ZNMTM67VS', ...(http ? { http } : {}) });
  const rows: Row[] = [];
  const pairRows = (label: string, clientRates: number[], rawLabel: string, rawRates: number[], extra: string) => {
    const ratio = median(clientRates) / median(rawRates);
    rows.push(
      rateRow(label, clientRates, `client/raw = ${fmt(ratio)} (client costs ${fmt(1 / ratio)}× the raw op); ${extra}`),
    );
    rows.push(rateRow(`  ${rawLabel}`, rawRates, ''));
  };

  // ---------------------------------------------------------------- Alipay RSA2
  const alipay = new AlipayClient(cfg.alipay, deps());
  const method = 'alipay.trade.precreate';
  const biz = {
    out_trade_no: OUT_TRADE_NO,
    total_amount: '23.50',
    subject: `Order ${OUT_TRADE_NO}`,
    time_expire: '2025-06-01 12:03:00',
    product_code: 'FACE_TO_FACE_PAYMENT',
  };
  const signed = alipay.signRequest(method, biz);
  const signString = alipaySignContent(signed.params);
  const signBytes = Buffer.from(signString, 'utf8');
  const appPrivate = createPrivateKey(cfg.alipay.appPrivateKeyPem);
  const appPublic = createPublicKey(sb.alipay.appPublicKey);
  check(
    verify('sha256', signBytes, appPublic, Buffer.from(signed.params.sign ?? '', 'base64')),
    'the rebuilt Alipay string-to-sign verifies the client signature',
  );
  {
    const [client, raw, rawPem] = await rates(
      [
        () => alipay.signRequest(method, biz),
        () => sign('sha256', signBytes, appPrivate),
        () => createSign('RSA-SHA256').update(signString, 'utf8').sign(cfg.alipay.appPrivateKeyPem, 'base64'),
      ],
      options,
    );
    pairRows(
      'Alipay RSA2 request signing: AlipayClient.signRequest',
      client as number[],
      `raw crypto.sign('sha256', same ${signBytes.length}-byte string, KeyObject)`,
      raw as number[],
      `raw with the PEM string (what alipay-sdk calls: createSign().sign(pem)): ${fmt(median(rawPem as number[]))} ops/s; RSA 2048`,
    );
  }

  const platformPublic = createPublicKey(cfg.alipay.alipayPublicKeyPem);
  const inner = alipayJson({
    code: '10000',
    msg: 'Success',
    out_trade_no: OUT_TRADE_NO,
    qr_code: 'http://127.0.0.1:9/alipay/qr/bax03431ljhokirwl38f00a7',
  });
  const answer = alipaySignedBody('alipay_trade_precreate_response', inner, sb.alipay.platformPrivateKey);
  const answerSig = Buffer.from((JSON.parse(answer) as { sign: string }).sign, 'base64');
  const innerBytes = Buffer.from(inner, 'utf8');
  check(alipay.verifyAnswer(method, answer).ok === true, 'the client accepts the sandbox-signed Alipay answer');
  check(verify('sha256', innerBytes, platformPublic, answerSig), 'raw verify of the sandbox-signed Alipay answer');
  {
    const answerSigB64 = answerSig.toString('base64');
    const [client, raw, rawPem] = await rates(
      [
        () => alipay.verifyAnswer(method, answer),
        () => verify('sha256', innerBytes, platformPublic, answerSig),
        () =>
          createVerify('RSA-SHA256')
            .update(inner, 'utf8')
            .verify(cfg.alipay.alipayPublicKeyPem, answerSigB64, 'base64'),
      ],
      options,
    );
    pairRows(
      'Alipay answer verification: AlipayClient.verifyAnswer',
      client as number[],
      `raw crypto.verify('sha256', same ${innerBytes.length}-byte substring, KeyObject)`,
      raw as number[],
      `raw with the PEM string (what rsaCheck calls): ${fmt(median(rawPem as number[]))} ops/s; ${answer.length}-byte precreate answer`,
    );
  }
  progress('crypto: Alipay done');

  // ---------------------------------------------------------------- WeChat MD5 / HMAC-SHA256
  const apiKey = cfg.wechat.apiKey;
  const apiKeyBytes = Buffer.from(apiKey, 'utf8');
  const unified = {
    body: `Order ${OUT_TRADE_NO}`,
    out_trade_no: OUT_TRADE_NO,
    total_fee: '2350',
    spbill_create_ip: '127.0.0.1',
    time_start: '20250601120000',
    time_expire: '20250601120500',
    notify_url: 'https://notify.invalid/counter-pos',
    trade_type: 'NATIVE',
    product_id: OUT_TRADE_NO,
  };
  for (const signType of ['MD5', 'HMAC-SHA256'] as const) {
    const client = new WechatClient({ ...cfg.wechat, signType }, deps());
    const fields = client.signed(unified);
    const temp = `${wechatSignContent(fields)}&key=${apiKey}`;
    check(
      sandboxWechatSign(fields, apiKey, signType) === fields.sign,
      `the sandbox's ${signType} sign matches the client's`,
    );
    const raw: Op =
      signType === 'MD5'
        ? () => createHash('md5').update(temp, 'utf8').digest('hex')
        : () => createHmac('sha256', apiKeyBytes).update(temp, 'utf8').digest('hex');
    const [c, r] = await rates([() => client.signed(unified), raw], options);
    pairRows(
      `WeChat ${signType} request signing: WechatClient.signed`,
      c as number[],
      `raw ${signType === 'MD5' ? "createHash('md5')" : "createHmac('sha256')"} on the same ${Buffer.byteLength(temp)}-byte string`,
      r as number[],
      `adds appid/mch_id/nonce, drops empties, sorts, joins, hashes, upper-cases (${Object.keys(fields).length} fields)`,
    );
  }
  {
    const client = new WechatClient(cfg.wechat, deps());
    const answerFields: Record<string, string> = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: cfg.wechat.appId,
      mch_id: cfg.wechat.mchId,
      nonce_str: 'Q2pTZ8mJ4bVx0kLr',
      result_code: 'SUCCESS',
      trade_type: 'NATIVE',
      prepay_id: 'wx01120000sandbox0000000000000001',
      code_url: 'http://127.0.0.1:9/wechat/bizpayurl?pr=Ab3dEf7hIj',
      out_trade_no: OUT_TRADE_NO,
    };
    answerFields.sign = sandboxWechatSign(answerFields, apiKey, 'MD5');
    const xml = buildXml(answerFields);
    const temp = `${wechatSignContent(answerFields)}&key=${apiKey}`;
    check(client.verifyAnswer(xml).ok === true, 'the client accepts the sandbox-signed WeChat answer');
    const [c, r] = await rates(
      [() => client.verifyAnswer(xml), () => createHash('md5').update(temp, 'utf8').digest('hex')],
      options,
    );
    pairRows(
      'WeChat MD5 answer verification: WechatClient.verifyAnswer',
      c as number[],
      `raw createHash('md5') on its ${Buffer.byteLength(temp)}-byte string-to-sign`,
      r as number[],
      `XML parse (fast-xml-parser) + sign + constant-time compare + appid/mch_id checks; ${xml.length}-byte answer`,
    );
  }
  progress('crypto: WeChat done');

  // ---------------------------------------------------------------- YeePay HMAC-MD5
  {
    const yeepay = new YeepayClient(cfg.yeepay, deps());
    const input: CreateInput = {
      outTradeNo: OUT_TRADE_NO,
      amountFen: 2350,
      subject: `Order ${OUT_TRADE_NO}`,
      mode: 'redirect',
      returnUrl: 'http://127.0.0.1:9/api/yeepay/return/1',
      expiresAt: FIXED_NOW + 600_000,
    };
    const fields = yeepay.buyFields(input);
    const joined = BUY_ORDER.map((k) => fields[k] ?? '').join('');
    const keyBytes = Buffer.from(cfg.yeepay.key, 'utf8');
    check(
      createHmac('md5', keyBytes).update(joined, 'utf8').digest('hex') === fields.hmac,
      'the raw HMAC-MD5 matches the client hmac',
    );
    const [c, r] = await rates(
      [() => yeepay.buyFields(input), () => createHmac('md5', keyBytes).update(joined, 'utf8').digest('hex')],
      options,
    );
    pairRows(
      'YeePay HMAC-MD5 signing: YeepayClient.buyFields',
      c as number[],
      `raw createHmac('md5') on the same ${Buffer.byteLength(joined)}-byte concatenation`,
      r as number[],
      'builds the 13 Buy fields, joins them in the documented order, HMAC-MD5 (key re-wrapped per call)',
    );
  }
  progress('crypto: YeePay done');

  // ---------------------------------------------------------------- whole create() with an instant stub
  {
    const alipayAnswer = Buffer.from(answer, 'utf8');
    const wechatAnswerFields: Record<string, string> = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: cfg.wechat.appId,
      mch_id: cfg.wechat.mchId,
      nonce_str: 'Q2pTZ8mJ4bVx0kLr',
      result_code: 'SUCCESS',
      trade_type: 'NATIVE',
      prepay_id: 'wx01120000sandbox0000000000000001',
      code_url: 'http://127.0.0.1:9/wechat/bizpayurl?pr=Ab3dEf7hIj',
    };
    wechatAnswerFields.sign = sandboxWechatSign(wechatAnswerFields, apiKey, 'MD5');
    const wechatAnswer = Buffer.from(buildXml(wechatAnswerFields), 'utf8');
    const stub =
      (body: Buffer, contentType: string): Http =>
      async () => ({ status: 200, headers: { 'content-type': contentType }, body });
    const alipayStubbed = new AlipayClient(cfg.alipay, deps(stub(alipayAnswer, 'text/html;charset=utf-8')));
    const wechatStubbed = new WechatClient(cfg.wechat, deps(stub(wechatAnswer, 'text/xml')));
    const input: CreateInput = {
      outTradeNo: OUT_TRADE_NO,
      amountFen: 2350,
      subject: `Order ${OUT_TRADE_NO}`,
      mode: 'qr',
      expiresAt: FIXED_NOW + 180_000,
    };
    for (const client of [alipayStubbed, wechatStubbed]) {
      const got = await client.create(input);
      check(got.outcome.kind === 'qr', `${client.id} create() with the stub gives a QR (got ${got.outcome.kind})`);
    }
    const [a, w] = await rates([() => alipayStubbed.create(input), () => wechatStubbed.create(input)], options);
    const us = (xs: number[]) => fmt(1e6 / median(xs));
    rows.push(
      rateRow(
        'Alipay create(qr) with an instant HTTP stub',
        a as number[],
        `≈ ${us(a as number[])} µs of client CPU per QR: sign + journal exchange (redaction, truncation) + verify; answer signed by src/sandbox/signing.ts`,
      ),
    );
    rows.push(
      rateRow(
        'WeChat create(qr) with an instant HTTP stub',
        w as number[],
        `≈ ${us(w as number[])} µs of client CPU per QR: sign + XML + journal exchange + XML parse + verify; nonce fixed`,
      ),
    );
  }
  progress('crypto: create() done');
  if (sink === Symbol.for('never')) progress('unreachable');
  return rows;
}
