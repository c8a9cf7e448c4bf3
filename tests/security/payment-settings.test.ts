/**
 * Issue 9, defects 1 and 9: where money goes is the owner's, and a production gateway is https.
 *
 * The attack: the clerk, signed in at the till, calls `settings.setPayment` directly and points
 * WeChat Pay at a gateway they control, marked "production" so the SANDBOX badge goes off; a sale
 * then "paid" through it would be marked paid with no money received. Main must refuse the clerk
 * without the owner's PIN, save nothing, and audit every change it does save (keys by fingerprint
 * only). Plain http:// is refused for production, whoever asks; a sandbox on loopback may use it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/core';
import { FileSecretStore, fingerprint } from '../../src/main/core/secrets';
import { isLoopbackHost } from '../../src/main/intermediaries/config';
import type { ErrorCode } from '../../src/shared/errors';
import type { AppInfo, ProviderSettingsView } from '../../src/shared/types';
import { startCore, tempDir, type TestCore } from '../support/core';

const OWNER_PIN = '8888';
/** the embedded sandbox's address: settings build clients from it without calling it */
const SANDBOX = 'http://127.0.0.1:9';
const ATTACKER_KEY = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6';
const creds = JSON.parse(readFileSync(resolve(__dirname, '../../resources/sandbox/credentials.json'), 'utf8')) as {
  wechat: { appId: string; mchId: string; apiKey: string };
};

/** The request from the report: WeChat rewired to a gateway the clerk controls, claimed to be production. */
const REPRO = {
  provider: 'wechat',
  enabled: true,
  target: 'custom',
  environment: 'production',
  fields: { apiBase: 'http://127.0.0.1:9/wechat', appId: 'wx0000attacker0001', mchId: '1900000109', signType: 'MD5' },
  secrets: { apiKey: ATTACKER_KEY },
} as const;
const HTTPS_REPRO = { ...REPRO, fields: { ...REPRO.fields, apiBase: 'https://pay.example.test/wechat' } };

let t: TestCore;
afterEach(() => t?.close());

async function setup(options: Parameters<typeof startCore>[0] = {}): Promise<void> {
  t = await startCore({ poll: false, sandboxBaseUrl: SANDBOX, ...options });
}

async function ok<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await t.core.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
async function refused(
  method: string,
  input: unknown,
): Promise<{ code: ErrorCode; message: string; details?: Record<string, unknown> }> {
  const r = await t.core.dispatch(method, input);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
}
const wechat = async () =>
  (await ok<ProviderSettingsView[]>('settings.payments')).find((v) => v.provider === 'wechat')!;
const auditRows = () =>
  t.core.store.sqlite
    .prepare(
      `select actor_name, actor_role, approved_by, subject, before, after, note from audit_log where action = 'payments.settings' order by id`,
    )
    .all() as {
    actor_name: string;
    actor_role: string;
    approved_by: string | null;
    subject: string;
    before: string;
    after: string;
    note: string | null;
  }[];
const signInOwner = async () => {
  const owner = t.core.auth.users().find((u) => u.role === 'owner')!;
  await ok('auth.login', { userId: owner.id, pin: OWNER_PIN });
};

describe('payment settings are the owner’s', () => {
  it('refuses the clerk’s rewiring of WeChat Pay: nothing saved, the SANDBOX badge unchanged, nothing audited', async () => {
    await setup();
    expect(t.core.auth.current().role).toBe('clerk');
    const before = await wechat();
    expect((await ok<AppInfo>('app.info')).sandbox).toBe(true);

    const e = await refused('settings.setPayment', REPRO);
    expect(e.code).toBe('OWNER_APPROVAL_REQUIRED');
    // the same with an https gateway (only the owner is asked, whatever the URL)
    expect((await refused('settings.setPayment', HTTPS_REPRO)).code).toBe('OWNER_APPROVAL_REQUIRED');
    // a clerk's own PIN is not an owner's
    expect((await refused('settings.setPayment', { ...HTTPS_REPRO, approvalPin: '1234' })).code).toBe('WRONG_PIN');
    // nor is disabling a provider (cash only) a clerk's decision
    expect(
      (
        await refused('settings.setPayment', {
          provider: 'wechat',
          enabled: false,
          target: 'embedded',
          environment: 'sandbox',
          fields: {},
        })
      ).code,
    ).toBe('OWNER_APPROVAL_REQUIRED');

    expect(await wechat()).toEqual(before);
    expect(before).toMatchObject({ target: 'embedded', sandbox: true, secrets: { apiKey: { set: false } } });
    expect((await ok<AppInfo>('app.info')).sandbox).toBe(true);
    expect(t.core.paymentSettings.get('wechat')?.sandbox).toBe(true);
    const raw = t.core.store.sqlite.prepare(`select group_concat(key) as k from settings`).get() as {
      k: string | null;
    };
    expect(raw.k ?? '').not.toContain('wechat');
    expect(auditRows()).toEqual([]);
  });

  it('saves with the owner’s PIN and writes one audit row with fingerprints, never the key', async () => {
    await setup();
    const saved = await ok<ProviderSettingsView>('settings.setPayment', { ...HTTPS_REPRO, approvalPin: OWNER_PIN });
    expect(saved).toMatchObject({
      target: 'custom',
      environment: 'production',
      sandbox: false,
      fields: { apiBase: 'https://pay.example.test/wechat' },
    });
    expect(saved.secrets.apiKey).toEqual({ set: true, fingerprint: fingerprint(ATTACKER_KEY) });

    const rows = auditRows();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      actor_name: '收银员 01',
      actor_role: 'clerk',
      approved_by: '店长',
      subject: 'payments:wechat',
    });
    expect(JSON.parse(row.before)).toMatchObject({
      enabled: true,
      target: 'embedded',
      environment: 'sandbox',
      secrets: { apiKey: null },
    });
    expect(JSON.parse(row.after)).toEqual({
      enabled: true,
      target: 'custom',
      environment: 'production',
      fields: HTTPS_REPRO.fields,
      secrets: { apiKey: fingerprint(ATTACKER_KEY) },
      secretChanges: { apiKey: 'set' },
    });
    expect(`${row.before}${row.after}${row.note ?? ''}`).not.toContain(ATTACKER_KEY);
    const all = JSON.stringify(t.core.store.sqlite.prepare(`select * from audit_log`).all());
    expect(all).not.toContain(ATTACKER_KEY);

    // the owner signed in is never asked; replacing and clearing the key are told apart, by fingerprint
    await signInOwner();
    await ok('settings.setPayment', { ...HTTPS_REPRO, secrets: { apiKey: creds.wechat.apiKey } });
    await ok('settings.setPayment', { ...HTTPS_REPRO, enabled: false, secrets: { apiKey: null } });
    const [, changed, cleared] = auditRows();
    expect(changed).toMatchObject({ actor_name: '店长', actor_role: 'owner', approved_by: null });
    expect(JSON.parse(changed!.after)).toMatchObject({
      secrets: { apiKey: fingerprint(creds.wechat.apiKey) },
      secretChanges: { apiKey: 'changed' },
    });
    expect(JSON.parse(changed!.before)).toMatchObject({ secrets: { apiKey: fingerprint(ATTACKER_KEY) } });
    expect(JSON.parse(cleared!.after)).toMatchObject({
      enabled: false,
      secrets: { apiKey: null },
      secretChanges: { apiKey: 'cleared' },
    });
    expect(JSON.stringify(auditRows())).not.toContain(creds.wechat.apiKey);
  });

  it('refuses a production gateway over plain http://, also for the owner, naming the field', async () => {
    await setup();
    const e = await refused('settings.setPayment', { ...REPRO, approvalPin: OWNER_PIN });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details).toMatchObject({ provider: 'wechat', field: 'apiBase', reason: 'https_required' });
    expect(e.message).toMatch(/WeChat API base URL must be an https:\/\/ URL/);
    expect(e.message).not.toContain(ATTACKER_KEY);

    await signInOwner();
    expect((await refused('settings.setPayment', REPRO)).details).toMatchObject({
      field: 'apiBase',
      reason: 'https_required',
    });
    // every URL of every provider: the gateway's and the one the intermediary calls
    const cases: [string, Record<string, string>, string][] = [
      ['alipay', { gatewayUrl: 'http://openapi.example.test/gateway.do' }, 'gatewayUrl'],
      [
        'alipay',
        {
          gatewayUrl: 'https://openapi.example.test/gateway.do',
          notifyUrl: 'http://till.example.test/pay/alipay/callback',
        },
        'notifyUrl',
      ],
      [
        'wechat',
        { apiBase: 'https://api.example.test', notifyUrl: 'http://till.example.test/pay/wechat/callback' },
        'notifyUrl',
      ],
      [
        'yeepay',
        { nodeUrl: 'http://yeepay.example.test/node', commandUrl: 'https://yeepay.example.test/command' },
        'nodeUrl',
      ],
      [
        'yeepay',
        { nodeUrl: 'https://yeepay.example.test/node', commandUrl: 'http://yeepay.example.test/command' },
        'commandUrl',
      ],
      [
        'yeepay',
        {
          nodeUrl: 'https://y.example.test/n',
          commandUrl: 'https://y.example.test/c',
          statementUrl: 'http://y.example.test/s',
        },
        'statementUrl',
      ],
      // loopback is no excuse in production
      ['yeepay', { nodeUrl: 'http://localhost:8000/node', commandUrl: 'https://y.example.test/c' }, 'nodeUrl'],
    ];
    for (const [provider, fields, field] of cases) {
      const r = await refused('settings.setPayment', {
        provider,
        enabled: true,
        target: 'custom',
        environment: 'production',
        fields,
      });
      expect([provider, r.code, r.details?.field, r.details?.reason]).toEqual([
        provider,
        'INVALID_INPUT',
        field,
        'https_required',
      ]);
    }
    expect((await wechat()).target).toBe('embedded');
    expect(auditRows()).toEqual([]);
  });

  it('accepts plain http:// for a sandbox on loopback only', async () => {
    await setup();
    await signInOwner();
    const sandboxAt = (apiBase: string) => ({
      provider: 'wechat',
      enabled: true,
      target: 'custom',
      environment: 'sandbox',
      fields: { apiBase, appId: creds.wechat.appId, mchId: creds.wechat.mchId, signType: 'MD5' },
      secrets: { apiKey: creds.wechat.apiKey },
    });
    for (const url of [
      'http://127.0.0.1:8000/wechat',
      'http://127.8.9.10/wechat',
      'http://localhost:8000/wechat',
      'http://[::1]:8000/wechat',
      'https://sandbox.example.test/wechat',
    ]) {
      const v = await ok<ProviderSettingsView>('settings.setPayment', sandboxAt(url));
      expect([url, v.sandbox, v.problem]).toEqual([url, true, null]);
    }
    for (const url of [
      'http://192.168.1.20:8000/wechat',
      'http://127.0.0.1.example.test/wechat',
      'http://sandbox.example.test/wechat',
    ]) {
      const r = await refused('settings.setPayment', sandboxAt(url));
      expect([url, r.code, r.details?.reason]).toEqual([url, 'INVALID_INPUT', 'https_required']);
    }
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.example.test')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example.test')).toBe(false);
  });

  it('does not use a production http:// gateway stored before the rule, and says why', async () => {
    await setup();
    const stored = { enabled: true, target: 'custom', environment: 'production', fields: REPRO.fields };
    const sealed = new FileSecretStore(t.dir).seal(ATTACKER_KEY);
    t.core.store.sqlite
      .prepare(`insert into settings (key, value) values ('payments.wechat', ?), ('secret.wechat.apiKey', ?)`)
      .run(JSON.stringify(stored), JSON.stringify(sealed));
    t.core.paymentSettings.rebuild();
    expect(t.core.paymentSettings.get('wechat')).toBeUndefined();
    expect((await wechat()).problem).toMatch(/must be an https:\/\/ URL/);
  });

  it('applies the automation file at start-up, audited as the system', async () => {
    const file = JSON.stringify({
      wechat: {
        enabled: true,
        target: 'custom',
        environment: 'sandbox',
        apiBase: 'http://127.0.0.1:9/wechat',
        appId: creds.wechat.appId,
        mchId: creds.wechat.mchId,
        apiKey: creds.wechat.apiKey,
      },
    });
    await setup({ paymentsConfigFile: file });
    expect((await wechat()).target).toBe('custom');
    const rows = auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_name: 'system',
      actor_role: 'system',
      approved_by: null,
      subject: 'payments:wechat',
    });
    expect(JSON.parse(rows[0]!.after)).toMatchObject({
      secrets: { apiKey: fingerprint(creds.wechat.apiKey) },
      secretChanges: { apiKey: 'set' },
    });
    expect(JSON.stringify(rows)).not.toContain(creds.wechat.apiKey);
  });

  it('refuses an automation file naming a production gateway over http://', async () => {
    const file = JSON.stringify({ wechat: { ...REPRO.fields, environment: 'production', apiKey: ATTACKER_KEY } });
    const { dir, cleanup } = tempDir();
    try {
      await expect(
        createCore({ dataDir: dir, mode: 'browser', poll: false, sandboxBaseUrl: SANDBOX, paymentsConfigFile: file }),
      ).rejects.toThrow(/https:\/\//);
    } finally {
      cleanup();
    }
  });
});
