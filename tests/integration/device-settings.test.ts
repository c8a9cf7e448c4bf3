/**
 * The device settings added for Settings (s-devices): the pole display's test line, reading a sample
 * scale label (the same decoder and lookup as a scan, nothing added to the cart), and the store logo
 * on ESC/POS receipts — validated, the owner's, audited, printed as a raster image the fake printer's
 * reader decodes, and removed again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReceiptLogo, ScaleReadView, PoleTestResult } from '../../src/shared/device-types';
import type { CartView, PrinterConfig } from '../../src/shared/types';
import type { Result } from '../../src/shared/result';
import { DEFAULT_SETTINGS } from '../../src/main/core/settings';
import { checkDigit } from '../../src/main/core/hardware/scale-barcodes';
import { must, startCore, type TestCore } from '../support/core';
import { startFakePrinter, type FakePrinter } from '../support/fake-printer';
import { readEscPos } from '../support/escpos-reader';

const OWNER = '8888';
let t: TestCore;
let printer: FakePrinter | undefined;
afterEach(async () => {
  t?.close();
  await printer?.close();
  printer = undefined;
});
const call = async <T>(method: string, input: unknown = {}): Promise<T> =>
  must((await t.core.dispatch(method, input)) as Result<T>);
const code = async (method: string, input: unknown = {}) => {
  const r = await t.core.dispatch(method, input);
  return r.ok ? 'ok' : r.error.code;
};
const withCheck = (body: string) => `${body}${checkDigit(body)}`;

describe('the pole display test', () => {
  it('says the pole is off, then shows its test line on the port, then the sale’s lines again', async () => {
    const written: string[] = [];
    let fail = false;
    t = await startCore({
      openPole: async () => {
        if (fail) throw new Error('COM9: no such port');
        return {
          write: (b) => written.push(b.toString('latin1').slice(5, -1).replace('\r\x1bQB', ' | ')),
          close: () => {},
        };
      },
    });
    expect(await call<PoleTestResult>('devices.poleTest')).toMatchObject({ shown: false, problem: 'off' });
    await call('devices.set', {
      pole: { enabled: true, port: 'COM3', baud: 9600, charset: 'ascii' },
      approvalPin: OWNER,
    });
    const shown = await call<PoleTestResult>('devices.poleTest');
    expect(shown).toMatchObject({ shown: true, problem: null });
    expect(written).toEqual(['POLE TEST 0123456789 | TOTAL          12.34']);
    // the next scan repaints over the test, even though its lines did not change since the last sale view
    await call('cart.scan', { code: '6901939621608' });
    expect(written).toHaveLength(2);
    expect(written[1]).toContain('Coca-Cola');

    fail = true;
    await call('devices.set', {
      pole: { enabled: true, port: 'COM9', baud: 9600, charset: 'ascii' },
      approvalPin: OWNER,
    });
    expect(await call<PoleTestResult>('devices.poleTest')).toMatchObject({
      shown: false,
      problem: 'not-open',
      detail: 'COM9: no such port',
    });
  });
});

describe('reading a sample scale label', () => {
  it('names the product and price as a scan would, by the saved or the draft layouts, and adds nothing', async () => {
    t = await startCore();
    const categoryId = (await call<{ id: number }[]>('catalog.categories'))[0]!.id;
    await call('catalog.saveProduct', {
      sku: '00123',
      nameZh: '苹果',
      nameEn: 'Apples',
      priceFen: 1280,
      unit: 'kg',
      barcode: null,
      categoryId,
      approvalPin: OWNER,
    });
    const weight = withCheck('210012300523'); // apples, 523 g
    // no layout saved: not a scale label
    expect(await call<ScaleReadView>('devices.readScale', { code: weight })).toMatchObject({
      layout: null,
      product: null,
    });
    // a draft layout reads it before it is saved
    const read = await call<ScaleReadView>('devices.readScale', { code: weight, scaleLayouts: ['2FPPPPPWWWWWC'] });
    expect(read).toMatchObject({
      layout: '2FPPPPPWWWWWC',
      plu: '00123',
      weightG: 523,
      amountFen: null,
      chargeFen: 669,
    });
    expect(read.product?.nameEn).toBe('Apples');
    // the same code read as an amount label: ¥5.23
    expect(
      await call<ScaleReadView>('devices.readScale', { code: weight, scaleLayouts: ['2FPPPPPAAAAAC'] }),
    ).toMatchObject({ amountFen: 523, chargeFen: 523 });
    // what the till refuses at a scan is refused here, named
    const bad = weight.slice(0, -1) + String((Number(weight.at(-1)) + 1) % 10);
    expect(await code('devices.readScale', { code: bad, scaleLayouts: ['2FPPPPPWWWWWC'] })).toBe('SCALE_CODE_INVALID');
    expect(await code('devices.readScale', { code: withCheck('210099900523'), scaleLayouts: ['2FPPPPPWWWWWC'] })).toBe(
      'SCALE_UNKNOWN_PRODUCT',
    );
    expect(await code('devices.readScale', { code: weight, scaleLayouts: ['2FAAAAAPPPPPC'] })).toBe('INVALID_INPUT');
    // a product's own barcode is sold as that product, not read as a label
    expect(
      await call<ScaleReadView>('devices.readScale', { code: '6901939621608', scaleLayouts: ['2FPPPPPWWWWWC'] }),
    ).toMatchObject({ ordinary: true, layout: null, product: { nameEn: 'Coca-Cola 330ml' } });
    expect((await call<CartView>('cart.get')).lines).toEqual([]);
  });
});

describe('the store logo on receipts', () => {
  /** a w×h logo: a black frame one dot wide, white inside */
  const frame = (w: number, h: number): ReceiptLogo => {
    const bits = Buffer.alloc((w * h) / 8);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        if (x === 0 || y === 0 || x === w - 1 || y === h - 1) bits[(y * w + x) >> 3]! |= 0x80 >> ((y * w + x) & 7);
    return { width: w, height: h, bits: bits.toString('base64') };
  };

  it('is validated and the owner’s; printed above the receipt at its size, not on a paid-out slip; removed', async () => {
    printer = await startFakePrinter();
    t = await startCore({ poll: false, printerTiming: { connectMs: 500, answerMs: 500, jobMs: 2000 } });
    const lan: PrinterConfig = { ...DEFAULT_SETTINGS.printer, kind: 'network', host: '127.0.0.1', port: printer.port };
    await call('printer.setSettings', { config: lan, approvalPin: OWNER });
    const logo = frame(384, 120);
    expect(await call('printer.logo')).toBeNull();
    expect(await code('printer.setLogo', logo)).toBe('OWNER_APPROVAL_REQUIRED');
    // a width not a multiple of 8, too tall, bytes that do not match the size, not base64
    expect(await code('printer.setLogo', { ...frame(384, 120), width: 380, approvalPin: OWNER })).toBe('INVALID_INPUT');
    expect(await code('printer.setLogo', { ...frame(384, 168), approvalPin: OWNER })).toBe('INVALID_INPUT');
    expect(await code('printer.setLogo', { ...logo, height: 119, approvalPin: OWNER })).toBe('INVALID_INPUT');
    expect(await code('printer.setLogo', { ...logo, bits: `!${logo.bits.slice(1)}`, approvalPin: OWNER })).toBe(
      'INVALID_INPUT',
    );
    expect(await call('printer.logo')).toBeNull();

    await call('printer.setLogo', { ...logo, approvalPin: OWNER });
    expect(await call('printer.logo')).toEqual(logo);
    expect(t.core.audit.list({ action: 'printer.logo' })[0]).toMatchObject({
      before: null,
      after: { width: 384, height: 120 },
    });

    await call('printer.test');
    await printer.idle();
    let read = readEscPos(printer.all());
    expect(read.images.map((i) => [i.width, i.height])).toEqual([[384, 120]]);
    // the bits arrive as sent: the frame's corners black, its middle white
    const img = read.images[0]!;
    expect(img.bits[0]).toBe(0xff);
    expect(img.bits[(60 * 384 + 192) >> 3]).toBe(0);
    expect(img.bits.equals(Buffer.from(logo.bits, 'base64'))).toBe(true);
    expect(read.text).toContain('中文测试：收银小票打印正常');

    // the counter's own slips carry no logo
    printer.jobs.length = 0;
    await call('cashSession.open', { floatFen: 10_000 });
    await call('cashSession.move', { kind: 'in', amountFen: 500, reason: 'change float', approvalPin: OWNER });
    await new Promise((r) => setTimeout(r, 100));
    await printer.idle();
    read = readEscPos(printer.all());
    expect(read.text.some((l) => l.includes('PAID IN') || l.includes('存入'))).toBe(true);
    expect(read.images).toEqual([]);

    expect(await code('printer.removeLogo', {})).toBe('OWNER_APPROVAL_REQUIRED');
    expect(await call('printer.removeLogo', { approvalPin: OWNER })).toBeNull();
    printer.jobs.length = 0;
    await call('printer.test');
    await printer.idle();
    expect(readEscPos(printer.all()).images).toEqual([]);
  });

  it('a logo wider than 58 mm paper prints is left off there, and printed on 80 mm', async () => {
    printer = await startFakePrinter();
    t = await startCore({ poll: false, printerTiming: { connectMs: 500, answerMs: 500, jobMs: 2000 } });
    const lan: PrinterConfig = { ...DEFAULT_SETTINGS.printer, kind: 'network', host: '127.0.0.1', port: printer.port };
    await call('printer.setSettings', { config: { ...lan, width: 58 }, approvalPin: OWNER });
    await call('printer.setLogo', { ...frame(576, 80), approvalPin: OWNER });
    await call('printer.test');
    await printer.idle();
    expect(readEscPos(printer.all()).images).toEqual([]);
    printer.jobs.length = 0;
    await call('printer.setSettings', { config: { ...lan, width: 80 }, approvalPin: OWNER });
    await call('printer.test');
    await printer.idle();
    expect(readEscPos(printer.all()).images.map((i) => [i.width, i.height])).toEqual([[576, 80]]);
  });
});
