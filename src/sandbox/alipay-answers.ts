/** The Alipay gateway's answers and requests, shared by its operations (alipay.ts, alipay-refunds.ts, alipay-bills.ts). */
import type { Ctx } from './context';
import type { Trade } from './store';

export type Fields = Record<string, unknown>;

export const MSG: Record<string, string> = {
  '10000': 'Success',
  '10003': 'order success pay inprocess',
  '20000': 'Service Currently Unavailable',
  '40001': 'Missing Required Arguments',
  '40002': 'Invalid Arguments',
  '40004': 'Business Failed',
  '40006': 'Insufficient Permissions',
};

export function ok(fields: Fields = {}): Fields {
  return { code: '10000', msg: 'Success', ...fields };
}
export function fail(code: string, subCode: string, subMsg: string, fields: Fields = {}): Fields {
  return { code, msg: MSG[code] ?? 'Business Failed', sub_code: subCode, sub_msg: subMsg, ...fields };
}
export const notExist = (): Fields => fail('40004', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
export const invalid = (what: string): Fields => fail('40004', 'ACQ.INVALID_PARAMETER', `参数无效: ${what}`);

export function bizStr(biz: Fields, key: string): string | undefined {
  const v = biz[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Does the trade exist upstream? An unscanned precreate does not (§2.5). */
export function exists(t: Trade): boolean {
  return !(t.mode === 'qr' && t.scanned_at === null);
}

export function findTrade(ctx: Ctx, biz: Fields): Trade | null {
  const tradeNo = bizStr(biz, 'trade_no');
  if (tradeNo) return ctx.store.tradeByTradeNo('alipay', tradeNo);
  const otn = bizStr(biz, 'out_trade_no');
  return otn ? ctx.store.trade('alipay', otn) : null;
}

export interface Req {
  ctx: Ctx;
  params: Record<string, string>;
  biz: Fields;
  base: string;
}
