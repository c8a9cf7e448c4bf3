import { sql, type Kysely, type Migration } from 'kysely';
import { offsetTransitions, systemZone, validTimeZone } from '../tz-offsets';

/**
 * Sales review at a million orders: summary tables kept by SQLite triggers in the same transaction as
 * the sale or refund that changes them, so a report reads a few thousand summary rows instead of
 * millions of orders and lines.
 *
 * - `report_sales_day`  per business day × payment method × mode × clerk × terminal
 * - `report_sales_month` the same per calendar month (a year's report reads 12 months of it)
 * - `report_sales_hour` per business day × hour of day (store time)
 * - `report_product_day` / `report_product_month` per day (month) × product
 *
 * Each holds, for paid orders: orders, items, gross (before discounts) and discounts; and for
 * succeeded refunds: refunds (fen and count) and refunded items (by line). The facts are:
 *
 * - **A sale** is an order whose status is paid, partially refunded or refunded. It counts on its
 *   business day and the store-time hour it was confirmed, for its clerk and terminal, under the
 *   method of the payment that holds its money (the order's paid or partially refunded attempt, else
 *   the refunded one paid last). Lines count for their product.
 * - **A refund** counts when it has succeeded, on the store-time day and hour it finished, under the
 *   method of its attempt (always the original method), for the order's clerk and terminal, when the
 *   attempt is the payment holding the order's money (money given back for a double or late payment
 *   never counted as a sale, so it is not deducted either). A refund by line also counts against each
 *   line's product; a refund by amount only against the method, day and clerk.
 *
 * Why triggers rather than calls from the core: every path that pays or refunds (cash, a polled
 * intermediary payment, an owner accepting late money, a cash refund given at once, an intermediary
 * refund followed to its end) changes `orders.status` or `refunds.state`, and the triggers see each
 * of them inside its transaction, with no code path able to forget a hook. The store's UTC offsets
 * (`report_tz`, one row per offset change) let SQL find the store-time day and hour of an instant.
 *
 * `REPORT_REBUILD_SQL` recomputes every summary row from the raw tables (the backfill here; the data
 * generator and a change of the store's time zone run it too).
 */

const PAID = `('paid', 'partially_refunded', 'refunded')`;

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
      out.push(`insert into ${table} (${key}, method, mode, clerk, terminal, orders, items, gross_fen, discount_fen)
        select ${k}, coalesce(h.method, 'none'), coalesce(h.mode, 'none'), o.clerk, o.terminal,
          ${s}count(*), ${s}sum(o.item_count), ${s}sum(o.subtotal_fen), ${s}sum(o.line_discount_fen + o.order_discount_fen)
        from orders o left join payment_attempts h on h.id = ${holder}
        where ${where}
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
  const cond = `${where} and o.status in ${PAID}${holderOnly ? ` and r.attempt_id = ${holderId('r.order_id')}` : ''}`;
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

export const REPORT_TABLES = [
  'report_sales_day',
  'report_sales_month',
  'report_sales_hour',
  'report_product_day',
  'report_product_month',
] as const;

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

/** The store's time zone as the app will use it: the setting, else the system's. */
async function storeZone(db: Kysely<unknown>): Promise<string> {
  const r = await sql<{ value: string }>`select value from settings where key = 'store.timeZone'`.execute(db);
  let setting: string | null = null;
  try {
    const v: unknown = r.rows[0] ? JSON.parse(r.rows[0].value) : null;
    setting = typeof v === 'string' ? v : null;
  } catch {
    setting = null;
  }
  return validTimeZone(setting) ?? systemZone();
}

export const m0008ReportRollups: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('report_tz')
      .addColumn('from_ms', 'integer', (c) => c.primaryKey())
      .addColumn('offset_min', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('report_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .modifyEnd(sql`without rowid`)
      .execute();

    const measures = (names: readonly string[]) => names.map((m) => `${m} integer not null default 0`).join(', ');
    for (const ddl of [
      `create table report_sales_day (business_day text not null, method text not null, mode text not null, clerk text not null,
         terminal text not null, ${measures(SALES_MEASURES)}, primary key (business_day, method, mode, clerk, terminal)) without rowid`,
      `create table report_sales_month (month text not null, method text not null, mode text not null, clerk text not null,
         terminal text not null, ${measures(SALES_MEASURES)}, primary key (month, method, mode, clerk, terminal)) without rowid`,
      `create table report_sales_hour (business_day text not null, hour integer not null, ${measures(SALES_MEASURES)},
         primary key (business_day, hour)) without rowid`,
      `create table report_product_day (business_day text not null, product_id integer not null, ${measures(PRODUCT_MEASURES)},
         primary key (business_day, product_id)) without rowid`,
      `create table report_product_month (month text not null, product_id integer not null, ${measures(PRODUCT_MEASURES)},
         primary key (month, product_id)) without rowid`,
    ]) {
      await sql.raw(ddl).execute(db);
    }

    const zone = await storeZone(db);
    for (const o of offsetTransitions(zone)) {
      await sql`insert into report_tz (from_ms, offset_min) values (${o.fromMs}, ${o.offsetMin})`.execute(db);
    }
    await sql`insert into report_meta (key, value) values ('timeZone', ${zone})`.execute(db);

    for (const t of REPORT_TRIGGERS) await sql.raw(t).execute(db);
    for (const s of REPORT_REBUILD_SQL) await sql.raw(s).execute(db);
  },
};
