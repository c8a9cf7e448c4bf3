/**
 * The statement zip reader: what it unpacks, and what it refuses (damage, truncation, encryption,
 * unknown compression, zip bombs). The zips are built with jszip, a writer independent of the reader.
 */
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { readZip, ZipError, ZIP_LIMITS } from '../../../src/main/intermediaries/zip';

type Files = Record<string, string | Buffer>;

async function zipOf(files: Files, opts: { store?: boolean; gbkNames?: boolean } = {}): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, data] of Object.entries(files)) zip.file(name, data);
  return zip.generateAsync({
    type: 'nodebuffer',
    compression: opts.store ? 'STORE' : 'DEFLATE',
    // jszip writes the bytes returned (its types say string) and sets no UTF-8 flag for them
    ...(opts.gbkNames ? { encodeFileName: (n: string) => iconv.encode(n, 'gbk') as unknown as string } : {}),
  });
}

/** The offset of the first central directory entry (from the end-of-central-directory record). */
function centralDirectory(zip: Buffer): number {
  return zip.readUInt32LE(zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) + 16);
}

const refusal = (zip: Buffer, limits = ZIP_LIMITS): string => {
  try {
    readZip(zip, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(ZipError);
    return (err as Error).message;
  }
  throw new Error('the zip was read');
};

describe('readZip', () => {
  it('unpacks stored and deflated entries, skipping directories', async () => {
    const csv = 'x,y\r\n1,2\r\n';
    const bytes = Buffer.from([0, 1, 2, 255]);
    for (const store of [false, true]) {
      const zip = new JSZip();
      zip.file('a.csv', csv);
      zip.folder('dir')!.file('b.txt', bytes);
      const entries = readZip(
        await zip.generateAsync({ type: 'nodebuffer', compression: store ? 'STORE' : 'DEFLATE' }),
      );
      expect(entries.map((e) => e.name)).toEqual(['a.csv', 'dir/b.txt']);
      expect(entries[0]!.data.toString('utf8')).toBe(csv);
      expect(entries[1]!.data).toEqual(bytes);
    }
  });

  it('reads names as UTF-8 when flagged, else as GBK (as Alipay writes them)', async () => {
    const name = '20880000000000010156_20261126_业务明细.csv';
    const utf8 = readZip(await zipOf({ [name]: 'x' }));
    expect(utf8.map((e) => e.name)).toEqual([name]);
    const gbk = await zipOf({ [name]: 'x' }, { gbkNames: true });
    expect(gbk.includes(iconv.encode(name, 'gbk'))).toBe(true);
    expect(readZip(gbk).map((e) => e.name)).toEqual([name]);
  });

  it('refuses what is not a zip, a truncated one, and damage the CRC-32 or the inflater finds', async () => {
    expect(refusal(Buffer.from('not a zip at all, but long enough'))).toMatch(/not a zip archive/);
    expect(refusal(Buffer.from('PK\x03\x04garbage, and long enough to search'))).toMatch(/truncated/);
    const text = 'a line of a statement\r\n'.repeat(200);
    const deflated = await zipOf({ 'a.csv': text });
    expect(refusal(deflated.subarray(0, deflated.length - 10))).toMatch(/truncated|damaged/);
    expect(refusal(deflated.subarray(0, Math.floor(deflated.length / 2)))).toMatch(/truncated|damaged/);
    // one byte of a stored entry changed: same size, another CRC-32
    const stored = await zipOf({ 'a.csv': text }, { store: true });
    const at = stored.indexOf('a line of');
    const flipped = Buffer.from(stored);
    flipped[at] = 'A'.charCodeAt(0);
    expect(refusal(flipped)).toMatch(/a\.csv is damaged \(CRC mismatch\)/);
    // the deflate stream itself damaged
    const broken = Buffer.from(deflated);
    const data = 30 + broken.readUInt16LE(26) + broken.readUInt16LE(28);
    broken.fill(0xff, data, data + 8);
    expect(refusal(broken)).toMatch(/a\.csv is (damaged|truncated)/);
  });

  it('refuses an encrypted entry and an unknown compression method', async () => {
    const zip = await zipOf({ 'a.csv': 'x' });
    const cd = centralDirectory(zip);
    const encrypted = Buffer.from(zip);
    encrypted.writeUInt16LE(encrypted.readUInt16LE(cd + 8) | 0x1, cd + 8);
    expect(refusal(encrypted)).toMatch(/a\.csv is encrypted/);
    const bzip2 = Buffer.from(zip);
    bzip2.writeUInt16LE(12, cd + 10);
    expect(refusal(bzip2)).toMatch(/unsupported compression method 12/);
  });

  it('refuses a zip bomb before unpacking it: too many entries, too many bytes, or more than declared', async () => {
    const zeros = Buffer.alloc(1024 * 1024);
    const bomb = await zipOf({ 'a.bin': zeros, 'b.bin': zeros });
    expect(bomb.length).toBeLessThan(20_000);
    expect(readZip(bomb)).toHaveLength(2);
    expect(refusal(bomb, { maxEntries: 1, maxBytes: ZIP_LIMITS.maxBytes })).toMatch(/2 entries, more than the 1/);
    expect(refusal(bomb, { maxEntries: 64, maxBytes: 1_500_000 })).toMatch(/unpacks to more than 1500000 bytes/);
    // the central directory says 1 KiB, the stream holds 1 MiB: inflating stops at the declared size
    const lying = Buffer.from(await zipOf({ 'a.bin': zeros }));
    lying.writeUInt32LE(1024, centralDirectory(lying) + 24);
    expect(refusal(lying)).toMatch(/a\.bin is damaged \(it unpacks to more than its declared 1024 bytes\)/);
  });
});
