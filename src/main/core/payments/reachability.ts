/**
 * Whether each intermediary answers, learnt from the till's own recent calls (docs/architecture.md,
 * "Reachability"): a call that got nothing on the wire (no such host, refused, no route, a timeout, a
 * reset, TLS) or a 5xx marks the provider unreachable with that cause; the next call that got any
 * answer marks it reachable again. Kept in memory: after a restart the first calls tell again.
 */
import type { NetworkTrouble } from '../../../shared/outcomes';
import type { ProviderId } from '../../intermediaries/provider';

export class Reachability {
  private readonly troubles = new Map<ProviderId, NetworkTrouble>();

  /** `changed(provider, trouble)`: it became unreachable (a cause) or answered again (null) */
  constructor(private readonly changed: (provider: ProviderId, trouble: NetworkTrouble | null) => void) {}

  /** What one call got: an outcome with a `trouble` when nothing (or a 5xx) came back, else any answer. */
  record(provider: ProviderId, outcome: { kind: string; trouble?: NetworkTrouble }): void {
    const trouble = outcome.kind === 'unknown' && outcome.trouble ? outcome.trouble : null;
    const before = this.troubles.get(provider) ?? null;
    if (trouble === before) return;
    if (trouble) this.troubles.set(provider, trouble);
    else this.troubles.delete(provider);
    this.changed(provider, trouble);
  }

  /** Why the provider did not answer its last call, or null when it did (or has not been called). */
  trouble(provider: ProviderId): NetworkTrouble | null {
    return this.troubles.get(provider) ?? null;
  }
}
