/** A parsed statement, checked once more and identified by its content, before anything is stored. */
import { createHash } from 'node:crypto';
import type { ProviderId } from '../../../shared/types';
import { beijingDateTime } from '../../intermediaries/money';
import type { Statement } from '../../intermediaries/provider';
import { dayWindow } from './days';

/**
 * The parsers refuse bad files; this checks the parsed statement once more before anything is
 * stored: the provider and the day, every row's order number, amount and date, and that the totals
 * add up. Returns the reason to refuse it, or null.
 */
export function statementProblem(s: Statement, provider: ProviderId, day: string): string | null {
  if (s.provider !== provider) return `the statement is from ${s.provider}, not ${provider}`;
  if (s.day !== day) return `the statement is for ${s.day}, not ${day}`;
  const { from, to } = dayWindow(day);
  let amount = 0;
  let refund = 0;
  for (let i = 0; i < s.rows.length; i++) {
    const r = s.rows[i]!;
    const where = `row ${i + 1}`;
    if (r.type !== 'payment' && r.type !== 'refund') return `${where} is neither a payment nor a refund`;
    if (!r.outTradeNo || r.outTradeNo.length > 64 || !/^[\x21-\x7e]+$/.test(r.outTradeNo))
      return `${where} has no usable order number`;
    if (!Number.isSafeInteger(r.amountFen) || r.amountFen < 0) return `${where} has an impossible amount`;
    if (!Number.isSafeInteger(r.feeFen)) return `${where} has an impossible fee`;
    if (r.at !== null && (r.at < from || r.at >= to))
      return `${where} is dated ${beijingDateTime(r.at)}, not ${day}: the wrong day's statement`;
    if (r.type === 'payment') amount += r.amountFen;
    else refund += r.amountFen;
  }
  if (s.totals.count !== s.rows.length || s.totals.amountFen !== amount || s.totals.refundFen !== refund) {
    return "the statement's totals do not add up with its rows";
  }
  return null;
}

/** SHA-256 of the parsed statement: the same statement downloaded twice has the same hash. */
export function statementSha256(s: Statement): string {
  const h = createHash('sha256');
  h.update(`${s.provider}\n${s.day}\n${s.merchantId ?? ''}\n`);
  let buf = '';
  for (const r of s.rows) {
    buf += `${r.type}|${r.outTradeNo}|${r.tradeNo ?? ''}|${r.refundNo ?? ''}|${r.amountFen}|${r.feeFen}|${r.status}|${r.at ?? ''}\n`;
    if (buf.length > 65_536) {
      h.update(buf);
      buf = '';
    }
  }
  h.update(buf);
  return h.digest('hex');
}

/** A day with no trades: imported as an empty statement. */
export function emptyStatement(provider: ProviderId, day: string): Statement {
  return { provider, day, merchantId: null, rows: [], totals: { count: 0, amountFen: 0, refundFen: 0, feeFen: 0 } };
}
