/** The owner rules that handlers share (docs/security.md, "what a clerk may read"). */
import type { Actor, Auth } from './auth';

/**
 * Who may see the drawer's money totals: the owner signed in, or a clerk the owner approved. A
 * clerk alone must not: knowing the cash expected lets one skim the difference and hide it (the
 * drawer is closed blind, docs/security.md).
 */
export function seesTotals(actor: Actor): boolean {
  return actor.role === 'owner' || actor.approvedBy !== null;
}

/** The owner rules that handlers share (docs/security.md, "what a clerk may read"). */
export interface Access {
  readonly auth: Auth;
  /** An owner's read: the owner signed in, or a clerk with an owner's PIN; else refused. */
  ownerRead(approvalPin: string | undefined): Promise<Actor>;
  /** Whether this call may see money totals: the owner signed in, or an owner's PIN (a wrong one is refused). */
  seesMoney(approvalPin: string | undefined): Promise<boolean>;
}

export function accessRules(auth: Auth): Access {
  const ownerRead = (approvalPin: string | undefined): Promise<Actor> => auth.authorize('owner', approvalPin);
  return {
    auth,
    ownerRead,
    seesMoney: async (approvalPin) =>
      auth.current().role === 'owner' || (approvalPin !== undefined && seesTotals(await ownerRead(approvalPin))),
  };
}
