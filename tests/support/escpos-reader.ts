/**
 * A small ESC/POS reader for the tests: decodes the bytes a printer was sent into text lines (the
 * Chinese decoded from the code page) and reports the commands a test asserts — the cut, the QR
 * and barcode data, the drawer pulses, bold and double height per line, and each line's display
 * width (Chinese counts two columns), and raster images (`GS v 0`, the store logo) with their size
 * and bits. Unknown commands are an error, so a stray byte is noticed.
 */
import iconv from 'iconv-lite';

export interface ReadLine {
  text: string;
  /** display columns (a double-byte character is two) */
  width: number;
  bold: boolean;
  big: boolean;
}

export interface Read {
  lines: ReadLine[];
  /** the text lines alone */
  text: string[];
  qr: string[];
  barcodes: string[];
  /** `ESC p m t1 t2`: pin 2 is m = 0, pin 5 is m = 1; t in 2 ms units */
  pulses: { pin: 2 | 5; onMs: number; offMs: number }[];
  cuts: number;
  /** `FS &` seen: the printer is in Chinese mode */
  chinese: boolean;
  inits: number;
  /** `GS v 0` raster images: width in dots (bytes a row × 8), height in rows, the packed bits */
  images: { width: number; height: number; bits: Buffer }[];
}

export function readEscPos(data: Uint8Array, codePage = 'gb18030'): Read {
  const b = Buffer.from(data);
  const out: Read = {
    lines: [],
    text: [],
    qr: [],
    barcodes: [],
    pulses: [],
    cuts: 0,
    chinese: false,
    inits: 0,
    images: [],
  };
  let text: number[] = [];
  let bold = false;
  let big = false;
  let lineBold = false;
  let lineBig = false;
  const endLine = () => {
    const s = iconv.decode(Buffer.from(text), codePage);
    let width = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as number;
      if (c < 0x80) width += 1;
      else {
        width += 2;
        // GB18030: two bytes, or four when the second is a digit
        const second = text[i + 1] as number;
        i += second >= 0x30 && second <= 0x39 ? 3 : 1;
      }
    }
    out.lines.push({ text: s, width, bold: lineBold, big: lineBig });
    out.text.push(s);
    text = [];
    lineBold = false;
    lineBig = false;
  };
  let i = 0;
  const at = (k: number) => b[i + k] as number;
  while (i < b.length) {
    const c = at(0);
    if (c === 0x0a) {
      endLine();
      i += 1;
    } else if (c === 0x0d) i += 1;
    else if (c === 0x1b) {
      const cmd = at(1);
      if (cmd === 0x40) {
        out.inits++;
        i += 2;
      } else if (cmd === 0x45) {
        bold = at(2) === 1;
        i += 3;
      } else if (cmd === 0x4d || cmd === 0x61 || cmd === 0x74 || cmd === 0x2d || cmd === 0x47 || cmd === 0x33) i += 3;
      else if (cmd === 0x64) i += 3;
      else if (cmd === 0x32) i += 2;
      else if (cmd === 0x70) {
        out.pulses.push({ pin: at(2) === 1 ? 5 : 2, onMs: at(3) * 2, offMs: at(4) * 2 });
        i += 5;
      } else throw new Error(`unknown ESC 0x${cmd.toString(16)} at ${i}`);
    } else if (c === 0x1d) {
      const cmd = at(1);
      if (cmd === 0x21) {
        big = (at(2) & 0x0f) > 0;
        i += 3;
      } else if (cmd === 0x56) {
        out.cuts++;
        i += at(2) >= 0x41 ? 4 : 3;
      } else if (cmd === 0x28 && at(2) === 0x6b) {
        const len = at(3) + at(4) * 256;
        const fn = at(6);
        if (at(5) === 0x31 && fn === 0x50) out.qr.push(b.subarray(i + 8, i + 5 + len).toString('latin1'));
        i += 5 + len;
      } else if (cmd === 0x76 && at(2) === 0x30) {
        const rowBytes = at(4) + at(5) * 256;
        const rows = at(6) + at(7) * 256;
        out.images.push({ width: rowBytes * 8, height: rows, bits: b.subarray(i + 8, i + 8 + rowBytes * rows) });
        i += 8 + rowBytes * rows;
      } else if (cmd === 0x68 || cmd === 0x77 || cmd === 0x48 || cmd === 0x66 || cmd === 0x42) i += 3;
      else if (cmd === 0x6b) {
        const m = at(2);
        if (m >= 65) {
          const n = at(3);
          const raw = b.subarray(i + 4, i + 4 + n).toString('latin1');
          out.barcodes.push(m === 73 ? raw.replace(/^\{B/, '').replace(/\{[A-C]/g, '') : raw);
          i += 4 + n;
        } else {
          const end = b.indexOf(0, i + 3);
          out.barcodes.push(b.subarray(i + 3, end).toString('latin1'));
          i = end + 1;
        }
      } else throw new Error(`unknown GS 0x${cmd.toString(16)} at ${i}`);
    } else if (c === 0x1c) {
      const cmd = at(1);
      if (cmd === 0x26) out.chinese = true;
      else if (cmd === 0x2e) out.chinese = false;
      i += 2;
    } else if (c === 0x10 && at(1) === 0x04) i += 3;
    else if (c < 0x20) throw new Error(`unknown control 0x${c.toString(16)} at ${i}`);
    else {
      text.push(c);
      lineBold ||= bold;
      lineBig ||= big;
      i += 1;
    }
  }
  if (text.length) endLine();
  return out;
}
