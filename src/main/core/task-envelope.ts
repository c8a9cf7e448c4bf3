/** What crosses to a task worker and back (core/worker-runner.ts sends, core/worker-tasks.ts answers). */

/** What a task worker receives: the database file and the task's own input. */
export interface Envelope {
  file: string;
  input: unknown;
}

/** The buffers of `views` that can be handed over whole (a view of part of a shared pool is copied instead). */
export function transferList(views: readonly Uint8Array[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of views) {
    if (
      v.buffer instanceof ArrayBuffer &&
      v.byteOffset === 0 &&
      v.byteLength === v.buffer.byteLength &&
      !out.includes(v.buffer)
    )
      out.push(v.buffer);
  }
  return out;
}
