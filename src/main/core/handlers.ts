/**
 * How a domain answers the contract. Each domain exports its handlers beside its logic, as a
 * function that takes what they need and returns `HandlersOf<'prefix.'>` (its part of the
 * contract, typed by it); `core.ts` only builds the domains and spreads their handlers into one
 * `Handlers` record, and the type checker refuses a method left without a handler.
 *
 * Who may call what (docs/security.md) is decided in the handler, with the rules in `Access`
 * (people/access.ts).
 */
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';

/** One function per contract method. */
export type Handlers = { [K in MethodName]: (input: MethodInput<K>) => MethodOutput<K> | Promise<MethodOutput<K>> };

/** The handlers of the methods named `P…` (a domain's part of the contract, e.g. `'recon.'`). */
export type HandlersOf<P extends string> = Pick<Handlers, Extract<MethodName, `${P}${string}`>>;
