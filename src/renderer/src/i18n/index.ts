/**
 * A small typed dictionary: `t('cart.items', { count: 3 })`. Keys come from `en.ts`; `zh-cn.ts`
 * must have all of them. The current locale is provided through `I18nContext`.
 */
import { createContext, useContext } from 'react';
import type { ErrorCode, PosErrorShape } from '../../../shared/errors';
import { formatFen, isFen } from '../../../shared/money';
import type { Locale } from '../../../shared/types';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-cn';

export type { MessageKey } from './en';
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

// Every error code must have a message (compile-time check).
type Assert<T extends true> = T;
export type EveryErrorHasAMessage = Assert<`error.${ErrorCode}` extends MessageKey ? true : false>;

/** Codes whose generic text is vague: main's own message (which names the file, field, …) is shown beneath. */
const TECHNICAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'PRINT_FAILED',
  'STORAGE_FULL',
  'STORAGE_READONLY',
  'STORAGE_CORRUPT',
  'STORAGE_BUSY',
  'DATABASE_TOO_NEW',
  'INTERNAL',
]);

const PLACEHOLDER = /\{(\w+)\}/g;
const HAS_PLACEHOLDER = /\{\w+\}/;

function interpolate(template: string, params: Params | undefined): string {
  if (!params) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** With `params.count === 1`, a `key.one` variant (if there is one) is used: "1 item", "2 items". */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const dict = dictionaries[locale];
  const one = `${key}.one`;
  const chosen = params?.count === 1 && isMessageKey(one) ? one : key;
  return interpolate(dict[chosen] ?? en[chosen], params);
}

export function makeT(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/**
 * The clerk-facing text of an error, chosen by its code. Details fill the parameters (amounts
 * named `…Fen` are formatted as money, an order status is translated); when the detailed
 * message cannot be completed the generic one for the code is used, and an unknown code falls
 * back to main's `message`. `detail` is main's own (English) message, shown small beneath a
 * generic text so that nothing it says is lost.
 */
export function errorText(error: PosErrorShape, locale: Locale): { text: string; detail: string | null } {
  const details = error.details ?? {};
  const params: Params = {};
  for (const [name, value] of Object.entries(details)) {
    if (value === null || value === undefined) continue;
    if (name.endsWith('Fen') && isFen(value)) params[name] = formatFen(value);
    else if (name === 'status' && typeof value === 'string' && isMessageKey(`status.${value}`)) {
      const status = translate(locale, `status.${value}` as MessageKey);
      params[name] = locale === 'en' ? status.toLowerCase() : status;
    } else params[name] = String(value);
  }
  const detailKey = `errorDetail.${error.code}`;
  if (isMessageKey(detailKey)) {
    const text = translate(locale, detailKey, params);
    if (!HAS_PLACEHOLDER.test(text)) return { text, detail: null };
  }
  const key = `error.${error.code}`;
  if (isMessageKey(key)) {
    const text = translate(locale, key);
    const worth = TECHNICAL_CODES.has(error.code) && error.message && error.message !== text;
    return { text, detail: worth ? error.message : null };
  }
  return { text: error.message || String(error.code), detail: null };
}

export interface I18n {
  locale: Locale;
  t: Translate;
  /** The store's time zone (from main), for every time shown. */
  timeZone: string | undefined;
  /** Switch the language (persisted by main); the cart and screen are kept. */
  setLocale: (locale: Locale) => void;
}

export const I18nContext = createContext<I18n>({
  locale: 'en',
  t: makeT('en'),
  timeZone: undefined,
  setLocale: () => undefined,
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** The product name in the current language, and the other language for the small line beneath. */
export function names(locale: Locale, item: { nameZh: string; nameEn: string }): { main: string; other: string } {
  return locale === 'zh-CN' ? { main: item.nameZh, other: item.nameEn } : { main: item.nameEn, other: item.nameZh };
}
