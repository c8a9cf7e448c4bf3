/**
 * Display width on a receipt printer in Chinese mode: a character the code page encodes in one byte
 * takes one column, any wider one (汉字, full-width punctuation, ×) two. Measured through the
 * code page itself, so what is counted is what the printer prints.
 */
import iconv from 'iconv-lite';
import type { PrinterCodePage } from '../../../shared/types';

const cache = new Map<string, number>();
/** C0 and C1 controls, DEL included */
// eslint-disable-next-line no-control-regex -- the control characters are what it finds
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * C0/C1 controls become spaces: a name must never carry a printer command (ESC, GS, DLE…) to the
 * printer. `¥` and `−` have no two-byte GBK form (many printers lack GB18030's four-byte range):
 * the full-width `￥` and `-` are printed instead.
 */
export function printable(s: string): string {
  return s
    .replace(CONTROLS, ' ')
    .replace(/¥/g, '￥')
    .replace(/\u2212/g, '-');
}

export function charWidth(ch: string, codePage: PrinterCodePage): number {
  const key = `${codePage}:${ch}`;
  let w = cache.get(key);
  if (w === undefined) {
    w = iconv.encode(ch, codePage).length > 1 ? 2 : 1;
    cache.set(key, w);
  }
  return w;
}

export function displayWidth(s: string, codePage: PrinterCodePage): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch, codePage);
  return w;
}

/**
 * Wraps text to `width` columns: English breaks at a space where it can, Chinese anywhere; a word
 * longer than the line is cut. Never returns an empty list.
 */
export function wrap(text: string, width: number, codePage: PrinterCodePage): string[] {
  const out: string[] = [];
  let line = '';
  let w = 0;
  for (const ch of printable(text)) {
    const cw = charWidth(ch, codePage);
    if (w + cw > width) {
      const space = line.lastIndexOf(' ');
      if (ch !== ' ' && space > 0 && /[\x21-\x7e]$/.test(line)) {
        out.push(line.slice(0, space).trimEnd());
        line = line.slice(space + 1);
        w = displayWidth(line, codePage);
      } else {
        out.push(line.trimEnd());
        line = '';
        w = 0;
      }
      if (ch === ' ') continue;
    }
    line += ch;
    w += cw;
  }
  if (line.trim() || out.length === 0) out.push(line.trimEnd());
  return out;
}

/** `left` and `right` on one line of `width` columns, `right` flush right; a long `left` wraps above it. */
export function pair(left: string, right: string, width: number, codePage: PrinterCodePage): string[] {
  const rw = displayWidth(right, codePage);
  const room = Math.max(4, width - rw - 1);
  const lines = wrap(left, room, codePage);
  const first = lines[0] ?? '';
  const gap = width - displayWidth(first, codePage) - rw;
  return [first + ' '.repeat(Math.max(1, gap)) + right, ...lines.slice(1)];
}

export function center(text: string, width: number, codePage: PrinterCodePage): string[] {
  return wrap(text, width, codePage).map((l) => {
    const pad = Math.floor((width - displayWidth(l, codePage)) / 2);
    return ' '.repeat(Math.max(0, pad)) + l;
  });
}
