/**
 * Integrity checks of the live database, in a worker with a read-only connection (WAL lets it read
 * while the till sells). A failed check puts the till in the damaged state; a check that passes
 * clears it.
 */
import type { IntegrityCheckView } from '../../../shared/types';
import { JobError, runJob } from '../../store/sqlite-jobs';
import { damageOf, findingOf, isCorrupt, short } from './record';
import type { SafetyState } from './types';

export class IntegrityChecks {
  private checking: Promise<IntegrityCheckView> | null = null;
  private startCheckDone = false;

  constructor(private readonly s: SafetyState) {}

  /** The check running now, if one is. */
  get running(): Promise<IntegrityCheckView> | null {
    return this.checking;
  }

  /** Whether the check after start has run. */
  get startDone(): boolean {
    return this.startCheckDone;
  }

  /** Checks the live database in a worker (read-only). Never rejects. */
  check(trigger: IntegrityCheckView['trigger']): Promise<IntegrityCheckView> {
    if (this.checking) return this.checking;
    this.checking = this.checkOnce(trigger).finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async checkOnce(trigger: IntegrityCheckView['trigger']): Promise<IntegrityCheckView> {
    const at = this.s.o.clock.now();
    this.startCheckDone = true;
    let view: IntegrityCheckView;
    try {
      const r = await runJob(
        { kind: 'check', file: this.s.o.store.file, mode: 'integrity' },
        { signal: this.s.closing },
      );
      view = { at, trigger, ok: r.ok, findings: r.findings.map(findingOf), ms: r.ms, error: null };
    } catch (err) {
      const code = err instanceof JobError ? err.code : '';
      const message = short((err as Error).message ?? String(err));
      // a file SQLite cannot read at all is damaged; a check that could not run (busy, no worker) is not a finding
      view = isCorrupt(code)
        ? { at, trigger, ok: false, findings: [{ message, table: null, area: 'unknown' }], ms: null, error: null }
        : { at, trigger, ok: false, findings: [], ms: null, error: message };
    }
    if (this.s.isRestoring()) return view;
    this.s.manifest.checks = [view, ...this.s.manifest.checks].slice(0, 20);
    if (!view.ok && view.error === null) {
      this.s.manifest.damage = damageOf(this.s.manifest.damage?.since ?? at, 'check', view.findings);
      this.s.log(
        `data safety: the integrity check found damage in ${this.s.manifest.damage.tables.join(', ') || 'the file'}`,
      );
    } else if (view.ok && this.s.manifest.damage) {
      this.s.manifest.damage = null;
    }
    this.s.changed();
    return view;
  }
}
