/**
 * People at the till: signing in, locking, the owner managing clerks, the audit log. The methods'
 * schemas, spread into the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type { AuditEntryView, TimelineExport, UserView } from '../types';
import { id, empty, line, approvalPin, method } from './common';

/** Who may sign in, who is signed in, signing in: the start of the auth methods in the contract's order. */
export const signInMethods = {
  'auth.users': method<UserView[]>()(empty),
  'auth.current': method<UserView | null>()(empty),
  'auth.login': method<UserView>()(z.object({ userId: id, pin: z.string().regex(/^\d{4,8}$/) }).strict()),
};

export const peopleMethods = {
  /** lock the till: nothing but signing in works until someone does */
  'auth.lock': method<null>()(empty),
  'auth.addUser': method<UserView>()(
    z
      .object({
        name: line(z.string().trim().min(1).max(40)),
        role: z.enum(['clerk', 'owner']),
        pin: z.string().regex(/^\d{4,8}$/),
        approvalPin,
      })
      .strict(),
  ),
  'auth.setPin': method<UserView>()(z.object({ userId: id, pin: z.string().regex(/^\d{4,8}$/), approvalPin }).strict()),
  'auth.retire': method<UserView>()(z.object({ userId: id, approvalPin }).strict()),
  'audit.export': method<TimelineExport>()(
    z
      .object({ from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional(), approvalPin })
      .strict(),
  ),
  'audit.list': method<AuditEntryView[]>()(
    z
      .object({ from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional(), approvalPin })
      .strict(),
  ),
};
