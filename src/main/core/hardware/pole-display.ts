/**
 * The pole display (客显): a 2×20 character display facing the customer on a serial port, driven
 * with the CD5220 command set most of them speak (`ESC @` reset, `ESC Q A … CR` the upper line,
 * `ESC Q B … CR` the lower line). It shows what the customer display shows, in two lines: the item
 * and its price on a scan, the total once the order is confirmed, what was paid and the change.
 * Chinese in GB18030 where the display has a Chinese font (`charset: 'gb18030'`), else English in
 * ASCII ("TOTAL 12.50"). The port is opened only when the owner turned it on; its list
 * (`SerialPort.list()`, which stops the process where `udevadm` is missing) is never asked for.
 */
import iconv from 'iconv-lite';
import type { PoleTestResult } from '../../../shared/device-types';
import type { CustomerView, PoleDisplaySettings } from '../../../shared/types';

export const POLE_COLUMNS = 20;
const ESC = 0x1b;
const CR = 0x0d;

/** Display columns of a character: 2 for CJK and fullwidth forms (two cells on a 5×7 pole), else 1. */
function columns(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6)
    ? 2
    : 1;
}

/** `text` cut to fit `width` columns (a wide character never split), then padded with spaces. */
export function fit(text: string, width = POLE_COLUMNS): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = columns(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out + ' '.repeat(width - used);
}

/** `label` on the left, `value` on the right of one line. */
export function spread(label: string, value: string, width = POLE_COLUMNS): string {
  const valueWidth = [...value].reduce((a, ch) => a + columns(ch), 0);
  return fit(fit(label, Math.max(0, width - valueWidth - 1)).trimEnd(), width - valueWidth) + value;
}

/** 1250 → "12.50" (the pole has no ¥ in ASCII). */
export function amount(fen: number): string {
  const a = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** The two lines for what the customer display shows. */
export function poleLines(view: CustomerView, charset: PoleDisplaySettings['charset']): [string, string] {
  const zh = charset === 'gb18030';
  switch (view.phase) {
    case 'idle':
      return [fit(zh ? '欢迎光临' : 'WELCOME'), fit(zh ? view.storeName : asciiOnly(view.storeName))];
    case 'cart': {
      const last = view.lines[view.lines.length - 1];
      if (!last) return [spread(zh ? '合计' : 'TOTAL', amount(view.totalFen)), fit('')];
      const name = zh ? last.nameZh : asciiOnly(last.nameEn);
      const price =
        last.weightG !== null
          ? `${(last.weightG / 1000).toFixed(3)}kg ${amount(last.totalFen)}`
          : last.qty > 1
            ? `${last.qty}x${amount(last.unitPriceFen)} ${amount(last.totalFen)}`
            : amount(last.totalFen);
      return [fit(name), spread(zh ? '价格' : 'PRICE', price)];
    }
    case 'pay':
      return [
        spread(zh ? '合计' : 'TOTAL', amount(view.totalFen)),
        fit(view.qr ? (zh ? '请扫码付款' : 'SCAN TO PAY') : ''),
      ];
    case 'paid': {
      const paid = view.paid;
      if (paid?.changeFen != null && paid.tenderedFen != null)
        return [
          spread(zh ? '实收' : 'PAID', amount(paid.tenderedFen)),
          spread(zh ? '找零' : 'CHANGE', amount(paid.changeFen)),
        ];
      return [spread(zh ? '已付' : 'PAID', amount(view.totalFen)), fit(zh ? '谢谢惠顾' : 'THANK YOU')];
    }
    case 'declined':
      return [fit(zh ? '支付未成功' : 'PAYMENT DECLINED'), spread(zh ? '应付' : 'DUE', amount(view.totalFen))];
  }
}

/** The test's two lines: every column used, so a display cut short or garbled shows it. */
export function poleTestLines(charset: PoleDisplaySettings['charset']): [string, string] {
  return charset === 'gb18030'
    ? [fit('客显测试 TEST 123456'), spread('合计', amount(1234))]
    : [fit('POLE TEST 0123456789'), spread('TOTAL', amount(1234))];
}

/** English names may hold characters an ASCII pole cannot draw: they become `?`. */
function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** The bytes that put two lines on a CD5220-style display. */
export function poleBytes([upper, lower]: [string, string], charset: PoleDisplaySettings['charset']): Buffer {
  const enc = (s: string) => (charset === 'gb18030' ? iconv.encode(s, 'gb18030') : Buffer.from(asciiOnly(s), 'ascii'));
  return Buffer.concat([
    Buffer.from([ESC, 0x40]), // ESC @: reset (clears both lines)
    Buffer.from([ESC, 0x51, 0x41]), // ESC Q A: the upper line
    enc(upper),
    Buffer.from([CR]),
    Buffer.from([ESC, 0x51, 0x42]), // ESC Q B: the lower line
    enc(lower),
    Buffer.from([CR]),
  ]);
}

/** Where the bytes go: a serial port (production) or a fake stream (tests). */
export interface PoleSink {
  write(bytes: Buffer): void;
  close(): void;
}

export type OpenPole = (settings: PoleDisplaySettings, log: (line: string) => void) => Promise<PoleSink>;

/** Opens the serial port with `serialport`, loaded only now (its native binding is not needed otherwise). */
export const openSerialPole: OpenPole = async (settings, log) => {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path: settings.port, baudRate: settings.baud, autoOpen: false });
  await new Promise<void>((done, fail) => port.open((err) => (err ? fail(err) : done())));
  port.on('error', (err: Error) => log(`pole display ${settings.port}: ${err.message}`));
  return {
    write: (bytes) => void port.write(bytes),
    close: () => port.close(() => undefined),
  };
};

/** Follows the customer display on the pole, when the owner turned it on; never stops a sale. */
export class PoleDisplay {
  private sink: PoleSink | null = null;
  private settings: PoleDisplaySettings | null = null;
  private last: string | null = null;
  private opening: Promise<void> = Promise.resolve();
  /** why the port did not open (its own words), for the owner's test */
  private openProblem: string | null = null;

  constructor(
    private readonly open: OpenPole,
    private readonly log: (line: string) => void,
  ) {}

  /** (Re)opens the port for these settings, or closes it when the pole is off. */
  configure(settings: PoleDisplaySettings): Promise<void> {
    this.opening = this.opening.then(async () => {
      this.sink?.close();
      this.sink = null;
      this.last = null;
      this.openProblem = null;
      this.settings = settings.enabled && settings.port ? settings : null;
      if (!this.settings) return;
      try {
        this.sink = await this.open(this.settings, this.log);
      } catch (err) {
        this.openProblem = (err as Error).message;
        this.log(`pole display ${settings.port} could not be opened: ${(err as Error).message}`);
      }
    });
    return this.opening;
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  /** Shows `view`, unless the lines are those already shown. */
  show(view: CustomerView): void {
    if (!this.sink || !this.settings) return;
    const lines = poleLines(view, this.settings.charset);
    const key = lines.join('\n');
    if (key === this.last) return;
    this.last = key;
    try {
      this.sink.write(poleBytes(lines, this.settings.charset));
    } catch (err) {
      this.log(`pole display: ${(err as Error).message}`);
    }
  }

  /**
   * The owner's test from Settings: a line the owner can read from the counter. The next sale's
   * lines are always sent again afterwards (the test overwrote what was shown).
   */
  async test(charset: PoleDisplaySettings['charset']): Promise<PoleTestResult> {
    await this.opening;
    const cs = this.settings?.charset ?? charset;
    const lines = poleTestLines(cs);
    if (!this.settings) return { shown: false, lines, problem: 'off', detail: null };
    if (!this.sink) return { shown: false, lines, problem: 'not-open', detail: this.openProblem };
    this.last = null;
    try {
      this.sink.write(poleBytes(lines, cs));
    } catch (err) {
      return { shown: false, lines, problem: 'not-open', detail: (err as Error).message };
    }
    return { shown: true, lines, problem: null, detail: null };
  }

  close(): void {
    this.sink?.close();
    this.sink = null;
  }
}
