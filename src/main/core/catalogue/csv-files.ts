/**
 * The catalogue as a CSV file, out and in, on the counter's thread: the export, and the two-step
 * import — the file uploaded in pieces, a preview (what applying it would change), then the apply
 * of exactly what was previewed. The heavy work runs as tasks in a worker thread (csv-tasks.ts);
 * uploads and previews are kept here, in memory, for 30 minutes.
 */
import { randomBytes } from 'node:crypto';
import { PosError } from '../../../shared/errors';
import type { CatalogueExport, ImportApplied, ImportPreview, ImportUpload } from '../../../shared/types';
import type { Actor } from '../people/auth';
import { MAX_IMPORT_BYTES } from './csv';
import type { Clock } from '../clock';
import type { TaskMapOf, TaskRunner } from '../tasks';
import type { CatalogAdmin } from './admin';
import type { CATALOGUE_TASKS, SerializedPlan } from './csv-tasks';
import type { ImportOptions } from './import-plan';

/** How long an upload or a preview is kept, idle; and how many at once. */
const KEEP_MS = 30 * 60_000;
const MAX_UPLOADS = 4;
const MAX_PLANS = 4;

interface Upload {
  parts: Buffer[];
  size: number;
  touched: number;
}

interface StoredPlan extends SerializedPlan {
  touched: number;
}

/** The catalogue's heavy work off the counter's thread (core/worker-tasks.ts): the export, a preview, an apply. */
export type CatalogueTasks = TaskRunner<TaskMapOf<typeof CATALOGUE_TASKS>>;

export class CatalogueFiles {
  private readonly uploads = new Map<string, Upload>();
  private readonly plans = new Map<string, StoredPlan>();
  private readonly applied = new Map<string, ImportApplied>();
  /** applies under way: a second apply of the same preview (a double click) joins the first */
  private readonly applying = new Map<string, Promise<ImportApplied>>();

  constructor(
    private readonly clock: Clock,
    private readonly timeZone: () => string,
    /** runs the heavy parts (reading a whole file, writing a whole import, the export) off the counter's thread */
    private readonly background: CatalogueTasks,
    /** rebuilds the search index and tells the screens, once an import is applied */
    private readonly admin: Pick<CatalogAdmin, 'changed'>,
  ) {}

  /** The catalogue as CSV, written in a worker (20,000 products are ~150 ms of the counter's thread). */
  exportCsv(): Promise<CatalogueExport> {
    return this.background.run('catalog.export', { now: this.clock.now(), timeZone: this.timeZone() });
  }

  // ---- CSV import ---------------------------------------------------------------------------------

  private expire(): void {
    const now = this.clock.now();
    for (const [id, u] of this.uploads) if (now - u.touched > KEEP_MS) this.uploads.delete(id);
    for (const [t, p] of this.plans) if (now - p.touched > KEEP_MS) this.plans.delete(t);
  }

  /** Receives one base64 piece of a file; the first piece (no uploadId) opens an upload. */
  upload(uploadId: string | undefined, chunk: string): ImportUpload {
    this.expire();
    let id = uploadId;
    let u = id === undefined ? undefined : this.uploads.get(id);
    if (id !== undefined && !u) {
      throw new PosError(
        'IMPORT_EXPIRED',
        'That upload is gone (the till restarted, or it waited more than 30 minutes): choose the file again.',
      );
    }
    if (!u || id === undefined) {
      while (this.uploads.size >= MAX_UPLOADS) this.uploads.delete(this.uploads.keys().next().value as string);
      id = randomBytes(18).toString('base64url');
      u = { parts: [], size: 0, touched: this.clock.now() };
      this.uploads.set(id, u);
    }
    const bytes = Buffer.from(chunk, 'base64');
    u.size += bytes.length;
    u.touched = this.clock.now();
    if (u.size > MAX_IMPORT_BYTES) {
      this.uploads.delete(id);
      throw new PosError(
        'IMPORT_REFUSED',
        `The file is larger than ${MAX_IMPORT_BYTES} bytes, the most one import takes.`,
        {
          reason: 'too_big',
          max: MAX_IMPORT_BYTES,
        },
      );
    }
    u.parts.push(bytes);
    return { uploadId: id, receivedBytes: u.size };
  }

  /**
   * The catalogue's fingerprint (stock aside: a file's counts are targets, and sales must not void a

  /**
   * Reads every row of an uploaded file and says what applying it would change; writes nothing. The
   * file is decoded, parsed and planned in a worker (a 20,000-row file took the counter's thread
   * 1.2 s, a 7 MB cell 2.8 s); the plan stays here, as the worker wrote it, until it is applied.
   */
  async preview(uploadId: string, options: ImportOptions): Promise<ImportPreview> {
    this.expire();
    const u = this.uploads.get(uploadId);
    if (!u)
      throw new PosError(
        'IMPORT_EXPIRED',
        'That upload is gone (the till restarted, or it waited more than 30 minutes): choose the file again.',
      );
    u.touched = this.clock.now();
    // a new buffer, handed over to the worker (copying 8 MB into a message costs the event loop ~100 ms)
    const bytes = Buffer.concat(u.parts);
    const { preview, plan } = await this.background.run(
      'catalog.preview',
      { bytes, options, now: this.clock.now(), timeZone: this.timeZone() },
      [bytes],
    );
    if (plan) {
      this.expire();
      while (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value as string);
      this.plans.set(plan.token, { ...plan, touched: this.clock.now() });
    }
    return preview;
  }

  /**
   * Applies a preview, all or nothing; refused if the catalogue changed since (IMPORT_STALE). The
   * transaction runs in a worker on its own connection, holding the store's write gate while it
   * writes (store/write-gate.ts); then the search index is rebuilt in slices.
   */
  apply(token: string, actor: Actor): Promise<ImportApplied> {
    const done = this.applied.get(token);
    if (done) return Promise.resolve(done);
    const running = this.applying.get(token);
    if (running) return running;
    this.expire();
    const plan = this.plans.get(token);
    if (!plan)
      throw new PosError(
        'IMPORT_EXPIRED',
        'That preview is gone (the till restarted, or it waited more than 30 minutes): preview the file again.',
      );
    const { touched: _touched, ...kept } = plan;
    const applying = copyInSlices(plan.ops)
      // the copy is handed over, not copied again into the message; the plan stays for a retry
      .then((ops) =>
        this.background.run(
          'catalog.apply',
          { plan: { ...kept, ops }, actor, now: this.clock.now(), timeZone: this.timeZone() },
          [ops],
        ),
      )
      .then(async (result) => {
        this.plans.delete(token);
        this.applied.set(token, result);
        if (this.applied.size > 16) this.applied.delete(this.applied.keys().next().value as string);
        await this.admin.changed('import');
        return result;
      })
      .finally(() => this.applying.delete(token));
    this.applying.set(token, applying);
    return applying;
  }
}

/**
 * A copy of `bytes`, a megabyte per turn of the event loop: 12 MB copied at once held it ~40 ms on
 * a 2-core machine, and a worker message would copy them the slow way.
 */
async function copyInSlices(bytes: Uint8Array): Promise<Uint8Array> {
  const copy = new Uint8Array(bytes.byteLength);
  for (let at = 0; at < bytes.byteLength; at += 1 << 20) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    copy.set(bytes.subarray(at, Math.min(bytes.byteLength, at + (1 << 20))), at);
  }
  return copy;
}
