/**
 * People's part of the contract (`auth.*`, `audit.*`): who is at the till, the owner's changes to
 * who may sign in (each audited), and the audit log, which only the owner reads.
 */
import type { Clock } from '../clock';
import { businessDay } from '../clock';
import type { HandlersOf } from '../handlers';
import type { Access } from './access';
import type { PeopleTasks } from './tasks';
import type { Audit } from './audit';

export function peopleHandlers(
  d: { audit: Audit; clock: Clock; timeZone: () => string; tasks: PeopleTasks },
  access: Access,
): HandlersOf<'auth.'> & HandlersOf<'audit.'> {
  const { audit, clock, timeZone, tasks } = d;
  const { auth } = access;
  const userView = (a: { userId: number | null }) => auth.users().find((u) => u.id === a.userId) ?? null;
  return {
    'auth.users': () => auth.users(),
    'auth.current': () => (auth.isLocked() ? null : userView(auth.current())),
    'auth.login': async ({ userId, pin }) => {
      const actor = await auth.login(userId, pin);
      return userView(actor) as NonNullable<ReturnType<typeof userView>>;
    },
    'auth.lock': () => {
      auth.lock();
      return null;
    },
    'auth.addUser': async ({ name, role, pin, approvalPin }) => {
      const actor = await auth.authorize('owner', approvalPin);
      return auth.addUser(name, role, pin, (u) =>
        audit.record(actor, 'user.add', `user:${u.id}`, { after: { name: u.name, role: u.role } }),
      );
    },
    'auth.setPin': async ({ userId, pin, approvalPin }) => {
      const actor = await auth.authorize('owner', approvalPin);
      return auth.setPin(userId, pin, (u) =>
        audit.record(actor, 'user.setPin', `user:${u.id}`, { after: { name: u.name } }),
      );
    },
    'auth.retire': async ({ userId, approvalPin }) => {
      const actor = await auth.authorize('owner', approvalPin);
      return auth.retire(userId, (u) =>
        audit.record(actor, 'user.retire', `user:${u.id}`, {
          before: { name: u.name, role: u.role, active: true },
          after: { active: false },
        }),
      );
    },
    'audit.export': async ({ from, to, approvalPin }) => {
      await auth.authorize('owner', approvalPin);
      const day = businessDay(clock.now(), timeZone());
      return {
        filename: `audit-log-${day}.csv`,
        mime: 'text/csv' as const,
        content: await tasks.run('audit.csv', { from, to, now: clock.now() }),
      };
    },
    'audit.list': async ({ from, to, approvalPin }) => {
      await auth.authorize('owner', approvalPin);
      return audit.list({ from, to });
    },
  };
}
