/**
 * Electron hardening (issue 9, defect 12), as plain units: Electron itself cannot run here, so the
 * decisions live in src/main/electron/policy.ts (no `electron` import) and are tested directly; the
 * Electron spec (tests/e2e/electron/security.spec.ts) proves the wiring where the binary exists.
 *
 * - every permission is refused, on every session (the handlers call `permissionDecision`);
 * - a link opens in the system browser only for a configured gateway's origin or the embedded
 *   sandbox's customer pages (`externalUrlAllowed` over `PaymentSettings.cashierPages()`), where any
 *   https:// URL used to pass;
 * - the packaged app is built with the fuses that close run-as-Node, NODE_OPTIONS and --inspect.
 */
import { SYSTEM_ACTOR } from '../../src/main/core/people/auth';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeUrl, externalUrlAllowed, MAX_EXTERNAL_URL, permissionDecision } from '../../src/main/electron/policy';
import { hardenContents, hardenSessions } from '../../src/main/electron/security';
import { alipayQrUrl } from '../../src/sandbox/alipay';
import { wechatQrUrl } from '../../src/sandbox/wechat';
import { nodeLauncher } from '../../src/main/node-program';
import { startSandboxChild } from '../../src/main/sandbox-child';
import { startCore, tempDir, type TestCore } from '../support/core';

const root = resolve(__dirname, '../..');

/**
 * A stand-in for the `electron` module, just enough to see what security.ts installs: sessions that
 * keep their handlers, an app that emits `session-created` / `web-contents-created`, a shell that
 * records what it would open.
 */
const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(event: string, fn: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(event) ?? []) fn(...args);
    }
  }
  class FakeSession extends Emitter {
    request: Listener | null = null;
    check: Listener | null = null;
    device: Listener | null = null;
    displayMedia: Listener | null = null;
    setPermissionRequestHandler(h: Listener) {
      this.request = h;
    }
    setPermissionCheckHandler(h: Listener) {
      this.check = h;
    }
    setDevicePermissionHandler(h: Listener) {
      this.device = h;
    }
    setDisplayMediaRequestHandler(h: Listener) {
      this.displayMedia = h;
    }
  }
  const partitions = new Map<string, FakeSession>();
  const app = Object.assign(new Emitter(), { isPackaged: true });
  const session = {
    defaultSession: new FakeSession(),
    fromPartition(name: string) {
      if (!partitions.has(name)) partitions.set(name, new FakeSession());
      return partitions.get(name)!;
    },
  };
  const opened: string[] = [];
  const shell = {
    openExternal: (url: string) => {
      opened.push(url);
      return Promise.resolve();
    },
  };
  return { Emitter, FakeSession, app, session, shell, opened };
});
vi.mock('electron', () => ({ app: fake.app, session: fake.session, shell: fake.shell }));

/** Every permission name Electron's own typings list for the request handler (so a new one is covered too). */
function electronPermissions(): string[] {
  const dts = readFileSync(resolve(root, 'node_modules/electron/electron.d.ts'), 'utf8');
  const at = dts.indexOf('setPermissionRequestHandler(handler');
  const signature = dts.slice(at, dts.indexOf('callback:', at));
  return [...signature.matchAll(/'([a-z][a-zA-Z-]*)'/g)].map((m) => m[1]!);
}

describe('permissions: every request and check is refused', () => {
  const permissions = electronPermissions();

  it("reads Electron's list of permissions", () => {
    expect(permissions.length).toBeGreaterThan(20);
    expect(permissions).toEqual(
      expect.arrayContaining([
        'geolocation',
        'media',
        'notifications',
        'display-capture',
        'hid',
        'serial',
        'usb',
        'openExternal',
        'clipboard-read',
        'unknown',
      ]),
    );
  });

  it.each([
    ['the gateway cashier page (cashier partition)', 'https://cashier.example-gateway.com'],
    ['the embedded sandbox on loopback', 'http://127.0.0.1:45123'],
    ["the app's own renderer", 'file:///opt/Counter POS/resources/app.asar/out/renderer/index.html'],
    ['no origin at all', undefined],
  ])('refuses every permission to %s', (_who, origin) => {
    for (const permission of [...permissions, 'a-permission-electron-adds-later']) {
      expect(permissionDecision(permission, origin), permission).toBe(false);
    }
  });
});

describe('security.ts installs the refusals on every session', () => {
  type S = InstanceType<typeof fake.FakeSession>;
  /** What one session answers to a page asking for `permission`, through every handler installed on it. */
  async function answers(ses: S, permission: string) {
    const requested = await new Promise<boolean>((done) =>
      ses.request!({}, permission, done, { requestingUrl: 'https://cashier.example-gateway.com/pay' }),
    );
    const checked = ses.check!({}, permission, 'https://cashier.example-gateway.com', {});
    return { requested, checked };
  }

  it('the default session, the cashier partition and a session created later all refuse camera, location, notifications and devices', async () => {
    hardenSessions();
    const later = new fake.FakeSession();
    fake.app.emit('session-created', later);
    for (const ses of [fake.session.defaultSession, fake.session.fromPartition('cashier'), later]) {
      expect(ses.request, 'a permission request handler').not.toBeNull();
      for (const permission of [
        'geolocation',
        'media',
        'notifications',
        'display-capture',
        'clipboard-read',
        'hid',
        'openExternal',
      ]) {
        expect(await answers(ses, permission), permission).toEqual({ requested: false, checked: false });
      }
      expect(ses.device!({ deviceType: 'usb', origin: 'https://cashier.example-gateway.com', device: {} })).toBe(false);
      const streams = await new Promise((done) => ses.displayMedia!({}, done));
      expect(streams).toBeNull();
      // a HID / serial / USB chooser is cancelled, not shown
      for (const [event, cancelled] of [
        ['select-hid-device', undefined],
        ['select-serial-port', ''],
        ['select-usb-device', undefined],
      ] as const) {
        let prevented = false;
        const picked = await new Promise((done) => {
          const ev = { preventDefault: () => (prevented = true) };
          if (event === 'select-serial-port') ses.emit(event, ev, [{ portId: 'p1' }], {}, done);
          else ses.emit(event, ev, { deviceList: [{ deviceId: 'd1' }] }, done);
        });
        expect(prevented, event).toBe(true);
        expect(picked, event).toBe(cancelled);
      }
    }
    // any page (the printing window too) opens no window and embeds no webview by default, and its
    // Web Bluetooth chooser is cancelled
    let openHandler: (() => unknown) | null = null;
    const contents = Object.assign(new fake.Emitter(), {
      setWindowOpenHandler: (h: () => unknown) => (openHandler = h),
    });
    fake.app.emit('web-contents-created', {}, contents);
    expect(openHandler!()).toEqual({ action: 'deny' });
    let attached = true;
    contents.emit('will-attach-webview', { preventDefault: () => (attached = false) });
    expect(attached).toBe(false);
    let prevented = false;
    const device = await new Promise((done) =>
      contents.emit(
        'select-bluetooth-device',
        { preventDefault: () => (prevented = true) },
        [{ deviceId: 'b1' }],
        done,
      ),
    );
    expect({ prevented, device }).toEqual({ prevented: true, device: '' });
  });

  it("the main window's new-window handler opens only allowed links in the system browser", () => {
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const contents = Object.assign(new fake.Emitter(), {
      setWindowOpenHandler: (h: typeof openHandler) => {
        openHandler = h;
      },
    });
    const sandbox = 'http://127.0.0.1:45123';
    hardenContents(contents as never, () => [`${sandbox}/alipay/qr/`]);
    fake.opened.length = 0;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const url of [
      'https://example.com/',
      'https://evil.example/alipay/qr/1',
      `${sandbox}/_sandbox/reset`,
      alipayQrUrl(sandbox, 'Q1'),
    ]) {
      expect(openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(fake.opened).toEqual([alipayQrUrl(sandbox, 'Q1')]);
    expect(errors).toHaveBeenCalledTimes(3);
    expect(String(errors.mock.calls[0]![0])).toContain('refused to open https://example.com/');
    errors.mockRestore();
  });
});

describe('shell.openExternal: only configured gateways and the sandbox customer pages', () => {
  const sandbox = 'http://127.0.0.1:45123';
  const allow = [
    'https://openapi.alipay.com',
    'https://api.mch.weixin.qq.com',
    `${sandbox}/alipay/qr/`,
    `${sandbox}/wechat/bizpayurl`,
  ];

  it('opens a configured gateway page and the sandbox customer pages', () => {
    expect(externalUrlAllowed('https://openapi.alipay.com/gateway.do?x=1', allow)).toBe(true);
    expect(externalUrlAllowed('https://api.mch.weixin.qq.com/', allow)).toBe(true);
    expect(externalUrlAllowed(alipayQrUrl(sandbox, 'abc123'), allow)).toBe(true);
    expect(externalUrlAllowed(wechatQrUrl(sandbox, 'tok'), allow)).toBe(true);
  });

  it.each([
    ['any other https site (the old rule let every https:// URL through)', 'https://example.com/'],
    ['a look-alike host', 'https://openapi.alipay.com.evil.example/gateway.do'],
    ['credentials smuggled before the host', 'https://openapi.alipay.com@evil.example/'],
    ['credentials on an allowed host', 'https://user:pw@openapi.alipay.com/'],
    ['http on an https gateway', 'http://openapi.alipay.com/'],
    ['another port of the gateway', 'https://openapi.alipay.com:8443/'],
    ["the sandbox's control API", `${sandbox}/_sandbox/reset`],
    ['a path climbing out of a customer page', `${sandbox}/alipay/qr/../../_sandbox/reset`],
    ['the same, percent-encoded', `${sandbox}/alipay/qr/%2e%2e/%2e%2e/_sandbox/reset`],
    ['another loopback port (any local service)', 'http://127.0.0.1:8080/alipay/qr/x'],
    ['localhost for 127.0.0.1', 'http://localhost:45123/alipay/qr/x'],
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a custom protocol handler', 'ms-msdt:/id PCWDiagnostic'],
    ['mailto:', 'mailto:someone@example.com'],
    ['not a URL', 'not a url'],
    ['an empty string', ''],
    ['an over-long URL on an allowed origin', `https://openapi.alipay.com/${'a'.repeat(MAX_EXTERNAL_URL)}`],
  ])('refuses %s', (_what, url) => {
    expect(externalUrlAllowed(url, allow)).toBe(false);
  });

  it('refuses everything when nothing is configured, and ignores garbage in the list', () => {
    expect(externalUrlAllowed('https://openapi.alipay.com/', [])).toBe(false);
    expect(externalUrlAllowed('https://openapi.alipay.com/', ['not a url', 'javascript:alert(1)', 'file:///'])).toBe(
      false,
    );
    expect(externalUrlAllowed('file:///etc/passwd', ['file:///'])).toBe(false);
  });

  it('logs a refused URL by origin and a short path, never its query', () => {
    expect(describeUrl('https://evil.example/path?token=secret')).toBe('https://evil.example/path');
    expect(describeUrl('x'.repeat(500)).length).toBeLessThan(60);
  });
});

describe('PaymentSettings.cashierPages: the allow-list comes from the payment settings', () => {
  let tc: TestCore | null = null;
  afterEach(() => {
    tc?.close();
    tc = null;
  });

  it('lists the embedded sandbox customer pages only (not its control API), then a custom gateway origin, never a disabled one', async () => {
    const sandbox = 'http://127.0.0.1:45999';
    tc = await startCore({ poll: false, sandboxBaseUrl: sandbox });
    const pages = tc.core.paymentSettings.cashierPages();
    expect(pages.sort()).toEqual([`${sandbox}/alipay/qr/`, `${sandbox}/wechat/bizpayurl`]);
    expect(externalUrlAllowed(alipayQrUrl(sandbox, 'T1'), pages)).toBe(true);
    expect(externalUrlAllowed(`${sandbox}/_sandbox/trades/alipay/1/pay`, pages)).toBe(false);
    expect(externalUrlAllowed(`${sandbox}/yeepay/app-merchant-proxy/command`, pages)).toBe(false);

    // WeChat moves to a custom gateway: its origin is allowed, its notify URL (the till's own) is not
    tc.core.paymentSettings.set(
      {
        provider: 'wechat',
        enabled: true,
        target: 'custom',
        environment: 'production',
        fields: {
          apiBase: 'https://api.mch.weixin.qq.com/pay',
          appId: 'wx0000000000000001',
          mchId: '1900000109',
          notifyUrl: 'https://notify.example.org/wx',
        },
        secrets: { apiKey: 'a'.repeat(32) },
      },
      SYSTEM_ACTOR,
    );
    const after = tc.core.paymentSettings.cashierPages();
    expect(after).toContain('https://api.mch.weixin.qq.com');
    expect(after).not.toContain(`${sandbox}/wechat/bizpayurl`);
    expect(externalUrlAllowed('https://notify.example.org/wx', after)).toBe(false);

    // every provider disabled: nothing may open
    for (const provider of ['alipay', 'wechat', 'yeepay'] as const) {
      const s = tc.core.paymentSettings.stored(provider);
      tc.core.paymentSettings.set(
        { provider, enabled: false, target: s.target, environment: s.environment, fields: s.fields },
        SYSTEM_ACTOR,
      );
    }
    expect(tc.core.paymentSettings.cashierPages()).toEqual([]);
  });

  it('lists nothing for the embedded target while the sandbox is not running', async () => {
    tc = await startCore({ poll: false, sandboxBaseUrl: null });
    expect(tc.core.paymentSettings.cashierPages()).toEqual([]);
  });
});

describe('fuses: the packaged app cannot be run as Node, given NODE_OPTIONS, or inspected', () => {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    build: Record<string, unknown> & { electronFuses?: Record<string, boolean> };
  };
  const WANTED = {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
  };

  it('package.json build.electronFuses asks for exactly these fuses', () => {
    expect(pkg.build.electronFuses).toEqual(WANTED);
  });

  it("electron-builder's own schema accepts the build configuration", async () => {
    const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config')) as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = (await import('builder-util')) as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(pkg.build, new DebugLogger(false))).resolves.toBeUndefined();
    // and it would refuse a misspelt fuse, so a typo cannot silently leave one open
    await expect(
      validateConfiguration({ ...pkg.build, electronFuses: { runAsNod: false } }, new DebugLogger(false)),
    ).rejects.toThrow();
  });

  it('electron-builder turns it into exactly those @electron/fuses wire settings', async () => {
    const { PlatformPackager } = (await import('app-builder-lib')) as unknown as {
      PlatformPackager: { prototype: { generateFuseConfig: (f: unknown) => Promise<Record<string, unknown>> } };
    };
    const { FuseV1Options, FuseVersion } = await import('@electron/fuses');
    const wire = await PlatformPackager.prototype.generateFuseConfig.call({}, pkg.build.electronFuses);
    expect(wire).toEqual({
      version: FuseVersion.V1,
      resetAdHocDarwinSignature: undefined,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
    });
  });

  it('the sandbox child starts through a launcher (Node here, a utility process in Electron) and stops on request', async () => {
    const { dir, cleanup } = tempDir('pos-launcher-');
    try {
      const script = join(dir, 'fake-sandbox.js');
      writeFileSync(
        script,
        "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('Counter POS sandbox listening at http://127.0.0.1:1/');",
      );
      const launched: { script: string; args: string[] }[] = [];
      const child = await startSandboxChild({
        dataDir: dir,
        script,
        launcher: (s, args) => {
          launched.push({ script: s, args });
          return nodeLauncher(s, args);
        },
      });
      expect(child.baseUrl).toBe('http://127.0.0.1:1');
      // the child is told the till's pid, so it closes when the till is gone (tests/sandbox/program.test.ts)
      expect(launched).toEqual([
        { script, args: ['--port', '0', '--data-dir', join(dir, 'sandbox'), '--parent-pid', String(process.pid)] },
      ]);
      await child.stop();
      expect(child.process.exitCode).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('nothing in the app still relies on ELECTRON_RUN_AS_NODE (the sandbox runs as a utility process)', () => {
    for (const file of ['src/main/index.ts', 'src/main/sandbox-child.ts', 'src/main/electron/utility.ts']) {
      expect(readFileSync(resolve(root, file), 'utf8'), file).not.toMatch(/ELECTRON_RUN_AS_NODE['"]?\s*:/);
    }
    expect(readFileSync(resolve(root, 'src/main/index.ts'), 'utf8')).toMatch(
      /startSandboxChild\(\{[^}]*launcher: utilityLauncher/,
    );
  });
});
