/** The Alipay gateway's bill links (docs/protocols.md §2.7): the signed, short-lived download URL and the zip behind it. */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from './context';
import { parseForm, rawQuery, send } from './http';
import { safeEqual } from './signing';
import { alipayBillZip, hasBillData } from './statements';
import { bizStr, fail, ok, type Fields, type Req } from './alipay-answers';

export function billToken(ctx: Ctx, billDate: string, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ d: billDate, e: expiresAt })).toString('base64url');
  const mac = createHmac('sha256', ctx.linkSecret).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

export function readBillToken(ctx: Ctx, token: string): { d: string; e: number } | null {
  const [payload, mac] = token.split('.');
  if (!payload || !mac) return null;
  const want = createHmac('sha256', ctx.linkSecret).update(payload).digest('base64url');
  if (!safeEqual(want, mac)) return null;
  try {
    const v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { d?: unknown; e?: unknown };
    return typeof v.d === 'string' && typeof v.e === 'number' ? { d: v.d, e: v.e } : null;
  } catch {
    return null;
  }
}

export function billUrl({ ctx, biz, base }: Req): Fields {
  const type = bizStr(biz, 'bill_type');
  const date = bizStr(biz, 'bill_date');
  if (!type) return fail('40004', 'isv.missing-parameter', 'bill_type 不能为空');
  if (type !== 'trade')
    return fail('40004', 'isp.bill_not_exist', '账单不存在 (the sandbox serves bill_type=trade only)');
  if (!date || !/^\d{4}-\d{2}(-\d{2})?$/.test(date))
    return fail('40004', 'isv.invalid-bill-date', '账单日期格式不正确');
  if (!hasBillData(ctx, 'alipay', date)) return fail('40004', 'isp.bill_not_exist', '账单不存在');
  const token = billToken(ctx, date, ctx.now() + 30_000);
  const name = `${ctx.creds.alipay.sellerId}0156_${date.replace(/-/g, '')}.csv.zip`;
  return ok({ bill_download_url: `${base}/alipay/bill/download?token=${token}&downloadFileName=${name}` });
}

/** `GET /alipay/bill/download?token=…`: the zip, while the link is valid (30 s). */
export async function handleBillDownload(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = parseForm(rawQuery(req.url), 'utf-8');
  const t = readBillToken(ctx, params['token'] ?? '');
  if (!t) return send(res, 403, 'text/plain; charset=utf-8', 'invalid bill link');
  if (ctx.now() > t.e) return send(res, 403, 'text/plain; charset=utf-8', 'bill link expired (valid 30 s)');
  const zip = await alipayBillZip(ctx, t.d);
  const name = `${ctx.creds.alipay.sellerId}0156_${t.d.replace(/-/g, '')}.csv.zip`;
  send(res, 200, 'application/zip', zip, { 'content-disposition': `attachment; filename="${name}"` });
}
