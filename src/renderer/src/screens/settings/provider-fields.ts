/** Each provider's configuration fields as main stores them, and the draft a card edits (secrets never come back). */
import type { ProviderId, ProviderSettingsView } from '../../../../shared/types';

/** The fields of each provider's configuration, as main stores them; secrets are never sent back. */
export const FIELDS: Record<ProviderId, { plain: string[]; secret: string[] }> = {
  alipay: {
    plain: ['gatewayUrl', 'appId', 'sellerId', 'alipayPublicKeyPem', 'notifyUrl'],
    secret: ['appPrivateKeyPem'],
  },
  wechat: { plain: ['apiBase', 'appId', 'mchId', 'signType', 'notifyUrl'], secret: ['apiKey'] },
  yeepay: { plain: ['nodeUrl', 'commandUrl', 'merchantId', 'statementUrl'], secret: ['key'] },
};

export const MULTILINE = new Set(['alipayPublicKeyPem', 'appPrivateKeyPem']);
export const URL_FIELDS = new Set(['gatewayUrl', 'notifyUrl', 'apiBase', 'nodeUrl', 'commandUrl', 'statementUrl']);
export const SIGN_TYPES = ['MD5', 'HMAC-SHA256'];
/** A key file is a few kilobytes at most; main accepts up to 8192 characters. */
export const MAX_SECRET_CHARS = 8192;

export type SecretDraft = { action: 'keep' } | { action: 'replace'; value: string } | { action: 'clear' };

export interface Draft {
  enabled: boolean;
  target: 'embedded' | 'custom';
  environment: 'sandbox' | 'production';
  fields: Record<string, string>;
  secrets: Record<string, SecretDraft>;
}

export function draftOf(view: ProviderSettingsView): Draft {
  const fields: Record<string, string> = {};
  for (const name of FIELDS[view.provider].plain) fields[name] = view.fields[name] ?? '';
  const secrets: Record<string, SecretDraft> = {};
  for (const name of FIELDS[view.provider].secret) secrets[name] = { action: 'keep' };
  return { enabled: view.enabled, target: view.target, environment: view.environment, fields, secrets };
}

export function isDirty(view: ProviderSettingsView, d: Draft): boolean {
  if (d.enabled !== view.enabled || d.target !== view.target || d.environment !== view.environment) return true;
  if (FIELDS[view.provider].plain.some((n) => (d.fields[n] ?? '') !== (view.fields[n] ?? ''))) return true;
  return Object.values(d.secrets).some((s) => s.action !== 'keep');
}
