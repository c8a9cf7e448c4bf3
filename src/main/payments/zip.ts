/**
 * A small synchronous zip reader for the Alipay bill (stored or deflated entries, no zip64, no
 * encryption). `PaymentProvider.parseStatement` is synchronous and pure, and jszip only reads
 * asynchronously, so this reader uses node:zlib directly; the tests build their zips with jszip, an
 * independent writer. Every entry's size and CRC-32 are checked, so a truncated or damaged archive is
 * refused rather than half-read.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

export function readZip(buf: Buffer): ZipEntry[] {
  if (buf.length < 22) throw new ZipError('not a zip archive (too short)');
  if (buf.readUInt32LE(0) !== LOC && buf.readUInt32LE(0) !== EOCD)
    throw new ZipError('not a zip archive (no local header at the start)');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('the zip archive is truncated (no end-of-central-directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (cdOffset + cdSize > eocd) throw new ZipError('the zip archive is damaged (central directory out of bounds)');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== CEN)
      throw new ZipError('the zip archive is damaged (bad central directory entry)');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const nameBytes = buf.subarray(p + 46, p + 46 + nameLen);
    const name = flags & 0x800 ? nameBytes.toString('utf8') : iconv.decode(nameBytes, 'gbk');
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 0x1) throw new ZipError(`zip entry ${name} is encrypted`);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOC)
      throw new ZipError(`zip entry ${name} is damaged (bad local header)`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + compSize > buf.length) throw new ZipError(`zip entry ${name} is truncated`);
    const raw = buf.subarray(start, start + compSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch {
        throw new ZipError(`zip entry ${name} is damaged (cannot inflate)`);
      }
    } else throw new ZipError(`zip entry ${name} uses unsupported compression method ${method}`);
    if (data.length !== size)
      throw new ZipError(`zip entry ${name} is truncated (size ${data.length}, expected ${size})`);
    if (crc32(data) >>> 0 !== crc >>> 0) throw new ZipError(`zip entry ${name} is damaged (CRC mismatch)`);
    if (!name.endsWith('/')) entries.push({ name, data });
  }
  return entries;
}
