import type { Kysely, Migration } from 'kysely';

/**
 * What the owner approved of a cart's discounts: the largest share of what each discount applies to
 * (parts per million: a line's gross, or the cart after line discounts) that the owner let pass. At
 * confirm the limits are judged again on the final cart, and a discount past the limit needs the
 * owner unless it is no larger a share than this. Null: nothing approved (a discount set before this
 * migration is asked for again at confirm if it is past the limit).
 */
export const m0013DiscountApprovals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('cart_lines').addColumn('discount_approved_ppm', 'integer').execute();
    await db.schema.alterTable('carts').addColumn('order_discount_approved_ppm', 'integer').execute();
  },
};
