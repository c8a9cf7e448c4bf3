/**
 * One writer of payment truth (issue 11): only src/main/core/payments/truth.ts writes payment
 * attempts, refunds and payment exceptions, or makes an order paid or refunded. This test reads
 * every source file of src/main with the TypeScript parser and fails on any other module that
 * - calls kysely's `insertInto`, `updateTable`, `deleteFrom`, `replaceInto` or `mergeInto` on
 *   `payment_attempts`, `refunds` or `payment_exceptions`;
 * - calls `updateTable('orders')` with a `.set(…)` that writes `paid_at`, or a `status` other than
 *   the literal `'cancelled'` (cancelling an unpaid order is the sale's, not the payment's);
 * - holds SQL text (a string or template literal, `sql\`…\`` included) that inserts into, updates or
 *   deletes from those tables, or updates an order's status or `paid_at`.
 * Not scanned: the migrations (src/main/store/migrations, the schema's history, frozen) and the
 * guided restore's re-entry (core/recovery.ts copies whole rows of every table as they were, by a
 * table name it does not spell out, so the scan does not see it and needs no exception).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const WRITER = 'src/main/core/payments/truth.ts';
const SKIPPED = ['src/main/store/migrations/'];
const TRUTH_TABLES = new Set(['payment_attempts', 'refunds', 'payment_exceptions']);
const WRITE_CALLS = new Set(['insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);
const RAW_WRITE =
  /\b(?:insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+["'`[]?(payment_attempts|refunds|payment_exceptions)\b/i;
const RAW_ORDER_PAID = /\bupdate\s+["'`[]?orders["'`\]]?\s+set\b[\s\S]*?\b(?:status|paid_at)\b/i;

/** The call whose method is `.set` further along the chain that starts with `start`, if any. */
function setCallOf(start: ts.CallExpression): ts.CallExpression | null {
  let n: ts.Node = start;
  while (ts.isPropertyAccessExpression(n.parent) && ts.isCallExpression(n.parent.parent)) {
    const call = n.parent.parent;
    if (n.parent.name.text === 'set') return call;
    n = call;
  }
  return null;
}

/** Whether a `.set(…)` argument on orders writes what only the truth may: `paid_at`, or a status but 'cancelled'. */
function writesOrderPayment(arg: ts.Expression | undefined): boolean {
  if (!arg || !ts.isObjectLiteralExpression(arg)) return true; // not provably harmless
  for (const p of arg.properties) {
    if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) return true; // a spread
    const name = p.name.getText();
    if (name === 'paid_at') return true;
    if (name === 'status') {
      if (!ts.isPropertyAssignment(p)) return true;
      const v = p.initializer;
      if (!(ts.isStringLiteralLike(v) && v.text === 'cancelled')) return true;
    }
  }
  return false;
}

/** Every place in one file that writes payment truth (empty for the writer itself is not assumed: the caller skips it). */
export function truthWrites(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const at = (n: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const method = n.expression.name.text;
      const arg = n.arguments[0];
      if (WRITE_CALLS.has(method) && arg && ts.isStringLiteralLike(arg)) {
        const table = arg.text.split(/\s+as\s+/i)[0]!.trim();
        if (TRUTH_TABLES.has(table)) out.push(`${at(n)}: ${method}('${table}')`);
        if (table === 'orders' && method === 'updateTable') {
          const set = setCallOf(n);
          if (set && writesOrderPayment(set.arguments[0])) out.push(`${at(n)}: updateTable('orders') sets its payment`);
        }
      } else if (WRITE_CALLS.has(method) && arg && !ts.isStringLiteralLike(arg)) {
        out.push(`${at(n)}: ${method}(<a table named by an expression>)`);
      }
    }
    let sqlText: string | null = null;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) sqlText = n.text;
    else if (ts.isTemplateExpression(n))
      sqlText = [n.head.text, ...n.templateSpans.map((s) => `? ${s.literal.text}`)].join('');
    if (sqlText !== null && (RAW_WRITE.test(sqlText) || RAW_ORDER_PAID.test(sqlText)))
      out.push(`${at(n)}: SQL text writes payment truth`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('one writer of payment truth', () => {
  it('only core/payments/truth.ts writes attempts, refunds, payment exceptions and an order’s payment', () => {
    const found: string[] = [];
    let writerSeen = 0;
    for (const path of sources(join(ROOT, 'src/main'))) {
      const file = relative(ROOT, path).split(sep).join('/');
      if (SKIPPED.some((s) => file.startsWith(s))) continue;
      const writes = truthWrites(file, readFileSync(path, 'utf8'));
      if (file === WRITER) writerSeen = writes.length;
      else found.push(...writes);
    }
    expect(found, `payment truth written outside ${WRITER}:\n${found.join('\n')}`).toEqual([]);
    // the scan does see the writer's own writes (it would pass vacuously otherwise)
    expect(writerSeen).toBeGreaterThanOrEqual(10);
  });

  it('catches each kind of write it forbids, and lets reads and a cancellation through', () => {
    const bad = [
      "k.updateTable('payment_attempts').set({ state: 'paid' }).where('id', '=', 1)",
      "k.insertInto('refunds').values(row)",
      "k.deleteFrom('payment_exceptions as e').where('id', '=', 1)",
      "k.updateTable('orders').set({ status: 'paid', paid_at: now }).where('id', '=', 1)",
      "k.updateTable('orders').set({ status: to }).where('id', '=', 1)",
      "k.updateTable('orders').set(changes).where('id', '=', 1)",
      'db.prepare("UPDATE payment_attempts SET state = ? WHERE id = ?")',
      'sql`insert into payment_exceptions (kind) values (${kind})`',
      "db.exec('update orders set status = 2 where id = 1')",
      'k.updateTable(table).set({ x: 1 })',
    ];
    for (const line of bad) expect(truthWrites('x.ts', `${line};`), line).toHaveLength(1);
    const fine = [
      "k.selectFrom('payment_attempts').selectAll().where('state', 'in', ['paid'])",
      "k.selectFrom('refunds').innerJoin('payment_attempts', 'payment_attempts.id', 'refunds.attempt_id')",
      "k.updateTable('orders').set({ status: 'cancelled', cancelled_at: now }).where('id', '=', 1)",
      "k.updateTable('carts').set({ status: 'ordered' })",
      "db.prepare('select id from refunds where state in (?, ?)')",
      "const help = 'refunds update the order'",
    ];
    for (const line of fine) expect(truthWrites('x.ts', `${line};`), line).toEqual([]);
  });
});
