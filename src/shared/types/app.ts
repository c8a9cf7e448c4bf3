/** The app itself: the language and what the header shows. */

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  storeName: string;
  terminal: string;
  clerk: string;
  locale: Locale;
  businessDay: string;
  timeZone: string;
  productCount: number;
  /** some enabled intermediary points at a sandbox: show the SANDBOX badge */
  sandbox: boolean;
  /** merchant keys are protected less well than by an OS keychain (browser mode) */
  secretsWarning: string | null;
  /** nobody is signed in: only signing in works */
  locked: boolean;
}
