/**
 * ESC/POS layout (issue 13, item 1): slips rendered to bytes and read back by the tests' ESC/POS
 * reader — 58 mm is 32 columns and 80 mm 48, Chinese counts two columns, name left and amount
 * right on mixed lines, long names wrapped, the order number as a QR, the cut only where there is a
 * cutter, the drawer pulse on the pin chosen, REPRINT marked, and no control character of a name
 * reaching the printer.
 */
import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../../src/shared/types';
import { drawerKick, renderEscPos, type EscPosOptions } from '../../../src/main/core/hardware/escpos';
import { receiptSlip, testSlip } from '../../../src/main/core/hardware/slip';
import { displayWidth, wrap } from '../../../src/main/core/hardware/text-width';
import { readEscPos } from '../../support/escpos-reader';

const line = (lineNo: number, nameZh: string, nameEn: string, qty: number, unitPriceFen: number) => ({
  lineNo,
  productId: lineNo,
  sku: `SKU${lineNo}`,
  nameZh,
  nameEn,
  qty,
  unitPriceFen,
  grossFen: qty * unitPriceFen,
  lineDiscountFen: 0,
  orderDiscountShareFen: 0,
  totalFen: qty * unitPriceFen,
  discount: null,
  refundedQty: 0,
});

const receipt = (over: Partial<Receipt> = {}): Receipt =>
  ({
    storeName: '演示便利店 Demo Store',
    storeAddress: '演示路 1 号',
    storePhone: '400-000-0000',
    orderId: 1,
    number: '20261126-T01-0001',
    terminal: 'T01',
    clerk: '收银员 01',
    createdAt: Date.parse('2026-11-26T02:00:00Z'),
    paidAt: Date.parse('2026-11-26T02:01:00Z'),
    lines: [
      line(1, '农夫山泉天然饮用水 550ml 超长的商品名称需要换行显示', 'Nongfu Spring natural water 550ml', 2, 200),
      line(2, '可口可乐', 'Coca-Cola', 1, 350),
    ],
    subtotalFen: 750,
    lineDiscountFen: 0,
    orderDiscountFen: 0,
    totalFen: 750,
    method: 'cash',
    tenderedFen: 1000,
    changeFen: 250,
    parts: [],
    reprint: false,
    ...over,
  }) as Receipt;

const opts = (width: 58 | 80, over: Partial<EscPosOptions> = {}): EscPosOptions => ({
  width,
  codePage: 'gb18030',
  cutter: true,
  drawerPin: 2,
  pulseMs: 100,
  ...over,
});

describe('text width', () => {
  it('counts Chinese and full-width signs as two columns, ASCII as one', () => {
    expect(displayWidth('可乐 Cola', 'gb18030')).toBe(9);
    expect(displayWidth('￥3.50', 'gb18030')).toBe(6);
  });
  it('wraps Chinese anywhere and English at a space, never past the width', () => {
    const lines = wrap('农夫山泉天然饮用水 Nongfu Spring natural water', 12, 'gb18030');
    expect(lines).toEqual(['农夫山泉天然', '饮用水', 'Nongfu', 'Spring', 'natural', 'water']);
    expect(wrap('Supercalifragilistic', 8, 'gb18030')).toEqual(['Supercal', 'ifragili', 'stic']);
  });
});

describe.each([
  [58, 32],
  [80, 48],
] as const)('a sale receipt on %i mm', (width, columns) => {
  const read = readEscPos(renderEscPos(receiptSlip(receipt(), 'zh-CN', 'Asia/Shanghai'), opts(width)));

  it(`prints no line wider than ${columns} columns, Chinese decoded`, () => {
    expect(read.chinese).toBe(true);
    for (const l of read.lines) expect(l.width).toBeLessThanOrEqual(columns);
    expect(read.text.some((t) => t.includes('演示便利店'))).toBe(true);
    expect(read.text.some((t) => t.includes('谢谢惠顾'))).toBe(true);
  });

  it('puts the name left and the amount flush right, exactly at the last column', () => {
    const cola = read.lines.find((l) => l.text.startsWith('可口可乐'));
    expect(cola?.text).toMatch(/^可口可乐 +￥3\.50$/);
    expect(cola?.width).toBe(columns);
    const total = read.lines.find((l) => l.text.startsWith('合计'));
    expect(total?.width).toBe(columns);
    expect(total?.bold).toBe(true);
    expect(total?.text.trimEnd().endsWith('￥7.50')).toBe(true);
  });

  it('wraps a long name under its first line, which carries the amount', () => {
    const i = read.lines.findIndex((l) => l.text.startsWith('农夫山泉'));
    expect(read.lines[i]?.text.endsWith('￥4.00')).toBe(true);
    expect(read.lines[i + 1]?.text).not.toMatch(/￥/);
    expect(read.lines[i + 1]?.text.length).toBeGreaterThan(0);
  });

  it('prints the order number as a QR and cuts once; no drawer pulse unless asked', () => {
    expect(read.qr).toEqual(['20261126-T01-0001']);
    expect(read.cuts).toBe(1);
    expect(read.pulses).toEqual([]);
    expect(read.text.some((t) => t.includes('重印'))).toBe(false);
  });
});

it('marks a reprint (重印 / REPRINT)', () => {
  const zh = readEscPos(renderEscPos(receiptSlip(receipt({ reprint: true }), 'zh-CN', 'UTC'), opts(58)));
  expect(zh.text.some((t) => t.includes('*** 重印 ***'))).toBe(true);
  const en = readEscPos(renderEscPos(receiptSlip(receipt({ reprint: true }), 'en', 'UTC'), opts(80)));
  expect(en.text.some((t) => t.includes('*** REPRINT ***'))).toBe(true);
});

it('feeds instead of cutting without a cutter; kicks the drawer on the pin and pulse set', () => {
  const read = readEscPos(
    renderEscPos(
      testSlip('店', { width: 58, codePage: 'gb18030' }, 'en', 'now'),
      opts(58, { cutter: false, kick: true, drawerPin: 5, pulseMs: 120 }),
    ),
  );
  expect(read.cuts).toBe(0);
  expect(read.pulses).toEqual([{ pin: 5, onMs: 120, offMs: 240 }]);
  expect(readEscPos(drawerKick({ drawerPin: 2, pulseMs: 100 })).pulses).toEqual([{ pin: 2, onMs: 100, offMs: 200 }]);
});

it('prints the test page: Chinese, English, a QR and a cut', () => {
  const read = readEscPos(
    renderEscPos(testSlip('演示店', { width: 58, codePage: 'gb18030' }, 'zh-CN', '2026-11-26 10:00'), opts(58)),
  );
  expect(read.text).toContain('中文测试：收银小票打印正常');
  expect(read.text.some((t) => t.startsWith('English test: receipt printing'))).toBe(true);
  expect(read.qr).toEqual(['COUNTER-POS-TEST']);
  expect(read.cuts).toBe(1);
});

it('encodes a GBK printer in GBK (the same two-byte Chinese)', () => {
  const gbk = readEscPos(
    renderEscPos(testSlip('店', { width: 80, codePage: 'gbk' }, 'zh-CN', 'x'), opts(80, { codePage: 'gbk' })),
    'gbk',
  );
  expect(gbk.text).toContain('中文测试：收银小票打印正常');
});

it('never sends a control character of a name to the printer (no drawer kick hidden in a product name)', () => {
  const evil = receipt({ lines: [line(1, '可乐\u001bp\u0000\u0019\u00fa', 'Cola', 1, 100)] });
  const read = readEscPos(renderEscPos(receiptSlip(evil, 'zh-CN', 'UTC'), opts(58)));
  expect(read.pulses).toEqual([]);
});
