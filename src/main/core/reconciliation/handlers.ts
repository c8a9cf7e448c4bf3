/** The reconciliation's part of the contract (`recon.*`). */
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { Reconciliation } from './reconciliation';

/** The owner's reconciliation screen: reads need an owner's read, changes the owner (docs/security.md). */
export function reconciliationHandlers(reconciliation: Reconciliation, access: Access): HandlersOf<'recon.'> {
  const { auth, ownerRead } = access;
  return {
    'recon.days': async ({ limit, approvalPin }) => {
      await ownerRead(approvalPin);
      return reconciliation.days(limit);
    },
    'recon.day': async ({ day, approvalPin }) => {
      await ownerRead(approvalPin);
      return reconciliation.day(day);
    },
    'recon.run': async ({ day, providers, approvalPin }) => {
      reconciliation.assertRunnable(day);
      return reconciliation.run(day, await auth.authorize('owner', approvalPin), { providers });
    },
    'recon.resolve': async ({ itemId, resolution, note, approvalPin }) =>
      reconciliation.resolve(itemId, resolution, note, await auth.authorize('owner', approvalPin)),
    'recon.settings': async ({ approvalPin }) => {
      await ownerRead(approvalPin);
      return reconciliation.settingsView();
    },
    'recon.setSettings': async ({ approvalPin, ...next }) =>
      reconciliation.setSettings(next, await auth.authorize('owner', approvalPin)),
  };
}
