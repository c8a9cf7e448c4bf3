/** A small typed event bus: the core emits, the transports forward to every renderer. */
import type { EventName, Events as EventMap } from '../../shared/contract';

type Listener = (event: EventName, payload: unknown) => void;

export class Events {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        /* a failing transport must not break the sale that emitted the event */
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
