/**
 * Payment settings: the embedded default, custom gateways checked before they are saved, keys
 * sealed and never sent to the renderer, and the automation file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server';
import { createCore, type Core } from '../../src/main/core/core';
import type { ProviderSettingsView } from '../../src/shared/types';
import { tempDir } from '../support/temp';

const creds = JSON.parse(readFileSync(resolve(__dirname, '../../resources/sandbox/credentials.json'), 'utf8')) as {
  wechat: { appId: string; mchId: string; apiKey: string };
  alipay: { appId: string; sellerId: string };
};
/** changing payment settings is the owner's: the clerk signed in passes the owner's PIN */
const OWNER_PIN = '8888';
const pem = (f: string) => readFileSync(resolve(__dirname, '../../resources/sandbox', f), 'utf8');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(options: { sandbox?: boolean; file?: string } = {}) {
  const sb = tempDir('pos-sb-');
  const sandbox = await startSandbox({ port: 0, dataDir: sb.dir });
  const app = tempDir('pos-app-');
  const core = await createCore({
    dataDir: app.dir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    poll: false,
    sandboxBaseUrl: options.sandbox === false ? null : sandbox.baseUrl,
    paymentsConfigFile: options.file,
  });
  cleanups.push(async () => {
    core.close();
    await sandbox.close();
    sb.cleanup();
    app.cleanup();
  });
  return { core, sandbox, dir: app.dir };
}

const views = async (core: Core) => {
  const r = await core.dispatch('settings.payments', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value as ProviderSettingsView[];
};

describe('payment settings', () => {
  it('defaults every provider to the embedded sandbox, and says so', async () => {
    const { core } = await setup();
    const v = await views(core);
    expect(v.map((p) => [p.provider, p.enabled, p.target, p.sandbox, p.problem])).toEqual([
      ['alipay', true, 'embedded', true, null],
      ['wechat', true, 'embedded', true, null],
      ['yeepay', true, 'embedded', true, null],
    ]);
    const info = await core.dispatch('app.info', {});
    expect(info.ok && (info.value as { sandbox: boolean }).sandbox).toBe(true);
  });

  it('without a sandbox and without settings, only cash is offered', async () => {
    const { core } = await setup({ sandbox: false });
    expect(core.payments.options()).toEqual([]);
    const info = await core.dispatch('app.info', {});
    expect(info.ok && (info.value as { sandbox: boolean }).sandbox).toBe(false);
  });

  it('refuses a custom gateway that would not work, saving nothing', async () => {
    const { core } = await setup();
    const r = await core.dispatch('settings.setPayment', {
      approvalPin: OWNER_PIN,
      provider: 'alipay',
      enabled: true,
      target: 'custom',
      environment: 'production',
      fields: {
        gatewayUrl: 'ftp://example',
        appId: '123',
        alipayPublicKeyPem: pem('alipay-app-private-key.SANDBOX-ONLY.pem'),
      },
      secrets: { appPrivateKeyPem: pem('alipay-platform-public-key.SANDBOX-ONLY.pem') },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toMatch(/gateway URL must be an http/);
      expect(r.error.message).toMatch(/app_id is 16 digits/);
      expect(r.error.message).toMatch(/is a private key; the app needs the Alipay platform PUBLIC key/);
    }
    expect((await views(core))[0]).toMatchObject({ target: 'embedded' });
    const unknownField = await core.dispatch('settings.setPayment', {
      approvalPin: OWNER_PIN,
      provider: 'wechat',
      enabled: true,
      target: 'custom',
      environment: 'sandbox',
      fields: { hostname: 'x' },
    });
    expect(unknownField.ok || unknownField.error.code).toBe('INVALID_INPUT');
  });

  it('seals a custom key, shows only a fingerprint, and sells through the custom gateway', async () => {
    const { core, sandbox, dir } = await setup();
    const r = await core.dispatch('settings.setPayment', {
      approvalPin: OWNER_PIN,
      provider: 'wechat',
      enabled: true,
      target: 'custom',
      environment: 'sandbox',
      fields: {
        apiBase: `${sandbox.baseUrl}/wechat`,
        appId: creds.wechat.appId,
        mchId: creds.wechat.mchId,
        signType: 'HMAC-SHA256',
      },
      secrets: { apiKey: creds.wechat.apiKey },
    });
    expect(r.ok).toBe(true);
    const all = await views(core);
    const wechat = all.find((p) => p.provider === 'wechat')!;
    expect(wechat).toMatchObject({ target: 'custom', problem: null, secrets: { apiKey: { set: true } } });
    expect(wechat.secrets.apiKey!.fingerprint).toMatch(/^sha256:/);
    expect(JSON.stringify(all)).not.toContain(creds.wechat.apiKey);
    // the database holds it sealed only
    const raw = core.store.sqlite.prepare(`select group_concat(value) as v from settings`).get() as { v: string };
    expect(raw.v).not.toContain(creds.wechat.apiKey);
    expect(readFileSync(join(dir, 'secrets.key'), 'utf8').trim()).toHaveLength(44);
    // and a sale goes through it
    core.carts.add(core.catalog.findByCode('DRI-001')!.id, 1);
    const order = core.orders.confirm();
    const a = await core.payments.start({ orderId: order.id, provider: 'wechat', mode: 'qr' });
    expect(a.state).toBe('pending');
    expect(a.qrContent).toContain(sandbox.baseUrl);
    // a wrong key is refused by the gateway's signature check: the payment cannot start as paid
    const wrong = await core.dispatch('settings.setPayment', {
      approvalPin: OWNER_PIN,
      provider: 'wechat',
      enabled: true,
      target: 'custom',
      environment: 'sandbox',
      fields: {
        apiBase: `${sandbox.baseUrl}/wechat`,
        appId: creds.wechat.appId,
        mchId: creds.wechat.mchId,
        signType: 'MD5',
      },
      secrets: { apiKey: 'x'.repeat(32) },
    });
    expect(wrong.ok).toBe(true);
    // (a WeChat QR cannot be closed within 5 minutes, so the first order stays busy: use another)
    const cash = await core.dispatch('checkout.payCash', { orderId: order.id, tenderedFen: 1000 });
    expect(cash.ok || cash.error.code).toBe('PAYMENT_IN_PROGRESS');
    core.carts.add(core.catalog.findByCode('DRI-001')!.id, 1);
    const second = core.orders.confirm();
    const b = await core.payments.start({ orderId: second.id, provider: 'wechat', mode: 'qr' });
    expect(b.state === 'failed' || b.unknown).toBe(true);
  });

  it('applies an automation file, reading keys from files beside it', async () => {
    const sbDir = tempDir('pos-sb2-');
    const sandbox = await startSandbox({ port: 0, dataDir: sbDir.dir });
    const cfg = tempDir('pos-cfg-');
    cleanups.push(async () => {
      await sandbox.close();
      sbDir.cleanup();
      cfg.cleanup();
    });
    writeFileSync(join(cfg.dir, 'app.pem'), pem('alipay-app-private-key.SANDBOX-ONLY.pem'));
    writeFileSync(
      join(cfg.dir, 'payments.json'),
      JSON.stringify({
        alipay: {
          enabled: true,
          target: 'custom',
          environment: 'sandbox',
          gatewayUrl: `${sandbox.baseUrl}/alipay/gateway.do`,
          appId: creds.alipay.appId,
          sellerId: creds.alipay.sellerId,
          appPrivateKeyPemFile: 'app.pem',
          alipayPublicKeyPemFile: resolve(
            __dirname,
            '../../resources/sandbox/alipay-platform-public-key.SANDBOX-ONLY.pem',
          ),
        },
        wechat: { enabled: false },
        yeepay: { enabled: false },
      }),
    );
    const { core } = await setup({ sandbox: false, file: join(cfg.dir, 'payments.json') });
    expect(core.payments.options().map((o) => `${o.provider}:${o.mode}`)).toEqual(['alipay:qr', 'alipay:payment_code']);
    const alipay = (await views(core))[0]!;
    expect(alipay).toMatchObject({ target: 'custom', secrets: { appPrivateKeyPem: { set: true } } });
    expect(alipay.fields.gatewayUrl).toBe(`${sandbox.baseUrl}/alipay/gateway.do`);
  });

  it('takes the same settings inline, as the environment gives them', async () => {
    const { core } = await setup({
      sandbox: false,
      file: JSON.stringify({ alipay: { enabled: false }, wechat: { enabled: false }, yeepay: { enabled: false } }),
    });
    expect((await views(core)).map((v) => v.enabled)).toEqual([false, false, false]);
    const bad = await createCore({
      dataDir: tempDir().dir,
      mode: 'browser',
      newStoreRequiresDrawer: false, // sells cash without opening a drawer
      poll: false,
      paymentsConfigFile: '{"paypal": {}}',
    }).catch((e: Error) => e);
    expect((bad as Error).message).toMatch(/unknown provider "paypal"/);
  });
});
