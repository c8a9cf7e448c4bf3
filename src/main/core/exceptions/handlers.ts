/**
 * What needs a person (`payments.attention`, `payments.override`, `exceptions.resolve`): the To check
 * list is the counter's; an override or a resolution is the owner's, audited (docs/security.md).
 */
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { Exceptions } from './exceptions';

export function exceptionHandlers(
  exceptions: Exceptions,
  access: Access,
): HandlersOf<'exceptions.'> & Pick<HandlersOf<'payments.'>, 'payments.attention' | 'payments.override'> {
  const { auth } = access;
  return {
    'payments.attention': () => exceptions.attention(),
    'payments.override': async ({ attemptId, note, approvalPin }) =>
      exceptions.override(attemptId, note, await auth.authorize('owner', approvalPin)),
    'exceptions.resolve': async ({ exceptionId, resolution, note, approvalPin }) =>
      exceptions.resolve(exceptionId, resolution, note, await auth.authorize('owner', approvalPin)),
  };
}
