/**
 * Issue 9, defect 10: a NUL (and other control characters, and the bidi overrides that make text
 * read differently from what it holds) passed the contract in free text and surfaced later, e.g. as
 * a raw SQLite CHECK error (`cashSession.move` reason `a\u0000b`: SQLite's length() stops at the
 * NUL). Every free-text field now refuses them as INVALID_INPUT naming the field, before anything is
 * written; Chinese, emoji and multi-line notes and PEM keys still pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contract } from '../../src/shared/contract';
import { shortPrefix } from '../../src/shared/text';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
beforeAll(async () => {
  t = await startCore({ poll: false });
});
afterAll(() => t?.close());

const OWNER = '8888';
/** refused in every free-text field (the last two: lone surrogates, half a UTF-16 pair) */
const ALWAYS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u2066',
  '\u2069',
  '\ud800',
  '\udfff',
];
/** refused where the text is one line (names, codes, search) */
const LINE_BREAKS = ['\t', '\n', '\r'];
const bad = (c: string) => `收银 ok${c}text`;

type Build = (v: string) => Record<string, unknown>;
/** every free-text field of the contract: method, field (as INVALID_INPUT names it), a valid call around it, one line or not */
const FIELDS: [method: string, field: string, build: Build, oneLine: boolean][] = [
  ['catalog.search', 'query', (v) => ({ query: v }), true],
  ['catalog.adminProducts', 'query', (v) => ({ query: v }), true],
  ...(['barcode', 'nameZh', 'nameEn', 'unit'] as const).map((f): [string, string, Build, boolean] => [
    'catalog.saveProduct',
    f,
    (v) => ({
      sku: 'NEW-1',
      barcode: null,
      nameZh: '新品',
      nameEn: 'New',
      categoryId: 1,
      priceFen: 100,
      unit: '瓶',
      approvalPin: OWNER,
      [f]: v,
    }),
    true,
  ]),
  ...(['nameZh', 'nameEn'] as const).map((f): [string, string, Build, boolean] => [
    'catalog.saveCategory',
    f,
    (v) => ({ code: 'newcat', nameZh: '新类', nameEn: 'New', color: '#336699', approvalPin: OWNER, [f]: v }),
    true,
  ]),
  [
    'catalog.adjustStock',
    'reason',
    (v) => ({ productId: 1, mode: 'delta', value: 1, reason: v, approvalPin: OWNER }),
    true,
  ],
  ['cart.scan', 'code', (v) => ({ code: v }), true],
  ['cart.park', 'label', (v) => ({ label: v }), true],
  ['auth.addUser', 'name', (v) => ({ name: v, role: 'clerk', pin: '2468', approvalPin: OWNER }), true],
  ['cashSession.zList', 'terminal', (v) => ({ terminal: v }), true],
  [
    'settings.setPayment',
    'fields',
    (v) => ({ provider: 'alipay', enabled: false, target: 'embedded', environment: 'sandbox', fields: { [v]: 'x' } }),
    true,
  ],
  ['payments.override', 'note', (v) => ({ attemptId: 1, note: v, approvalPin: OWNER }), false],
  [
    'exceptions.resolve',
    'note',
    (v) => ({ exceptionId: 1, resolution: 'dismiss', note: v, approvalPin: OWNER }),
    false,
  ],
  ['recon.resolve', 'note', (v) => ({ itemId: 1, resolution: 'accepted', note: v, approvalPin: OWNER }), false],
  ['drawer.open', 'reason', (v) => ({ reason: v, approvalPin: OWNER }), false],
  [
    'refunds.create',
    'reason',
    (v) => ({ orderId: 1, kind: 'full', restock: false, reason: v, requestKey: 'req-00000001', approvalPin: OWNER }),
    false,
  ],
  ['cashSession.move', 'reason', (v) => ({ kind: 'in', amountFen: 100, reason: v }), false],
  ['cashSession.close', 'varianceReason', (v) => ({ denominations: {}, varianceReason: v, approvalPin: OWNER }), false],
  [
    'settings.setPayment',
    'fields.appId',
    (v) => ({ provider: 'alipay', enabled: false, target: 'embedded', environment: 'sandbox', fields: { appId: v } }),
    false,
  ],
  [
    'settings.setPayment',
    'secrets.privateKey',
    (v) => ({
      provider: 'alipay',
      enabled: false,
      target: 'embedded',
      environment: 'sandbox',
      fields: {},
      secrets: { privateKey: v },
    }),
    false,
  ],
];

const changes = () => (t.core.store.sqlite.prepare('select total_changes() as n').get() as { n: number }).n;

describe('control characters in free text are refused at the contract', () => {
  it('the reported case: a paid-in reason with a NUL is INVALID_INPUT on reason, not a SQLite error', async () => {
    must(await t.core.dispatch('cashSession.open', { floatFen: 10_000 }));
    const before = changes();
    const r = await t.core.dispatch('cashSession.move', { kind: 'in', amountFen: 100, reason: 'a\u0000b' });
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'reason', method: 'cashSession.move' },
    });
    expect(changes()).toBe(before);
    // and the same reason without the NUL is taken
    must(
      await t.core.dispatch('cashSession.move', { kind: 'in', amountFen: 100, reason: 'change\nfrom the bank 银行' }),
    );
  });

  for (const [method, field, build, oneLine] of FIELDS) {
    it(`${method} ${field}: refused as INVALID_INPUT naming the field, nothing written`, async () => {
      for (const c of [...ALWAYS, ...(oneLine ? LINE_BREAKS : [])]) {
        const before = changes();
        const r = await t.core.dispatch(method, build(bad(c)));
        expect(r.ok, `${method} ${field} took U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe('INVALID_INPUT');
          expect(String(r.error.details?.field)).toBe(field === 'fields' ? `fields.${shortPrefix(bad(c))}` : field);
          // the message names the rule, never the bad text
          expect(r.error.message).not.toContain(c === '\u0000' ? '\u0000' : bad(c));
        }
        expect(changes()).toBe(before);
      }
    });
  }

  it('every string in the contract refuses control characters: none is free text without the check', () => {
    const holes: string[] = [];
    const walk = (schema: z.ZodType, path: string): void => {
      const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
      switch (def.type) {
        case 'object':
          for (const [k, v] of Object.entries(def.shape as Record<string, z.ZodType>)) walk(v, `${path}.${k}`);
          return;
        case 'optional':
        case 'nullable':
        case 'default':
          return walk(def.innerType as z.ZodType, path);
        case 'array':
          return walk(def.element as z.ZodType, `${path}[]`);
        case 'record':
          walk(def.keyType as z.ZodType, `${path}{key}`);
          return walk(def.valueType as z.ZodType, `${path}{}`);
        case 'union':
          for (const o of def.options as z.ZodType[]) walk(o, path);
          return;
        case 'pipe':
          return walk(def.in as z.ZodType, path);
        case 'string':
          for (const c of ALWAYS)
            for (const v of [bad(c), `ABCD-${c}-1234`, `${c}`])
              if (schema.safeParse(v).success) holes.push(`${path} takes U+${c.codePointAt(0)!.toString(16)}`);
          return;
        default:
          return;
      }
    };
    for (const [name, m] of Object.entries(contract)) walk(m.input as z.ZodType, name);
    expect(holes).toEqual([]);
  });

  it('nothing legitimate is refused: Chinese, emoji, a multi-line note, a PEM key', async () => {
    const ok = (method: keyof typeof contract, input: unknown) =>
      expect(contract[method].input.safeParse(input).success).toBe(true);
    ok('catalog.saveProduct', {
      sku: 'TEA-1',
      barcode: null,
      nameZh: '🍵 铁观音 (特级)',
      nameEn: 'Tieguanyin tea — “premium” 🍵',
      categoryId: 1,
      priceFen: 100,
      unit: '袋',
      approvalPin: OWNER,
    });
    ok('auth.addUser', { name: '王芳 👩‍💼 مرحبا', role: 'clerk', pin: '2468' });
    ok('payments.override', {
      attemptId: 1,
      note: 'Customer showed the receipt.\nPaid twice;\tkeep the cash.\r\n顾客已付款。',
    });
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\r\n+/abc=\n-----END PRIVATE KEY-----\n';
    ok('settings.setPayment', {
      provider: 'alipay',
      enabled: true,
      target: 'custom',
      environment: 'production',
      fields: { appId: '2021000100000001', gatewayUrl: 'https://openapi.alipay.com/gateway.do' },
      secrets: { privateKey: pem, alipayPublicKey: null },
    });
    must(
      await t.core.dispatch('catalog.saveProduct', {
        sku: 'TEA-1',
        barcode: null,
        nameZh: '🍵 铁观音',
        nameEn: 'Tieguanyin 🍵',
        categoryId: 1,
        priceFen: 100,
        unit: '袋',
        approvalPin: OWNER,
      }),
    );
    expect(t.core.catalog.findByCode('TEA-1')?.nameZh).toBe('🍵 铁观音');
  });

  it('a bad value quoted in a message is a short prefix, controls shown as U+FFFD', () => {
    expect(shortPrefix('x'.repeat(1_000_000))).toBe(`${'x'.repeat(40)}…`);
    expect(shortPrefix('a\u0000b\u202ec')).toBe('a\uFFFDb\uFFFDc');
    expect(shortPrefix('可口可乐 🍵')).toBe('可口可乐 🍵');
    expect(shortPrefix('x\ud800y')).toBe('x\uFFFDy');
  });
});
