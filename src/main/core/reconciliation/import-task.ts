/**
 * The statement import as a task (core/worker-tasks.ts, `recon.import`), run in a worker thread on
 * its own connection: the file is parsed there, and the import holds the store's write lock only
 * while it writes.
 */
import { performance } from 'node:perf_hooks';
import { parseStatementFile } from '../../intermediaries/statement-file';
import type { Statement } from '../../intermediaries/provider';
import { Audit } from '../people/audit';
import type { Clock } from '../clock';
import { Events } from '../events';
import type { TaskContext } from '../tasks';
import { Reconciliation } from './reconciliation';
import { emptyStatement } from './statements';
import type { ReconImportInput, ReconImportResult, ReconSettingsSource } from './types';

/** The worker has no intermediary: the file came with the task. */
const NO_PROVIDERS = { get: () => undefined, all: () => [] };

/** The worker's side of `importInBackground`: parses the downloaded file, then imports it in two phases. */
export async function reconImport(i: ReconImportInput, ctx: TaskContext): Promise<ReconImportResult> {
  const store = ctx.store('write');
  const clock: Clock = { now: () => i.now };
  const log: string[] = [];
  const settings: ReconSettingsSource = {
    values: i.settings,
    set: () => {
      throw new Error('settings are changed on the counter');
    },
  };
  const rec = new Reconciliation({
    store,
    clock,
    events: new Events(),
    providers: NO_PROVIDERS,
    settings,
    audit: new Audit(store, clock),
    timeZone: () => i.timeZone,
    log: (l) => log.push(l),
  });
  let statement: Statement;
  let parseMs: number | undefined;
  if ('file' in i.source) {
    const t0 = performance.now();
    const file = i.source.file;
    const parsed = parseStatementFile(
      i.source.format,
      Buffer.from(file.buffer, file.byteOffset, file.byteLength),
      i.ctx.day,
    );
    parseMs = performance.now() - t0;
    if (parsed.kind === 'statement') statement = parsed.statement;
    else if (parsed.kind === 'none') statement = emptyStatement(i.ctx.provider, i.ctx.day);
    else {
      const reason = parsed.kind === 'invalid' ? parsed.reason : `the file cannot be read (${parsed.kind})`;
      return { outcome: await ctx.write(() => rec.failed(i.ctx, 'refused', reason)), stats: null, log };
    }
  } else statement = i.source.statement;
  const outcome = await rec.importStaged(statement, i.ctx, (fn) => ctx.write(fn));
  return {
    outcome,
    stats: rec.lastImport ? { ...rec.lastImport, ...(parseMs === undefined ? {} : { parseMs }) } : null,
    log,
  };
}
