/** The pole display (客显, 2×20, CD5220 commands): the bytes for a scan, a total, a change, in ASCII and GB18030. */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  PoleDisplay,
  fit,
  poleBytes,
  poleLines,
  spread,
  type PoleSink,
} from '../../src/main/core/hardware/pole-display';
import type { CustomerView } from '../../src/shared/types';

const base: CustomerView = {
  phase: 'idle',
  storeName: '演示便利店 Demo Store',
  lines: [],
  itemCount: 0,
  totalFen: 0,
  discountFen: 0,
  qr: null,
  paid: null,
  now: 0,
};
const cola = {
  nameZh: '可口可乐 330ml',
  nameEn: 'Coca-Cola 330ml',
  qty: 1,
  unitPriceFen: 300,
  weightG: null,
  totalFen: 300,
};
const scanned: CustomerView = { ...base, phase: 'cart', lines: [cola], itemCount: 1, totalFen: 300 };
const confirmed: CustomerView = { ...scanned, phase: 'pay' };
const paid: CustomerView = {
  ...scanned,
  phase: 'paid',
  totalFen: 1250,
  paid: { method: 'cash', tenderedFen: 2000, changeFen: 750 },
};

/** Reads the CD5220 bytes back: the two lines, decoded. */
function read(bytes: Buffer, charset: 'ascii' | 'gb18030'): { reset: boolean; upper: string; lower: string } {
  expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]);
  const rest = bytes.subarray(2);
  const upperAt = rest.indexOf(Buffer.from([0x1b, 0x51, 0x41]));
  const lowerAt = rest.indexOf(Buffer.from([0x1b, 0x51, 0x42]));
  expect(upperAt).toBe(0);
  expect(rest[lowerAt - 1]).toBe(0x0d);
  expect(rest[rest.length - 1]).toBe(0x0d);
  const dec = (b: Buffer) => (charset === 'gb18030' ? iconv.decode(b, 'gb18030') : b.toString('ascii'));
  return {
    reset: true,
    upper: dec(rest.subarray(3, lowerAt - 1)),
    lower: dec(rest.subarray(lowerAt + 3, rest.length - 1)),
  };
}

describe('pole display lines', () => {
  it('fits text to 20 columns, a Chinese character taking two, never split', () => {
    expect(fit('TOTAL')).toBe('TOTAL               ');
    expect(fit('可口可乐可口可乐可口可乐')).toBe('可口可乐可口可乐可口'); // 10 characters, 20 columns
    expect(fit('A可口可乐可口可乐可口可乐')).toBe('A可口可乐可口可乐可 '); // 19 columns and a space
    expect(spread('TOTAL', '12.50')).toBe('TOTAL          12.50');
    expect(spread('合计', '12.50')).toBe('合计           12.50');
  });
});

describe('pole display bytes (ASCII)', () => {
  it('a scan: the item, and its price', () => {
    const bytes = poleBytes(poleLines(scanned, 'ascii'), 'ascii');
    expect(read(bytes, 'ascii')).toEqual({ reset: true, upper: 'Coca-Cola 330ml     ', lower: 'PRICE           3.00' });
    expect(bytes.length).toBe(2 + 3 + 20 + 1 + 3 + 20 + 1);
  });

  it('the total on confirm', () => {
    expect(read(poleBytes(poleLines(confirmed, 'ascii'), 'ascii'), 'ascii')).toEqual({
      reset: true,
      upper: 'TOTAL           3.00',
      lower: ' '.repeat(20),
    });
  });

  it('the change on payment', () => {
    expect(read(poleBytes(poleLines(paid, 'ascii'), 'ascii'), 'ascii')).toEqual({
      reset: true,
      upper: 'PAID           20.00',
      lower: 'CHANGE          7.50',
    });
  });
});

describe('pole display bytes (GB18030)', () => {
  it('a scan, the total and the change in Chinese, encoded for the display', () => {
    const scan = poleBytes(poleLines(scanned, 'gb18030'), 'gb18030');
    // 可 in GB18030 is BF C9
    expect(scan.includes(Buffer.from([0xbf, 0xc9]))).toBe(true);
    expect(read(scan, 'gb18030')).toEqual({
      reset: true,
      upper: '可口可乐 330ml      ',
      lower: '价格            3.00',
    });
    expect(read(poleBytes(poleLines(confirmed, 'gb18030'), 'gb18030'), 'gb18030').upper).toBe('合计            3.00');
    expect(read(poleBytes(poleLines(paid, 'gb18030'), 'gb18030'), 'gb18030')).toEqual({
      reset: true,
      upper: '实收           20.00',
      lower: '找零            7.50',
    });
  });
});

describe('PoleDisplay on a fake port', () => {
  it('writes only when on and when the lines change; a port that cannot open stops nothing', async () => {
    const written: Buffer[] = [];
    const logs: string[] = [];
    const sink: PoleSink = { write: (b) => written.push(b), close: () => undefined };
    const pole = new PoleDisplay(
      async () => sink,
      (l) => logs.push(l),
    );
    pole.show(scanned); // off: nothing
    expect(written).toHaveLength(0);
    await pole.configure({ enabled: true, port: 'COM3', baud: 9600, charset: 'ascii' });
    pole.show(scanned);
    pole.show({ ...scanned, now: 5 }); // the same lines: not sent again
    pole.show(paid);
    expect(written.map((b) => read(b, 'ascii').upper)).toEqual(['Coca-Cola 330ml     ', 'PAID           20.00']);

    const failing = new PoleDisplay(
      () => Promise.reject(new Error('Error: No such file or directory, cannot open /dev/ttyUSB9')),
      (l) => logs.push(l),
    );
    await failing.configure({ enabled: true, port: '/dev/ttyUSB9', baud: 9600, charset: 'gb18030' });
    failing.show(paid);
    expect(logs).toEqual([expect.stringContaining('/dev/ttyUSB9 could not be opened')]);
  });
});
