/**
 * Parses a downloaded statement file by its format: the same pure parsers the clients use, without
 * the clients (and their SDKs), so a worker thread can parse a 100k-row statement off the counter's
 * thread (core/worker-tasks.ts).
 */
import { parseAlipayBill } from './alipay/statement';
import type { StatementFormat, StatementOutcome } from './provider';
import { parseWechatBill } from './wechat/statement';
import { parseYeepayStatement } from './yeepay/statement';

export function parseStatementFile(format: StatementFormat, file: Buffer, day: string): StatementOutcome {
  switch (format.kind) {
    case 'alipay':
      return parseAlipayBill(file, day, format.sellerId);
    case 'wechat':
      return parseWechatBill(file, day, format.mchId);
    case 'yeepay':
      return parseYeepayStatement(file, day, format.merchantId);
  }
}
