/**
 * Issue 12: "微信支付支付" — a Chinese message that puts a payment method's name before 支付 doubles
 * it for 微信支付 and 易宝支付. Reads the dictionary's text (the renderer's files are not in the tests'
 * TypeScript project) and fills every message naming a method with each method's name.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const source = readFileSync(resolve(__dirname, '../../src/renderer/src/i18n/zh-cn.ts'), 'utf8');
const messages = [...source.matchAll(/^\s*'([\w.]+)':\s*(?:\n\s*)?'([^']*)'/gm)].map(([, key, text]) => ({
  key: key!,
  text: text!,
}));
const methodNames = messages.filter((m) => m.key.startsWith('method.') && m.key !== 'method.none').map((m) => m.text);

describe('Chinese messages name a payment method once (src/renderer/src/i18n/zh-cn.ts)', () => {
  it('reads the dictionary', () => {
    expect(methodNames).toEqual(expect.arrayContaining(['微信支付', '易宝支付', '支付宝', '现金']));
    expect(messages.length).toBeGreaterThan(500);
  });

  it('no message reads 微信支付支付 or 易宝支付支付 once a method is filled in', () => {
    const doubled: string[] = [];
    for (const m of messages) {
      if (!/\{(provider|method)\}/.test(m.text)) continue;
      for (const name of methodNames) {
        const text = m.text.replaceAll('{provider}', name).replaceAll('{method}', name);
        if (/支付支付/.test(text)) doubled.push(`${m.key}: ${text}`);
      }
    }
    expect(doubled).toEqual([]);
  });
});
