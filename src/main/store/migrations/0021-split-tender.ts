import { sql, type Kysely, type Migration } from 'kysely';
import { REPORT_TABLES } from './0008-report-rollups';

/**
 * Split tender (组合支付): an order may be paid by several parts (payment attempts each for some of
 * what it owes; core/payments/tender.ts).
 *
 * - `payment_attempts_one_success` (one paid attempt per order, 0005) goes: a split order holds its
 *   money in several paid parts. Money beyond the total still never becomes a paid part (it is a
 *   double payment for the owner: core/payments/attempt-settle.ts), which the crash matrix and the
 *   split-tender tests check.
 * - The report rollups (0008) counted a whole order under the one payment holding its money. A
 *   split order now counts each part's amount under the part's own method and mode: the part's
 *   gross is its share of the order's gross (rounded down, the last part takes the remainder) and
 *   its discount the rest, so its sales are exactly its amount and the parts add up to the order;
 *   the order and its items count once, under its last part. A refund of any part counts under that
 *   part's method. An order is split when one of its paid attempts is for less than its total (a
 *   single payment, even a double payment kept, is always for the whole total). Orders paid by one
 *   payment count exactly as before.
 *
 * The triggers are replaced (same names, same events); the builders are 0008's with the split cases
 * added (a migration is history: 0008 keeps its own). No split order exists before this migration,
 * so the summary rows need no rebuild; `REPORT_REBUILD_SQL` here is the one the app runs from now on.
 */

const PAID = `('paid', 'partially_refunded', 'refunded')`;

/** The order `o` is a split tender: one of its paid attempts is for less than its total. */
const SPLIT = `exists (select 1 from payment_attempts x where x.order_id = o.id and x.state in ${PAID} and x.amount_fen < o.total_fen)`;
/** The attempt `id` is a part of a split tender (of the order `o`). */
const SPLIT_PART = (id: string) =>
  `exists (select 1 from payment_attempts x where x.id = ${id} and x.state in ${PAID} and x.amount_fen < o.total_fen)`;
/** The last paid part of the order `o`: the order and its items count under it. */
const LAST_PART = `(select max(x.id) from payment_attempts x where x.order_id = o.id and x.state in ${PAID})`;
/** The part `h`'s share of the order's gross: rounded down; the last part takes what the others leave. */
const PART_GROSS = `(case when h.id = ${LAST_PART}
    then o.subtotal_fen - (select coalesce(sum(o.subtotal_fen * x.amount_fen / o.total_fen), 0) from payment_attempts x
      where x.order_id = o.id and x.state in ${PAID} and x.id <> h.id)
    else o.subtotal_fen * h.amount_fen / o.total_fen end)`;

/**
 * The attempt holding the order's money: its paid or partially refunded one, else the refunded one
 * paid last (after a double payment kept, the cash refunded and then the kept payment refunded too,
 * the kept one was paid last: an owner's accept stamps it).
 */
const holderId = (orderId: string) =>
  `(select h.id from payment_attempts h where h.order_id = ${orderId} and h.state in ${PAID}
     order by (h.state = 'refunded'), h.paid_at desc, h.id desc limit 1)`;

const offsetMs = (t: string) =>
  `(coalesce((select z.offset_min from report_tz z where z.from_ms <= ${t} order by z.from_ms desc limit 1), 0) * 60000)`;
const localDay = (t: string) => `date((${t} + ${offsetMs(t)}) / 1000, 'unixepoch')`;
const localHour = (t: string) => `(((${t} + ${offsetMs(t)}) / 3600000) % 24)`;
/** A refund's `lines` JSON when it is an array, else an empty one (a malformed value never fails a refund). */
const lines = (x: string) =>
  `(case when json_valid(${x}) then (case when json_type(${x}) = 'array' then ${x} else '[]' end) else '[]' end)`;
const int = (x: string) => `coalesce(cast(${x} as integer), 0)`;
const refundTime = `coalesce(r.finished_at, r.updated_at)`;
/**
 * A field of the refund line `j` (from json_each over the refund's lines), read by its path in the
 * whole, valid document: json_extract never raises on it, whatever the element is.
 */
const lineField = (field: string) => `json_extract(${lines('r.lines')}, j.fullkey || '.${field}')`;
const refundItems = `(select ${int('sum(' + int(lineField('qty')) + ')')} from json_each(${lines('r.lines')}) j)`;

const SALES_MEASURES = [
  'orders',
  'items',
  'gross_fen',
  'discount_fen',
  'refund_fen',
  'refunds',
  'refund_items',
] as const;
const PRODUCT_MEASURES = ['orders', 'qty', 'gross_fen', 'discount_fen', 'refund_fen', 'refund_qty'] as const;
const add = (measures: readonly string[]) => measures.map((m) => `${m} = ${m} + excluded.${m}`).join(', ');
const UPSERT_DAY = `on conflict (business_day, method, mode, clerk, terminal) do update set ${add(SALES_MEASURES)}`;
const UPSERT_SMONTH = `on conflict (month, method, mode, clerk, terminal) do update set ${add(SALES_MEASURES)}`;
const UPSERT_HOUR = `on conflict (business_day, hour) do update set ${add(SALES_MEASURES)}`;
const UPSERT_PDAY = `on conflict (business_day, product_id) do update set ${add(PRODUCT_MEASURES)}`;
const UPSERT_PMONTH = `on conflict (month, product_id) do update set ${add(PRODUCT_MEASURES)}`;

/**
 * Sale facts of the orders `o` matching `where`, times `sign`, under the payment `holder` (an id
 * expression; default: the order's holder now).
 */
function saleFacts(
  where: string,
  sign: 1 | -1,
  holder = holderId('o.id'),
  tables: { day: boolean; rest: boolean } = { day: true, rest: true },
): string[] {
  const s = sign === 1 ? '' : '-';
  const out: string[] = [];
  if (tables.day) {
    for (const [table, key, k, upsert] of [
      ['report_sales_day', 'business_day', 'o.business_day', UPSERT_DAY],
      ['report_sales_month', 'month', 'substr(o.business_day, 1, 7)', UPSERT_SMONTH],
    ] as const) {
      // one payment: the whole order under the payment holding its money
      out.push(`insert into ${table} (${key}, method, mode, clerk, terminal, orders, items, gross_fen, discount_fen)
        select ${k}, coalesce(h.method, 'none'), coalesce(h.mode, 'none'), o.clerk, o.terminal,
          ${s}count(*), ${s}sum(o.item_count), ${s}sum(o.subtotal_fen), ${s}sum(o.line_discount_fen + o.order_discount_fen)
        from orders o left join payment_attempts h on h.id = ${holder}
        where ${where} and not ${SPLIT}
        group by 1, 2, 3, 4, 5
        ${upsert}`);
      // split tender: each part's amount under its own method (its sales = its amount), the order and
      // its items once, under its last part
      out.push(`insert into ${table} (${key}, method, mode, clerk, terminal, orders, items, gross_fen, discount_fen)
        select ${k}, h.method, h.mode, o.clerk, o.terminal,
          ${s}sum(h.id = ${LAST_PART}), ${s}sum(case when h.id = ${LAST_PART} then o.item_count else 0 end),
          ${s}sum(${PART_GROSS}), ${s}sum(${PART_GROSS} - h.amount_fen)
        from orders o join payment_attempts h on h.order_id = o.id and h.state in ${PAID}
        where ${where} and ${SPLIT}
        group by 1, 2, 3, 4, 5
        ${upsert}`);
    }
  }
  if (tables.rest) {
    out.push(`insert into report_sales_hour (business_day, hour, orders, items, gross_fen, discount_fen)
      select o.business_day, ${localHour('o.created_at')},
        ${s}count(*), ${s}sum(o.item_count), ${s}sum(o.subtotal_fen), ${s}sum(o.line_discount_fen + o.order_discount_fen)
      from orders o
      where ${where}
      group by 1, 2
      ${UPSERT_HOUR}`);
    for (const [table, key, upsert] of [
      ['report_product_day', 'business_day', UPSERT_PDAY],
      ['report_product_month', 'month', UPSERT_PMONTH],
    ] as const) {
      const k = key === 'month' ? 'substr(o.business_day, 1, 7)' : 'o.business_day';
      out.push(`insert into ${table} (${key}, product_id, orders, qty, gross_fen, discount_fen)
        select ${k}, l.product_id, ${s}count(*), ${s}sum(l.qty), ${s}sum(l.gross_fen), ${s}sum(l.line_discount_fen + l.order_discount_share_fen)
        from orders o join order_lines l on l.order_id = o.id
        where ${where}
        group by 1, 2
        ${upsert}`);
    }
  }
  return out;
}

/**
 * Refund facts of the refunds `r` (a table or a derived row) matching `where`, times `sign`. With
 * `holderOnly`, only refunds of the payment holding the order's money now count.
 */
function refundFacts(source: string, where: string, sign: 1 | -1, holderOnly: boolean, months = true): string[] {
  const s = sign === 1 ? '' : '-';
  const cond = `${where} and o.status in ${PAID}${holderOnly ? ` and (r.attempt_id = ${holderId('r.order_id')} or ${SPLIT_PART('r.attempt_id')})` : ''}`;
  const day = localDay(refundTime);
  const sales = months
    ? ([
        ['report_sales_day', 'business_day', day, UPSERT_DAY],
        ['report_sales_month', 'month', `substr(${day}, 1, 7)`, UPSERT_SMONTH],
      ] as const)
    : ([['report_sales_day', 'business_day', day, UPSERT_DAY]] as const);
  const out = sales.map(
    ([
      table,
      key,
      k,
      upsert,
    ]) => `insert into ${table} (${key}, method, mode, clerk, terminal, refund_fen, refunds, refund_items)
      select ${k}, a.method, a.mode, o.clerk, o.terminal, ${s}sum(r.amount_fen), ${s}count(*), ${s}sum(${refundItems})
      from ${source} join orders o on o.id = r.order_id join payment_attempts a on a.id = r.attempt_id
      where ${cond}
      group by 1, 2, 3, 4, 5
      ${upsert}`,
  );
  out.push(
    `insert into report_sales_hour (business_day, hour, refund_fen, refunds, refund_items)
      select ${day}, ${localHour(refundTime)}, ${s}sum(r.amount_fen), ${s}count(*), ${s}sum(${refundItems})
      from ${source} join orders o on o.id = r.order_id
      where ${cond}
      group by 1, 2
      ${UPSERT_HOUR}`,
  );
  const tables = months
    ? ([
        ['report_product_day', 'business_day', day, UPSERT_PDAY],
        ['report_product_month', 'month', `substr(${day}, 1, 7)`, UPSERT_PMONTH],
      ] as const)
    : ([['report_product_day', 'business_day', day, UPSERT_PDAY]] as const);
  for (const [table, key, k, upsert] of tables) {
    out.push(`insert into ${table} (${key}, product_id, refund_fen, refund_qty)
      select ${k}, l.product_id, ${s}sum(${int(lineField('amountFen'))}), ${s}sum(${int(lineField('qty'))})
      from ${source} join orders o on o.id = r.order_id
        join json_each(${lines('r.lines')}) j
        join order_lines l on l.order_id = r.order_id and l.line_no = ${lineField('lineNo')}
      where ${cond}
      group by 1, 2
      ${upsert}`);
  }
  return out;
}

const trigger = (name: string, on: string, when: string, body: string[]) =>
  `create trigger ${name} after ${on} when ${when}
   begin
     ${body.join(';\n')};
   end`;

const refundRow = (r: 'new' | 'old') =>
  `(select ${r}.id as id, ${r}.order_id as order_id, ${r}.attempt_id as attempt_id, ${r}.amount_fen as amount_fen, ${r}.lines as lines,
     ${r}.finished_at as finished_at, ${r}.updated_at as updated_at) r`;

/** The payment that held an order's money before `new` (an attempt just paid) took it over. */
const previousHolder = `(select p.id from payment_attempts p where p.order_id = new.order_id and p.id <> new.id and p.state = 'refunded'
  order by p.paid_at desc, p.id desc limit 1)`;

export const REPORT_TRIGGERS: readonly string[] = [
  // an order becomes a sale (cash, an intermediary payment, an owner accepting late money)
  trigger(
    'report_order_paid',
    'update of status on orders',
    `old.status in ('open', 'cancelled') and new.status in ${PAID}`,
    saleFacts('o.id = new.id', 1),
  ),
  // a refund succeeds: an intermediary refund followed to its end …
  trigger(
    'report_refund_succeeded',
    'update of state on refunds',
    `new.state = 'succeeded' and old.state <> 'succeeded'`,
    refundFacts(refundRow('new'), 'true', 1, true),
  ),
  // … or cash given back from the drawer, written succeeded at once
  trigger(
    'report_refund_inserted',
    'insert on refunds',
    `new.state = 'succeeded'`,
    refundFacts(refundRow('new'), 'true', 1, true),
  ),
  // never expected (succeeded is final), kept exact anyway
  trigger(
    'report_refund_unsucceeded',
    'update of state on refunds',
    `old.state = 'succeeded' and new.state <> 'succeeded'`,
    refundFacts(refundRow('old'), 'true', -1, true),
  ),
  // an owner keeps a double payment and gives the cash back: the sale moves to the kept payment,
  // and the cash given back is no longer a refund of the sale
  trigger(
    'report_holder_switch',
    'update of state on payment_attempts',
    `new.state in ('paid', 'partially_refunded') and old.state not in ${PAID}
      and new.amount_fen = (select total_fen from orders where id = new.order_id)
      and (select status from orders where id = new.order_id) in ${PAID}
      and ${previousHolder} is not null`,
    [
      ...saleFacts('o.id = new.order_id', -1, previousHolder, { day: true, rest: false }),
      ...saleFacts('o.id = new.order_id', 1, 'new.id', { day: true, rest: false }),
      ...refundFacts('refunds r', `r.attempt_id = ${previousHolder} and r.state = 'succeeded'`, -1, false),
      ...refundFacts('refunds r', `r.attempt_id = new.id and r.state = 'succeeded'`, 1, false),
    ],
  ),
];

/** Recomputes every summary row from the raw tables (run inside one transaction). */
export const REPORT_REBUILD_SQL: readonly string[] = [
  ...REPORT_TABLES.map((t) => `delete from ${t}`),
  ...saleFacts(`o.status in ${PAID}`, 1).filter(
    (s) => !s.includes('report_product_month') && !s.includes('report_sales_month'),
  ),
  ...refundFacts('refunds r', `r.state = 'succeeded'`, 1, true, false),
  `insert into report_sales_month (month, method, mode, clerk, terminal, ${SALES_MEASURES.join(', ')})
    select substr(business_day, 1, 7), method, mode, clerk, terminal, ${SALES_MEASURES.map((m) => `sum(${m})`).join(', ')}
    from report_sales_day where true group by 1, 2, 3, 4, 5
    ${UPSERT_SMONTH}`,
  `insert into report_product_month (month, product_id, ${PRODUCT_MEASURES.join(', ')})
    select substr(business_day, 1, 7), product_id, ${PRODUCT_MEASURES.map((m) => `sum(${m})`).join(', ')}
    from report_product_day where true group by 1, 2
    ${UPSERT_PMONTH}`,
];

const TRIGGER_NAMES = [
  'report_order_paid',
  'report_refund_succeeded',
  'report_refund_inserted',
  'report_refund_unsucceeded',
  'report_holder_switch',
] as const;

export const m0021SplitTender: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('payment_attempts_one_success').execute();
    for (const name of TRIGGER_NAMES) await sql.raw(`drop trigger ${name}`).execute(db);
    for (const t of REPORT_TRIGGERS) await sql.raw(t).execute(db);
  },
};
