import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Stock counts and their history:
 * - `products.stock`: how many the shop holds (an integer; it may go negative — a till never
 *   refuses a sale for stock). Existing products start at 0: nothing was counted before.
 * - `stock_moves`: every change of a count, append-only — a sale, a refund that put goods back,
 *   an owner's adjustment (with the reason), an import — with who (and which owner approved), when
 *   and the count after it.
 *
 * Sales and restocking refunds move stock **by trigger**, so no code path that marks an order paid
 * (cash in orders.ts, an intermediary in payments.ts, late money accepted in exceptions.ts, or a
 * path added later) can forget it, and the move commits in the same transaction as the status:
 * - an order becoming `paid` from `open` or `cancelled` takes its lines' quantities out (once per
 *   order: a second transition finds the sale moves and does nothing);
 * - a refund becoming `succeeded` (inserted so, for cash, or updated so, for an intermediary) with
 *   `restock = 1` and `lines` a JSON array `[{lineNo, qty, amountFen}]` puts those quantities back,
 *   for products whose sale took stock (an order paid before this migration took none). A refund by
 *   amount (`lines` null) or with malformed `lines` restocks nothing — and never blocks the refund.
 */
export const m0007CatalogueStock: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('products')
      .addColumn('stock', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('stock_moves')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id'))
      .addColumn('delta', 'integer', (c) => c.notNull().check(sql`delta <> 0`))
      .addColumn('reason', 'text', (c) =>
        c.notNull().check(sql`reason in ('sale', 'refund_restock', 'adjustment', 'import')`),
      )
      .addColumn('order_id', 'integer', (c) => c.references('orders.id'))
      .addColumn('refund_id', 'integer', (c) => c.references('refunds.id'))
      .addColumn('actor', 'text', (c) => c.notNull())
      // the owner whose PIN approved a clerk's adjustment or import
      .addColumn('approved_by', 'text')
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('stock_after', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('stock_moves_product').on('stock_moves').columns(['product_id', 'id']).execute();
    await db.schema
      .createIndex('stock_moves_order')
      .on('stock_moves')
      .column('order_id')
      .where(sql.ref('order_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('stock_moves_refund')
      .on('stock_moves')
      .column('refund_id')
      .where(sql.ref('refund_id'), 'is not', null)
      .execute();
    await sql`create trigger stock_moves_no_update before update on stock_moves
      begin select raise(abort, 'stock_moves is append-only'); end`.execute(db);
    await sql`create trigger stock_moves_no_delete before delete on stock_moves
      begin select raise(abort, 'stock_moves is append-only'); end`.execute(db);

    // A sale: the order's lines leave the shelf when the order becomes paid, by whatever path.
    await sql`create trigger orders_paid_take_stock after update of status on orders
      when new.status = 'paid' and old.status in ('open', 'cancelled')
        and not exists (select 1 from stock_moves s where s.order_id = new.id and s.reason = 'sale')
      begin
        insert into stock_moves (product_id, delta, reason, order_id, refund_id, actor, at, note, stock_after)
          select l.product_id, -sum(l.qty), 'sale', new.id, null, new.clerk, coalesce(new.paid_at, new.created_at), null,
                 (select p.stock from products p where p.id = l.product_id) - sum(l.qty)
          from order_lines l where l.order_id = new.id
          group by l.product_id having sum(l.qty) <> 0;
        update products set stock = stock + (
            select sum(s.delta) from stock_moves s where s.order_id = new.id and s.reason = 'sale' and s.product_id = products.id)
          where id in (select s.product_id from stock_moves s where s.order_id = new.id and s.reason = 'sale');
      end`.execute(db);

    // A refund with restock: the refunded lines' quantities go back on the shelf once it succeeds.
    // json_extract on the whole (valid) document by each element's path never raises, whatever the
    // elements are, so a malformed element restocks nothing instead of failing the refund.
    const restockBody = sql`
      begin
        insert into stock_moves (product_id, delta, reason, order_id, refund_id, actor, at, note, stock_after)
          select l.product_id, sum(q.qty), 'refund_restock', new.order_id, new.id, new.requested_by,
                 coalesce(new.finished_at, new.updated_at), null,
                 (select p.stock from products p where p.id = l.product_id) + sum(q.qty)
          from (
            select cast(json_extract(new.lines, j.fullkey || '.lineNo') as integer) as line_no,
                   cast(json_extract(new.lines, j.fullkey || '.qty') as integer) as qty
            from json_each(new.lines) j
          ) q
          join order_lines l on l.order_id = new.order_id and l.line_no = q.line_no
          where q.qty > 0
            and exists (select 1 from stock_moves s where s.order_id = new.order_id and s.reason = 'sale' and s.product_id = l.product_id)
          group by l.product_id;
        update products set stock = stock + (
            select sum(s.delta) from stock_moves s where s.refund_id = new.id and s.product_id = products.id)
          where id in (select s.product_id from stock_moves s where s.refund_id = new.id);
      end`;
    await sql`create trigger refunds_restock_on_insert after insert on refunds
      when new.state = 'succeeded' and new.restock = 1
        and (case when json_valid(new.lines) then json_type(new.lines) end) = 'array'
      ${restockBody}`.execute(db);
    await sql`create trigger refunds_restock_on_success after update of state on refunds
      when new.state = 'succeeded' and old.state <> 'succeeded' and new.restock = 1
        and (case when json_valid(new.lines) then json_type(new.lines) end) = 'array'
        and not exists (select 1 from stock_moves s where s.refund_id = new.id)
      ${restockBody}`.execute(db);
  },
};
