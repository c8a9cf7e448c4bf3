import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Scale labels (称重码, core/hardware/scale-barcodes.ts): a line sold from a scale's label keeps the
 * label's code, the price it charges (one label is one line of quantity 1 at that price, so the
 * order's unit price, refunds by line and the reports' amounts are the label's) and the weight it
 * carries, when it carries one. Null on every other line, and on every line written before.
 *
 * A cart held one line per product (a table constraint, 0002); two labels of one product are two
 * lines, so the one-line rule now holds for the lines priced from the catalogue only (a partial
 * unique index). SQLite cannot drop a table constraint: `cart_lines` is copied into a new table.
 */
export const m0018ScaleLabels: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table cart_lines_0018 (
      id integer primary key autoincrement,
      cart_id integer not null references carts (id) on delete cascade,
      product_id integer not null references products (id),
      qty integer not null check (qty between 1 and 9999),
      discount_kind text check (discount_kind in ('percent', 'amount')),
      discount_value integer,
      position integer not null,
      discount_approved_ppm integer,
      label_code text,
      label_price_fen integer check (label_price_fen >= 0),
      label_weight_g integer check (label_weight_g >= 0),
      check ((label_code is null) = (label_price_fen is null))
    )`.execute(db);
    await sql`insert into cart_lines_0018
      (id, cart_id, product_id, qty, discount_kind, discount_value, position, discount_approved_ppm)
      select id, cart_id, product_id, qty, discount_kind, discount_value, position, discount_approved_ppm
      from cart_lines`.execute(db);
    await sql`drop table cart_lines`.execute(db);
    await sql`alter table cart_lines_0018 rename to cart_lines`.execute(db);
    await sql`create unique index cart_lines_cart_product on cart_lines (cart_id, product_id) where label_code is null`.execute(
      db,
    );
    await sql`create index cart_lines_cart on cart_lines (cart_id, position)`.execute(db);
    await db.schema.alterTable('order_lines').addColumn('label_code', 'text').execute();
    await db.schema.alterTable('order_lines').addColumn('label_weight_g', 'integer').execute();
  },
};
