/**
 * The catalogue's CSV work, done where a task runs (a worker thread with its own connection,
 * core/worker-tasks.ts; csv-files.ts is the counter's side): the export, an import's preview
 * (decode, parse, check, plan, pinyin) and its apply, all or nothing: `prepareApply` works out every
 * row to write, then `writeApply` writes them in one transaction, the store's write lock taken
 * between the two so that it is held only for the writes. The file's reading and writing are in
 * core/catalog-csv.ts and core/csv.ts; the plan itself in import-plan.ts (pure).
 */
import { createHash } from 'node:crypto';
import { PosError } from '../../../shared/errors';
import { fenToYuanString } from '../../../shared/money';
import { shortPrefix } from '../../../shared/text';
import type { CatalogueExport, ImportApplied, ImportChange, ImportPreview } from '../../../shared/types';
import type { Store } from '../../store/db';
import type { ProductRow } from '../../store/schema';
import { Audit, type AuditRow } from '../people/audit';
import type { Actor } from '../people/auth';
import { CSV_COLUMNS, MAX_IMPORT_ROWS, REQUIRED_COLUMNS, decodeCsv, parseCsv, type CsvEncoding } from './csv';
import { businessDay, type Clock } from '../clock';
import { decimal, writeCsv } from '../platform/csv';
import type { TaskContext } from '../tasks';
import { productQuery } from './admin';
import { planImport, type CatalogueSnapshot, type ImportOptions, type PlannedOp } from './import-plan';
import { loadPinyin as loadPinyinPro, type PinyinFn } from './seed';

/** Each list of a preview holds at most this many entries (the counts are exact). */
export const PREVIEW_LIST_LIMIT = 1000;

/** A planned op as the plan keeps it: with the pinyin keys of a new or renamed Chinese name. */
type StoredOp = PlannedOp & { keys?: { pinyin: string; initials: string } };

/**
 * A preview's plan, as it comes back from the worker that computed it and goes to the one that
 * applies it: the ops travel as JSON in bytes, which the counter's thread keeps without reading.
 * (20,000 ops as objects, or as a string, are 20+ MB on its heap: copying them in, and the garbage
 * collection that follows, stopped the event loop for 0.2–0.3 s.)
 */
export interface SerializedPlan {
  token: string;
  fingerprint: string;
  fileSha: string;
  encoding: CsvEncoding;
  options: ImportOptions;
  /** UTF-8 JSON of the StoredOp[] */
  ops: Uint8Array;
  unchanged: number;
  rows: number;
}

/** An apply worked out ahead of its transaction (`prepareApply`). */
export interface PreparedApply {
  plan: SerializedPlan;
  actor: Actor;
  ops: StoredOp[];
  /** each op's audit row, at the op's index */
  audits: AuditRow[];
  note: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export class CatalogueCsvWork {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly timeZone: () => string,
    private readonly audit: Audit,
    private readonly loadPinyin: () => Promise<PinyinFn> = loadPinyinPro,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  /** The catalogue as CSV (the worker's side of `exportCsv`). */
  buildExport(): CatalogueExport {
    const rows = this.store.all(
      productQuery(this.k).orderBy('categories.sort').orderBy('categories.id').orderBy('products.sku'),
    );
    const cells = rows.map((r) => [
      r.sku,
      r.barcode ?? '',
      r.name_zh,
      r.name_en,
      r.category_code,
      decimal(fenToYuanString(r.price_fen)),
      r.unit,
      r.active ? 1 : 0,
      r.stock,
    ]);
    const content = writeCsv([CSV_COLUMNS, ...cells], { bom: true });
    return {
      filename: `counter-pos-catalogue-${businessDay(this.clock.now(), this.timeZone())}.csv`,
      content,
      rows: rows.length,
    };
  }

  /**
   * The catalogue's fingerprint (stock aside: a file's counts are targets, and sales must not void a
   * preview), and when asked the snapshot the plan reads.
   */
  private snapshot(): { snapshot: CatalogueSnapshot; fingerprint: string } {
    const products = this.store.all(this.k.selectFrom('products').selectAll().orderBy('id'));
    const categories = this.store.all(this.k.selectFrom('categories').select(['id', 'code']).orderBy('id'));
    return {
      fingerprint: fingerprintOf(products, categories),
      snapshot: {
        products: products.map((p) => ({
          id: p.id,
          sku: p.sku,
          barcode: p.barcode,
          nameZh: p.name_zh,
          nameEn: p.name_en,
          categoryId: p.category_id,
          priceFen: p.price_fen,
          unit: p.unit,
          active: p.active === 1,
          stock: p.stock,
        })),
        categories,
      },
    };
  }

  private refuse(reason: string, message: string, details: Record<string, string | number> = {}): never {
    throw new PosError('IMPORT_REFUSED', message, { reason, ...details });
  }

  /** The preview's work (the worker's side of `preview`): decode, parse, check, plan, pinyin. */
  async computePreview(
    bytes: Buffer,
    options: ImportOptions,
  ): Promise<{ preview: ImportPreview; plan: SerializedPlan | null }> {
    const fileSha = sha256(bytes);
    const { text, encoding } = decodeCsv(bytes);
    const { records, more } = parseCsv(text, MAX_IMPORT_ROWS + 1);
    if (more)
      this.refuse(
        'too_many_rows',
        `The file has more than ${MAX_IMPORT_ROWS} rows, the most one import takes: split it.`,
        { max: MAX_IMPORT_ROWS },
      );
    const head = records[0];
    if (!head) this.refuse('empty', 'The file is empty: it needs a header row and at least one product.');
    const header = head.cells.map((h) => h.trim().toLowerCase());
    const seen = new Set<string>();
    for (const h of header) {
      // a header cell may be a megabyte: it is quoted as a short, printable prefix
      if (!(CSV_COLUMNS as readonly string[]).includes(h)) {
        this.refuse(
          'unknown_column',
          `The header names a column "${shortPrefix(h)}" the till does not know; the columns are ${CSV_COLUMNS.join(', ')}.`,
          { column: shortPrefix(h) },
        );
      }
      if (seen.has(h)) this.refuse('duplicate_column', `The header names the column "${h}" twice.`, { column: h });
      seen.add(h);
    }
    for (const c of REQUIRED_COLUMNS) {
      if (!seen.has(c))
        this.refuse('missing_column', `The header has no "${c}" column; required: ${REQUIRED_COLUMNS.join(', ')}.`, {
          column: c,
        });
    }
    const data = records.slice(1);
    if (data.length === 0) this.refuse('no_rows', 'The file has a header but no products.');

    const { snapshot, fingerprint } = this.snapshot();
    const plan = planImport(header, data, snapshot, options);
    const errorLines = new Set(plan.errors.map((e) => e.line));
    const ok = plan.errors.length === 0;
    const token = ok ? sha256(`${fileSha}\n${JSON.stringify(options)}\n${fingerprint}`) : null;
    let serialized: SerializedPlan | null = null;
    if (token) {
      const needing = plan.ops.filter((o) => o.needsPinyin);
      const ops: StoredOp[] = plan.ops;
      if (needing.length > 0) {
        const keysOf = await this.loadPinyin();
        for (const o of needing as StoredOp[]) o.keys = keysOf(o.nameZh);
      }
      serialized = {
        token,
        fingerprint,
        fileSha,
        encoding,
        options,
        ops: Buffer.from(JSON.stringify(ops)),
        unchanged: plan.unchanged,
        rows: plan.rows,
      };
    }
    const change = (o: PlannedOp): ImportChange => ({
      line: o.line,
      productId: o.id,
      sku: o.sku,
      nameZh: o.nameZh,
      nameEn: o.nameEn,
      fields: o.fields,
    });
    const added = plan.ops.filter((o) => o.kind === 'add');
    const changed = plan.ops.filter((o) => o.kind === 'change' || o.kind === 'release');
    const retired = plan.ops.filter((o) => o.kind === 'retire');
    const preview: ImportPreview = {
      token,
      encoding,
      rows: plan.rows,
      options,
      errors: plan.errors.slice(0, PREVIEW_LIST_LIMIT),
      errorCount: plan.errors.length,
      badRows: errorLines.size,
      added: added.slice(0, PREVIEW_LIST_LIMIT).map(change),
      changed: changed.slice(0, PREVIEW_LIST_LIMIT).map(change),
      retired: retired.slice(0, PREVIEW_LIST_LIMIT).map(change),
      counts: { added: added.length, changed: changed.length, unchanged: plan.unchanged, retired: retired.length },
      stockIgnored: plan.stockIgnored,
      listLimit: PREVIEW_LIST_LIMIT,
    };
    return { preview, plan: serialized };
  }

  /**
   * Applies a preview, all or nothing; refused if the catalogue changed since (IMPORT_STALE). The
   * transaction runs in a worker on its own connection, holding the store's write gate while it

  /**
   * Everything an apply writes that does not depend on the moment of writing: the ops, and the audit
   * row of each product (category codes read now: were they to change before the write, the
   * fingerprint checked in `writeApply` would refuse it as stale).
   */
  prepareApply(plan: SerializedPlan, actor: Actor): PreparedApply {
    const ops = JSON.parse(
      Buffer.from(plan.ops.buffer, plan.ops.byteOffset, plan.ops.byteLength).toString('utf8'),
    ) as StoredOp[];
    const note = `CSV import ${plan.fileSha.slice(0, 12)}`;
    const codes = new Map(
      this.store.all(this.k.selectFrom('categories').select(['id', 'code'])).map((c) => [c.id, c.code]),
    );
    const audits = ops.map((o) => {
      const after = {
        sku: o.sku,
        barcode: o.barcode,
        nameZh: o.nameZh,
        nameEn: o.nameEn,
        category: codes.get(o.categoryId),
        priceFen: o.priceFen,
        unit: o.unit,
        active: o.active,
        ...(o.stock !== null ? { stock: o.stock } : {}),
      };
      if (o.before === null)
        return this.audit.row(actor, 'catalog.product.create', `product:${o.sku}`, { after, note });
      const b = o.before;
      const before = {
        sku: b.sku,
        barcode: b.barcode,
        nameZh: b.nameZh,
        nameEn: b.nameEn,
        category: codes.get(b.categoryId),
        priceFen: b.priceFen,
        unit: b.unit,
        active: b.active,
        ...(o.stock !== null ? { stock: b.stock } : {}),
      };
      return this.audit.row(
        actor,
        o.kind === 'retire' ? 'catalog.product.retire' : 'catalog.product.update',
        `product:${o.sku}`,
        { before, after, note },
      );
    });
    return { plan, actor, ops, audits, note };
  }

  /** Writes a prepared apply in one transaction; IMPORT_STALE if the catalogue changed since the preview. */
  writeApply(p: PreparedApply): ImportApplied {
    const { plan, actor, ops, note } = p;
    return this.store.tx(() => {
      if (this.fingerprint() !== plan.fingerprint) {
        throw new PosError(
          'IMPORT_STALE',
          'The catalogue changed since this preview: preview the file again to see what it would change now.',
        );
      }
      const now = this.clock.now();
      const sql = this.importStatements();
      let stockMoves = 0;
      const move = (productId: number, delta: number, stockAfter: number) => {
        this.store.runCompiled(sql.move, [
          productId,
          delta,
          'import',
          null,
          null,
          actor.name,
          actor.approvedBy,
          now,
          note,
          stockAfter,
        ]);
        stockMoves++;
      };
      // barcodes that move are freed first: the database holds each barcode once, at every statement
      for (const o of ops) {
        if (o.id !== null && o.barcodeChanged) this.store.runCompiled(sql.freeBarcode, [null, o.id]);
      }
      ops.forEach((o, i) => {
        const keys = o.keys;
        const active = o.active ? 1 : 0;
        if (o.id === null) {
          // a new product is written with its count, and its move says so
          const stock = o.stock ?? 0;
          const id = this.store.runCompiled(sql.insert, [
            o.barcode,
            o.nameZh,
            o.nameEn,
            o.categoryId,
            o.priceFen,
            o.unit,
            active,
            now,
            o.sku,
            keys?.pinyin ?? '',
            keys?.initials ?? '',
            stock,
            now,
          ]).lastInsertRowid;
          if (stock !== 0) move(id, stock, stock);
        } else {
          if (keys)
            this.store.runCompiled(sql.updateWithKeys, [
              o.barcode,
              o.nameZh,
              o.nameEn,
              o.categoryId,
              o.priceFen,
              o.unit,
              active,
              now,
              keys.pinyin,
              keys.initials,
              o.id,
            ]);
          else
            this.store.runCompiled(sql.update, [
              o.barcode,
              o.nameZh,
              o.nameEn,
              o.categoryId,
              o.priceFen,
              o.unit,
              active,
              now,
              o.id,
            ]);
          if (o.stock !== null) {
            const current = this.store.first(this.k.selectFrom('products').select('stock').where('id', '=', o.id));
            const delta = o.stock - (current?.stock ?? 0);
            if (delta !== 0) {
              this.store.runCompiled(sql.setStock, [o.stock, o.id]);
              move(o.id, delta, o.stock);
            }
          }
        }
        this.audit.write(p.audits[i] as AuditRow);
      });
      const counts = {
        added: ops.filter((o) => o.kind === 'add').length,
        changed: ops.filter((o) => o.kind === 'change' || o.kind === 'release').length,
        retired: ops.filter((o) => o.kind === 'retire').length,
        unchanged: plan.unchanged,
        stockMoves,
      };
      this.audit.record(actor, 'catalog.import', null, {
        after: { ...counts, rows: plan.rows, sha256: plan.fileSha, encoding: plan.encoding, ...plan.options },
        note,
      });
      return counts;
    });
  }

  /** The catalogue's fingerprint now (what a preview was made against). */
  private fingerprint(): string {
    const products = this.store.all(this.k.selectFrom('products').selectAll().orderBy('id'));
    const categories = this.store.all(this.k.selectFrom('categories').select(['id', 'code']).orderBy('id'));
    return fingerprintOf(products, categories);
  }

  /** The import's statements, compiled once; their parameters in the order of the values below. */
  private importStatements() {
    const k = this.k;
    const fields = {
      barcode: null,
      name_zh: '',
      name_en: '',
      category_id: 0,
      price_fen: 0,
      unit: '',
      active: 0,
      updated_at: 0,
    };
    return {
      freeBarcode: k.updateTable('products').set({ barcode: null }).where('id', '=', 0).compile().sql,
      insert: k
        .insertInto('products')
        .values({ ...fields, sku: '', pinyin: '', pinyin_initials: '', stock: 0, created_at: 0 })
        .compile().sql,
      update: k.updateTable('products').set(fields).where('id', '=', 0).compile().sql,
      updateWithKeys: k
        .updateTable('products')
        .set({ ...fields, pinyin: '', pinyin_initials: '' })
        .where('id', '=', 0)
        .compile().sql,
      setStock: k.updateTable('products').set({ stock: 0 }).where('id', '=', 0).compile().sql,
      move: k
        .insertInto('stock_moves')
        .values({
          product_id: 0,
          delta: 0,
          reason: 'import',
          order_id: null,
          refund_id: null,
          actor: '',
          approved_by: null,
          at: 0,
          note: null,
          stock_after: 0,
        })
        .compile().sql,
    };
  }
}

/** SHA-256 over what a preview depends on: every product but its stock, and the category codes. */
function fingerprintOf(products: readonly ProductRow[], categories: readonly { id: number; code: string }[]): string {
  const h = createHash('sha256');
  for (const p of products) {
    h.update(
      `${p.id}\t${p.sku}\t${p.barcode ?? ''}\t${p.name_zh}\t${p.name_en}\t${p.category_id}\t${p.price_fen}\t${p.unit}\t${p.active}\n`,
    );
  }
  for (const c of categories) h.update(`c${c.id}\t${c.code}\n`);
  return h.digest('hex');
}

/** The work where a task runs: at the moment the counter's thread asked, in its store's time zone. */
function work(store: Store, now: number, timeZone: string): CatalogueCsvWork {
  const clock: Clock = { now: () => now };
  return new CatalogueCsvWork(store, clock, () => timeZone, new Audit(store, clock));
}

/** The catalogue's tasks (core/worker-tasks.ts registers them): their input is plain data, copied to the worker. */
export const CATALOGUE_TASKS = {
  'catalog.export': (i: { now: number; timeZone: string }, ctx: TaskContext): CatalogueExport => {
    const store = ctx.store('read');
    return store.snapshot(() => work(store, i.now, i.timeZone).buildExport());
  },
  'catalog.preview': (
    i: { bytes: Uint8Array; options: ImportOptions; now: number; timeZone: string },
    ctx: TaskContext,
  ) => {
    const bytes = Buffer.from(i.bytes.buffer, i.bytes.byteOffset, i.bytes.byteLength);
    return work(ctx.store('read'), i.now, i.timeZone).computePreview(bytes, i.options);
  },
  'catalog.apply': (i: { plan: SerializedPlan; actor: Actor; now: number; timeZone: string }, ctx: TaskContext) => {
    const csv = work(ctx.store('write'), i.now, i.timeZone);
    // every row worked out first; the write lock only for the transaction
    const prepared = csv.prepareApply(i.plan, i.actor);
    return ctx.write(() => csv.writeApply(prepared));
  },
};
