/**
 * YeePay's wire format (§1.3): GBK URL-encoded forms both ways, and the command answers as
 * `key=value` lines whose values are GBK URL-encoded.
 */
import iconv from 'iconv-lite';

export type Fields = Record<string, string>;

/** URL-encode in GBK (the forms travel as GBK). */
export function gbkEncode(value: string): string {
  let out = '';
  for (const b of iconv.encode(value, 'gbk')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9*\-._]/.test(c) ? c : c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Java `URLDecoder.decode(v, "GBK")`: `+` is a space, %XX are GBK bytes; raw bytes pass through. */
export function gbkDecode(bytes: Buffer): string {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x2b) out.push(0x20);
    else if (
      b === 0x25 &&
      i + 2 < bytes.length + 0 &&
      /^[0-9A-Fa-f]{2}$/.test(bytes.subarray(i + 1, i + 3).toString('latin1'))
    ) {
      out.push(parseInt(bytes.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else out.push(b);
  }
  return iconv.decode(Buffer.from(out), 'gbk');
}

export function formBody(fields: Fields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${gbkEncode(v)}`)
    .join('&');
}

/** Parse a GBK URL-encoded form (`a=1&b=2`). */
export function parseGbkForm(body: Buffer): Fields {
  const out: Fields = {};
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === 0x26) {
      const part = body.subarray(start, i);
      start = i + 1;
      if (part.length === 0) continue;
      const eq = part.indexOf(0x3d);
      const k = gbkDecode(eq < 0 ? part : part.subarray(0, eq));
      out[k] = eq < 0 ? '' : gbkDecode(part.subarray(eq + 1));
    }
  }
  return out;
}

/** Parse the command answer: `key=value` lines, values GBK URL-encoded; lines without `=` are error text. */
export function parseCommandAnswer(body: Buffer): { fields: Fields; text: string[] } {
  const fields: Fields = {};
  const text: string[] = [];
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === 0x0a) {
      let line = body.subarray(start, i);
      start = i + 1;
      if (line.length && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      if (line.length === 0) continue;
      const eq = line.indexOf(0x3d);
      if (eq <= 0) {
        text.push(iconv.decode(line, 'gbk').trim());
        continue;
      }
      fields[line.subarray(0, eq).toString('latin1').trim()] = gbkDecode(line.subarray(eq + 1));
    }
  }
  return { fields, text };
}
