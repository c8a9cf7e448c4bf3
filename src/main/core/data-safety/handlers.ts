/** Data safety's part of the contract (`dataSafety.*`): the banner's status is anyone's, the rest the owner's. */
import type { Audit } from '../people/audit';
import type { Actor, Auth } from '../people/auth';
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { DataSafety } from './data-safety';

/** Confirms an owner's PIN even when an owner is signed in (a restore replaces the database). */
export async function confirmOwnerPin(auth: Auth, pin: string): Promise<Actor> {
  const me = auth.current();
  if (me.role === 'owner' && me.userId !== null) {
    await auth.verify(me.userId, pin);
    return me;
  }
  return auth.authorize('owner', pin);
}

export function dataSafetyHandlers(dataSafety: DataSafety, audit: Audit, access: Access): HandlersOf<'dataSafety.'> {
  const { auth } = access;
  return {
    'dataSafety.status': () => dataSafety.status(),
    // owner-only: they show paths, or change what is kept
    'dataSafety.overview': async ({ approvalPin }) => {
      await auth.authorize('owner', approvalPin);
      return dataSafety.overview();
    },
    'dataSafety.backupNow': async ({ approvalPin }) => {
      await auth.authorize('owner', approvalPin);
      return dataSafety.backup('manual');
    },
    'dataSafety.checkNow': async ({ approvalPin }) => {
      await auth.authorize('owner', approvalPin);
      return dataSafety.check('manual');
    },
    'dataSafety.setSettings': async ({ approvalPin, ...next }) =>
      dataSafety.setSettings(next, await auth.authorize('owner', approvalPin), audit),
    'dataSafety.restorePlan': async ({ backupId, approvalPin }) => {
      await auth.authorize('owner', approvalPin);
      return dataSafety.restorePlan(backupId);
    },
    // always with the owner's PIN: the database is replaced
    'dataSafety.restore': async ({ approvalPin, ...input }) =>
      dataSafety.restore(input, await confirmOwnerPin(auth, approvalPin)),
  };
}
