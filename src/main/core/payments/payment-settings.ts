/**
 * Which intermediaries the till uses and how: per provider enabled, the embedded sandbox or a
 * configured gateway (sandbox or production), ids, and keys. Keys are sealed by a SecretStore and
 * never leave main: the renderer sees `set` and a fingerprint.
 *
 * Settings can also be given by a JSON file (`--payments-config FILE` / `POS_PAYMENTS_CONFIG`) for
 * automation: it is applied at start-up and stored like settings made in the UI.
 *
 * These settings decide where money goes: a change is the owner's (core.ts checks before `set`),
 * is audited in the transaction that writes it (plain fields before/after, keys by fingerprint
 * only), and a production gateway must be https:// (intermediaries/config.ts `transportProblems`).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { PosError } from '../../../shared/errors';
import { type setPaymentSchema } from '../../../shared/contract';
import type { ProviderId, ProviderSettingsView } from '../../../shared/types';
import { createProvider, GATEWAY_URL_FIELDS, SANDBOX_CUSTOMER_PAGES, sandboxConfigs } from '../../intermediaries';
import { InvalidProviderConfig, parseProviderConfig, transportProblems } from '../../intermediaries/config';
import type { ClientDeps } from '../../intermediaries/provider';
import type { Store } from '../../store/db';
import type { Audit } from '../people/audit';
import { SYSTEM_ACTOR, type Actor } from '../people/auth';
import type { ProviderEntry, ProviderSource } from './attempts';
import { fingerprint, type SecretStore } from '../secrets';

export const PROVIDERS: readonly ProviderId[] = ['alipay', 'wechat', 'yeepay'];

/** Fields of each provider's client configuration: which are secret, which are plain. */
export const FIELDS = {
  alipay: {
    plain: ['gatewayUrl', 'appId', 'sellerId', 'alipayPublicKeyPem', 'notifyUrl'],
    secret: ['appPrivateKeyPem'],
  },
  wechat: { plain: ['apiBase', 'appId', 'mchId', 'signType', 'notifyUrl'], secret: ['apiKey'] },
  yeepay: { plain: ['nodeUrl', 'commandUrl', 'merchantId', 'statementUrl'], secret: ['key'] },
} as const satisfies Record<ProviderId, { plain: readonly string[]; secret: readonly string[] }>;

export type Target = 'embedded' | 'custom';

export interface StoredProvider {
  enabled: boolean;
  /** 'embedded': the sandbox the app starts itself, with the demo credentials */
  target: Target;
  /** for a custom target: is it a sandbox (shows the SANDBOX badge) or the real intermediary */
  environment: 'sandbox' | 'production';
  fields: Record<string, string>;
}

const storedSchema = z
  .object({
    enabled: z.boolean(),
    target: z.enum(['embedded', 'custom']),
    environment: z.enum(['sandbox', 'production']),
    fields: z.record(z.string(), z.string()),
  })
  .strict();

export type SetPaymentInput = Omit<z.infer<typeof setPaymentSchema>, 'approvalPin'>;

const KEY = (p: ProviderId) => `payments.${p}`;
const SECRET_KEY = (p: ProviderId, name: string) => `secret.${p}.${name}`;

export interface PaymentSettingsOptions {
  store: Store;
  secrets: SecretStore;
  /** base URL of the embedded sandbox, when it is running */
  sandboxBaseUrl: string | null;
  /** the embedded sandbox is starting: until `setSandboxBaseUrl`, its providers are on their way */
  sandboxStarting?: boolean;
  /** called after the clients were rebuilt (the sandbox came up, settings changed) */
  changed?: () => void;
  deps?: Partial<ClientDeps>;
  log?: (line: string) => void;
  /** records every change (who, before/after); absent only in tests of the clients */
  audit?: Audit;
}

/** What the audit log keeps of one provider's settings: plain fields, and for each key only its fingerprint. */
interface Snapshot {
  enabled: boolean;
  target: Target;
  environment: 'sandbox' | 'production';
  fields: Record<string, string>;
  secrets: Record<string, string | null>;
}

type SecretChange = 'set' | 'changed' | 'cleared' | 'unchanged';

export class PaymentSettings implements ProviderSource {
  private entries = new Map<ProviderId, ProviderEntry>();
  private problems = new Map<ProviderId, string>();

  constructor(private readonly o: PaymentSettingsOptions) {
    this.rebuild();
  }

  private get k() {
    return this.o.store.kysely;
  }

  private readSetting(key: string): string | undefined {
    return this.o.store.first(this.k.selectFrom('settings').select('value').where('key', '=', key))?.value;
  }

  private writeSetting(key: string, value: string | null): void {
    if (value === null) {
      this.o.store.run(this.k.deleteFrom('settings').where('key', '=', key));
      return;
    }
    this.o.store.run(
      this.k
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value })),
    );
  }

  /** The stored settings, or the default: every provider on the embedded sandbox when it runs. */
  stored(provider: ProviderId): StoredProvider {
    const raw = this.readSetting(KEY(provider));
    if (raw) {
      const parsed = storedSchema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    }
    return { enabled: this.o.sandboxBaseUrl !== null, target: 'embedded', environment: 'sandbox', fields: {} };
  }

  private secret(provider: ProviderId, name: string): string | null {
    const sealed = this.readSetting(SECRET_KEY(provider, name));
    if (sealed === undefined) return null;
    return this.o.secrets.open(JSON.parse(sealed) as string);
  }

  private configFor(provider: ProviderId, s: StoredProvider): unknown {
    if (s.target === 'embedded') {
      if (!this.o.sandboxBaseUrl) throw new Error('the embedded sandbox is not running');
      return sandboxConfigs(this.o.sandboxBaseUrl)[provider];
    }
    const config: Record<string, string> = { provider };
    for (const name of FIELDS[provider].plain) {
      const v = s.fields[name];
      if (v !== undefined && v !== '') config[name] = v;
    }
    for (const name of FIELDS[provider].secret) {
      const v = this.secret(provider, name);
      if (v !== null) config[name] = v;
    }
    return config;
  }

  /** Rebuilds the provider clients from the stored settings. */
  rebuild(): void {
    this.entries.clear();
    this.problems.clear();
    for (const provider of PROVIDERS) {
      const s = this.stored(provider);
      if (!s.enabled) continue;
      try {
        // a gateway stored before https was required is not used (the owner sees why in Settings)
        const insecure = s.target === 'custom' ? transportProblems(provider, s.fields, s.environment) : [];
        if (insecure.length > 0) throw new Error(insecure.map((p) => p.message).join('; '));
        const config = parseProviderConfig(this.configFor(provider, s));
        const client = createProvider(config, this.o.deps);
        this.entries.set(provider, {
          provider: client,
          sandbox: s.target === 'embedded' || s.environment === 'sandbox',
        });
      } catch (err) {
        const message = err instanceof InvalidProviderConfig ? err.problems.join('; ') : (err as Error).message;
        this.problems.set(provider, message);
        this.o.log?.(`${provider} is enabled but cannot be used: ${message}`);
      }
    }
  }

  get(id: ProviderId): ProviderEntry | undefined {
    return this.entries.get(id);
  }

  all(): ProviderEntry[] {
    return PROVIDERS.flatMap((p) => (this.entries.has(p) ? [this.entries.get(p)!] : []));
  }

  /** The embedded sandbox came up (it starts beside the core, not before it), or could not (null). */
  setSandboxBaseUrl(url: string | null): void {
    this.o.sandboxBaseUrl = url;
    this.o.sandboxStarting = false;
    this.rebuild();
    this.o.changed?.();
  }

  /** The embedded sandbox is still starting: a provider missing now may be there in a moment. */
  starting(): boolean {
    return this.o.sandboxStarting === true && this.o.sandboxBaseUrl === null;
  }

  /**
   * The pages a link in the till may open in the system browser (Electron's window-open handler,
   * src/main/electron/policy.ts): each enabled provider's gateway origin, and for the embedded
   * sandbox only its customer pages. Everything else is refused.
   */
  cashierPages(): string[] {
    const out = new Set<string>();
    for (const provider of PROVIDERS) {
      const s = this.stored(provider);
      if (!s.enabled) continue;
      if (s.target === 'embedded') {
        for (const path of this.o.sandboxBaseUrl ? SANDBOX_CUSTOMER_PAGES[provider] : [])
          out.add(`${this.o.sandboxBaseUrl!.replace(/\/+$/, '')}${path}`);
        continue;
      }
      for (const name of GATEWAY_URL_FIELDS[provider]) {
        const url = URL.canParse(s.fields[name] ?? '') ? new URL(s.fields[name]!) : null;
        if (url && (url.protocol === 'https:' || url.protocol === 'http:')) out.add(url.origin);
      }
    }
    return [...out];
  }

  /** True when any enabled provider points at a sandbox: the UI shows a SANDBOX badge. */
  sandboxActive(): boolean {
    return this.all().some((e) => e.sandbox);
  }

  views(): ProviderSettingsView[] {
    return PROVIDERS.map((provider) => {
      const s = this.stored(provider);
      const secrets: ProviderSettingsView['secrets'] = {};
      for (const name of FIELDS[provider].secret) {
        let value: string | null = null;
        try {
          value = this.secret(provider, name);
        } catch {
          value = null;
        }
        secrets[name] = { set: value !== null, fingerprint: value === null ? null : fingerprint(value) };
      }
      return {
        provider,
        enabled: s.enabled,
        target: s.target,
        environment: s.environment,
        fields: s.fields,
        secrets,
        problem: s.enabled ? (this.problems.get(provider) ?? null) : null,
        sandbox: s.target === 'embedded' || s.environment === 'sandbox',
      };
    });
  }

  /**
   * Checks one provider's would-be settings without saving anything: only its own fields, a
   * working client (unless it is being disabled), and https:// for every URL of a production
   * gateway. Throws INVALID_INPUT.
   */
  check(input: SetPaymentInput): void {
    const { provider } = input;
    const allowedPlain = new Set<string>(FIELDS[provider].plain);
    const allowedSecret = new Set<string>(FIELDS[provider].secret);
    for (const name of Object.keys(input.fields)) {
      if (!allowedPlain.has(name))
        throw new PosError('INVALID_INPUT', `${provider} has no setting "${name}".`, { field: name });
    }
    for (const name of Object.keys(input.secrets ?? {})) {
      if (!allowedSecret.has(name))
        throw new PosError('INVALID_INPUT', `${provider} has no secret "${name}".`, { field: name });
    }
    if (input.enabled && input.target === 'custom') {
      const insecure = transportProblems(provider, input.fields, input.environment);
      if (insecure.length > 0) {
        const first = insecure[0]!;
        throw new PosError(
          'INVALID_INPUT',
          `The ${provider} settings were not saved: ${insecure.map((p) => p.message).join('; ')}`,
          {
            provider,
            field: first.field,
            reason: 'https_required',
          },
        );
      }
      // validate the would-be configuration before writing anything
      const config: Record<string, string> = { provider };
      for (const [k, v] of Object.entries(input.fields)) if (v !== '') config[k] = v;
      for (const name of FIELDS[provider].secret) {
        const incoming = input.secrets?.[name];
        const value = incoming === undefined ? this.secret(provider, name) : incoming;
        if (value) config[name] = value;
      }
      try {
        parseProviderConfig(config);
      } catch (err) {
        const problems = err instanceof InvalidProviderConfig ? err.problems.join('; ') : (err as Error).message;
        throw new PosError('INVALID_INPUT', `The ${provider} settings were not saved: ${problems}`, { provider });
      }
    }
  }

  /**
   * Saves one provider's settings after `check`, and audits the change in the same transaction:
   * `actor` is the owner (or the clerk with the owner's approval), or `system` for the automation
   * file. Nothing is saved when the check fails.
   */
  set(input: SetPaymentInput, actor: Actor, note: string | null = null): ProviderSettingsView {
    this.check(input);
    const { provider } = input;
    const next: StoredProvider = {
      enabled: input.enabled,
      target: input.target,
      environment: input.environment,
      fields: input.fields,
    };
    this.o.store.tx(() => {
      const before = this.snapshot(provider);
      this.writeSetting(KEY(provider), JSON.stringify(next));
      for (const [name, value] of Object.entries(input.secrets ?? {})) {
        this.writeSetting(
          SECRET_KEY(provider, name),
          value === null ? null : JSON.stringify(this.o.secrets.seal(value)),
        );
      }
      const after = this.snapshot(provider);
      const secretChanges: Record<string, SecretChange> = {};
      for (const name of Object.keys(input.secrets ?? {})) {
        const was = before.secrets[name] ?? null;
        const now = after.secrets[name] ?? null;
        secretChanges[name] = was === now ? 'unchanged' : was === null ? 'set' : now === null ? 'cleared' : 'changed';
      }
      this.o.audit?.record(actor, 'payments.settings', `payments:${provider}`, {
        before,
        after: { ...after, secretChanges },
        note,
      });
    });
    this.rebuild();
    return this.views().find((v) => v.provider === provider)!;
  }

  /** One provider's settings as the audit log keeps them: keys only by fingerprint, never their value. */
  private snapshot(provider: ProviderId): Snapshot {
    const s = this.stored(provider);
    const secrets: Record<string, string | null> = {};
    for (const name of FIELDS[provider].secret) {
      try {
        const value = this.secret(provider, name);
        secrets[name] = value === null ? null : fingerprint(value);
      } catch {
        secrets[name] = 'unreadable';
      }
    }
    return { enabled: s.enabled, target: s.target, environment: s.environment, fields: { ...s.fields }, secrets };
  }

  /**
   * Applies an automation file: `{ "alipay": { "enabled": true, "target": "custom", "environment":
   * "sandbox", "gatewayUrl": "…", "appId": "…", "appPrivateKeyFile": "key.pem", … }, … }`. A
   * `…File` entry is read relative to the file; secrets may also be given inline. `file` may also be
   * the JSON text itself (from the environment), in which case paths are relative to the working directory.
   */
  applyFile(file: string): void {
    const inline = file.trim().startsWith('{');
    const dir = inline ? process.cwd() : dirname(file);
    let json: unknown;
    try {
      json = JSON.parse(inline ? file : readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`the payments configuration ${file} cannot be read: ${(err as Error).message}`);
    }
    if (typeof json !== 'object' || json === null)
      throw new Error(`the payments configuration ${file} is not a JSON object`);
    for (const [provider, raw] of Object.entries(json as Record<string, unknown>)) {
      if (!(PROVIDERS as readonly string[]).includes(provider))
        throw new Error(`${file}: unknown provider "${provider}"`);
      const p = provider as ProviderId;
      const entry = (raw ?? {}) as Record<string, unknown>;
      const fields: Record<string, string> = {};
      const secrets: Record<string, string> = {};
      for (const [k, v] of Object.entries(entry)) {
        if (['enabled', 'target', 'environment'].includes(k)) continue;
        const name = k.endsWith('File') ? k.slice(0, -4) : k;
        const value = k.endsWith('File')
          ? readFileSync(isAbsolute(String(v)) ? String(v) : resolve(dir, String(v)), 'utf8')
          : String(v);
        if ((FIELDS[p].secret as readonly string[]).includes(name)) secrets[name] = value;
        else fields[name] = value;
      }
      // whoever starts the till gives this file: applied, and audited, as the app itself
      this.set(
        {
          provider: p,
          enabled: entry.enabled !== false,
          target: entry.target === 'embedded' ? 'embedded' : 'custom',
          environment: entry.environment === 'production' ? 'production' : 'sandbox',
          fields,
          secrets,
        },
        SYSTEM_ACTOR,
        'applied from the payments configuration file at start-up',
      );
    }
  }
}
