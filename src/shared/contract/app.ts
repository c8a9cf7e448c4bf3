/**
 * The app itself: its version, store and language. The methods' schemas, spread into the one
 * contract in ../contract.ts.
 */
import { z } from 'zod';
import type { AppInfo } from '../types';
import { empty, method } from './common';

export const appMethods = {
  'app.info': method<AppInfo>()(empty),
  'app.setLocale': method<AppInfo>()(z.object({ locale: z.enum(['zh-CN', 'en']) }).strict()),
};
