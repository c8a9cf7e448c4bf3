/**
 * PIN hashing in its own thread (src/main/core/people/pin-hash.ts): the same key as `crypto.scrypt`, so
 * every PIN stored before still verifies; checks asked together each get their own answer.
 */
import { scrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scryptPin } from '../../src/main/core/people/pin-hash';

const PARAMS = { N: 16_384, r: 8, p: 1 };

const pool = (pin: string, salt: string) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(pin, salt, 32, PARAMS, (err, key) => (err ? reject(err) : resolve(key))),
  );

describe('PIN hashing thread', () => {
  it("gives crypto.scrypt's key, byte for byte", async () => {
    for (const [pin, salt] of [
      ['1234', '00112233445566778899aabbccddeeff'],
      ['8888', 'f00d'],
      ['12345678', ''],
    ] as const) {
      const key = await scryptPin(pin, salt, 32, PARAMS);
      expect(Buffer.isBuffer(key)).toBe(true);
      expect(key.toString('hex')).toBe((await pool(pin, salt)).toString('hex'));
    }
  });

  it('answers each of several checks asked at once with its own key', async () => {
    const pins = ['1111', '2222', '3333', '4444', '5555'];
    const keys = await Promise.all(pins.map((pin) => scryptPin(pin, 'salt', 32, PARAMS)));
    const expected = await Promise.all(pins.map((pin) => pool(pin, 'salt')));
    expect(keys.map((k) => k.toString('hex'))).toEqual(expected.map((k) => k.toString('hex')));
  });

  it('refuses parameters scrypt refuses, and keeps working after', async () => {
    await expect(scryptPin('1234', 'salt', 32, { N: 3, r: 8, p: 1 })).rejects.toThrow();
    expect((await scryptPin('1234', 'salt', 32, PARAMS)).toString('hex')).toBe(
      (await pool('1234', 'salt')).toString('hex'),
    );
  });
});
