import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isPaymentCodeOf,
  maskPaymentCode,
  normalisePaymentCode,
  recognisePaymentCode,
} from '../../src/shared/payment-code';

const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));

describe('the payment-code recogniser (docs/protocols.md §2.5, §3.3)', () => {
  it('tells Alipay from WeChat Pay by prefix and length', () => {
    expect(recognisePaymentCode('281234567890123456')).toBe('alipay'); // 18 digits, 28…: Alipay, not WeChat
    expect(recognisePaymentCode('2512345678901234')).toBe('alipay'); // 16
    expect(recognisePaymentCode('301234567890123456789012')).toBe('alipay'); // 24
    expect(recognisePaymentCode('fp1234567890')).toBe('alipay');
    expect(recognisePaymentCode('134567890123456789')).toBe('wechat'); // 18, 13…
    expect(recognisePaymentCode('101234567890123456')).toBe('wechat');
  });

  it('refuses what is neither', () => {
    for (const bad of [
      '',
      '6901234567892', // an EAN-13 barcode
      '251234567890123', // 15 digits
      '3012345678901234567890123', // 25 digits
      '311234567890123456', // 31…
      '161234567890123456', // 16… is no WeChat prefix
      '13456789012345678', // 17 digits
      '1345678901234567890', // 19 digits
      '13456789012345678a',
      'FP1234567890',
    ])
      expect(recognisePaymentCode(bad), bad).toBeNull();
  });

  it('answers for one provider as it recognises', () => {
    fc.assert(
      fc.property(fc.constantFrom('25', '28', '30', '10', '15', '16', '31', '69'), digits(16), (prefix, rest) => {
        const code = prefix + rest;
        const who = recognisePaymentCode(code);
        return (
          isPaymentCodeOf('alipay', code) === (who === 'alipay') &&
          isPaymentCodeOf('wechat', code) === (who === 'wechat') &&
          !isPaymentCodeOf('yeepay', code)
        );
      }),
    );
  });

  it('drops spaces and never shows a code whole', () => {
    expect(normalisePaymentCode(' 1345 6789 0123 4567 89\n')).toBe('134567890123456789');
    expect(maskPaymentCode('134567890123456789')).toBe('1345**********6789');
    expect(maskPaymentCode('1234')).toBe('***4');
    fc.assert(
      fc.property(digits(18), (code) => {
        const m = maskPaymentCode(code);
        return m.length === code.length && m !== code && m.slice(4, -4) === '*'.repeat(10);
      }),
    );
  });
});
