/**
 * How a domain answers the contract. Each domain exports its handlers beside its logic, as a
 * function that takes what they need and returns `HandlersOf<'prefix.'>` (its part of the
 * contract, typed by it); `core.ts` only builds the domains and spreads their handlers into one
 * `Handlers` record, and the type checker refuses a method left without a handler.
 *
 * Who may call what (docs/security.md) is decided in the handler, with the rules in `Access`.
 */
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { Actor, Auth } from './people/auth';

/** One function per contract method. */
export type Handlers = { [K in MethodName]: (input: MethodInput<K>) => MethodOutput<K> | Promise<MethodOutput<K>> };

/** The handlers of the methods named `P…` (a domain's part of the contract, e.g. `'recon.'`). */
export type HandlersOf<P extends string> = Pick<Handlers, Extract<MethodName, `${P}${string}`>>;

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
