/**
 * SQLite lets one connection write at a time. When a worker thread's connection writes a large
 * transaction (a 100k-line statement, a 20,000-product catalogue), a write on the counter's
 * connection meanwhile would wait inside better-sqlite3, synchronously, for the worker's commit (the
 * busy handler sleeps the thread): the event loop would stop for that long, and every other call
 * with it.
 *
 * The gate keeps that wait asynchronous. A background writer takes the gate before it begins its
 * transaction and gives it back after its commit; a contract call that may write waits for the gate
 * with `await` before it runs (core.ts, `dispatch`), so the counter's event loop keeps answering
 * everything else (search, a price, the To check list) and the call runs as soon as the commit is
 * done. Background writers take it one after the other.
 *
 * Not covered: code that writes on a timer without going through `dispatch` (the payment and refund
 * pollers) still waits synchronously if it writes while a worker holds the lock, as it always did
 * with the busy timeout; background transactions are kept as short as their work allows.
 */
export class WriteGate {
  private held: Promise<void> | null = null;

  /** The promise to await before a call that may write, or null while no background writer holds the gate. */
  wait(): Promise<void> | null {
    return this.held;
  }

  /** Whether a background writer holds the gate now. */
  get closed(): boolean {
    return this.held !== null;
  }

  /** Waits until the gate is open (at once when it is). */
  async open(): Promise<void> {
    while (this.held) await this.held;
  }

  /** Takes the gate once it is free; returns the function that gives it back (idempotent). */
  async acquire(): Promise<() => void> {
    // checked and taken with no await in between, so two writers never both take it
    while (this.held) await this.held;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.held = held;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (this.held === held) this.held = null;
      release();
    };
  }
}
