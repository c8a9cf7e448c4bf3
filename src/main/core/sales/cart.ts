/**
 * Carts live in the database: the active one and any number of parked ones, so a crash or a
 * restart loses nothing. The renderer sends product ids and quantities; prices always come from
 * the products table and totals from `priceCart`.
 */
import { MAX_QTY } from '../../../shared/contract';
import { PosError } from '../../../shared/errors';
import type { CartView, Discount, ParkedCartView } from '../../../shared/types';
import { prepared, type Store } from '../../store/db';
import type { CartRow } from '../../store/schema';
import type { Catalog } from '../catalogue/catalog';
import type { Clock } from '../clock';
import type { CartApprovals } from './discount-limits';
import { labelPriceFen, labelProduct, readScaleCode, type ScaleCode } from '../hardware/scale-barcodes';
import { priceCart } from './pricing';

export function toDiscount(kind: 'percent' | 'amount' | null, value: number | null): Discount | null {
  if (kind === null || value === null) return null;
  return { kind, value };
}

// The queries of every cart edit, built and compiled once (store/db.ts `prepared`).
const ACTIVE_CART = prepared((k) =>
  k.selectFrom('carts').selectAll().where('status', '=', 'active').orderBy('id', 'desc').limit(1),
);
const CART_BY_ID = prepared((k, id: number) => k.selectFrom('carts').selectAll().where('id', '=', id));
const NEW_CART = prepared((k, now: number) =>
  k.insertInto('carts').values({
    status: 'active',
    label: null,
    order_discount_kind: null,
    order_discount_value: null,
    last_product_id: null,
    created_at: now,
    updated_at: now,
    parked_at: null,
  }),
);
/** Lines of a cart joined with current product data, in the order they were added. */
const CART_LINES = prepared((k, cartId: number) =>
  k
    .selectFrom('cart_lines')
    .innerJoin('products', 'products.id', 'cart_lines.product_id')
    .select([
      'cart_lines.id as lineId',
      'cart_lines.product_id as productId',
      'cart_lines.qty',
      'cart_lines.discount_kind',
      'cart_lines.discount_value',
      'products.sku',
      'products.barcode',
      'products.name_zh',
      'products.name_en',
      'products.price_fen',
      'cart_lines.label_code',
      'cart_lines.label_price_fen',
      'cart_lines.label_weight_g',
    ])
    .where('cart_lines.cart_id', '=', cartId)
    .orderBy('cart_lines.position'),
);
/** The product's line to add to; a line sold from a scale label keeps its own price and is never added to. */
const LINE_OF_PRODUCT = prepared((k, cartId: number, productId: number) =>
  k
    .selectFrom('cart_lines')
    .selectAll()
    .where('cart_id', '=', cartId)
    .where('product_id', '=', productId)
    .where('label_code', 'is', null),
);
const LAST_POSITION = prepared((k, cartId: number) =>
  k
    .selectFrom('cart_lines')
    .select((eb) => eb.fn.max<number | null>('position').as('p'))
    .where('cart_id', '=', cartId),
);
const NEW_LINE = prepared((k, cartId: number, productId: number, qty: number, position: number) =>
  k
    .insertInto('cart_lines')
    .values({ cart_id: cartId, product_id: productId, qty, discount_kind: null, discount_value: null, position }),
);
const NEW_LABEL_LINE = prepared(
  (k, cartId: number, productId: number, position: number, code: string, priceFen: number, weightG: number | null) =>
    k.insertInto('cart_lines').values({
      cart_id: cartId,
      product_id: productId,
      qty: 1,
      discount_kind: null,
      discount_value: null,
      position,
      label_code: code,
      label_price_fen: priceFen,
      label_weight_g: weightG,
    }),
);
const SET_LINE_QTY = prepared((k, lineId: number, qty: number) =>
  k.updateTable('cart_lines').set({ qty }).where('id', '=', lineId),
);
const TOUCH_CART = prepared((k, cartId: number, updatedAt: number, productId: number | null) =>
  k.updateTable('carts').set({ updated_at: updatedAt, last_product_id: productId }).where('id', '=', cartId),
);
const CART_APPROVAL = prepared((k, cartId: number) =>
  k.selectFrom('carts').select('order_discount_approved_ppm').where('id', '=', cartId),
);
const LINE_APPROVALS = prepared((k, cartId: number) =>
  k.selectFrom('cart_lines').select(['id', 'discount_approved_ppm']).where('cart_id', '=', cartId),
);

export class Carts {
  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly clock: Clock,
    /** the scale label layouts the owner set (core/hardware/scale-barcodes.ts); none: no scale labels */
    private readonly scaleLayouts: () => readonly string[] = () => [],
  ) {}

  private get k() {
    return this.store.kysely;
  }

  /** The active cart, created if there is none. */
  activeRow(): CartRow {
    const row = this.store.first(ACTIVE_CART());
    if (row) return row;
    const now = this.clock.now();
    // an empty cart is nothing a power cut could lose: outside a transaction (the screen's first
    // read after a sale) it is written without an fsync, like every cart edit
    return this.store.tx(() => {
      const id = this.store.run(NEW_CART(now)).lastInsertRowid;
      return this.store.first(CART_BY_ID(id)) as CartRow;
    }, 'normal');
  }

  /**
   * The active cart as it is, or null when there is none yet. Unlike `view()` it never creates one:
   * for checks made before a change that may still be refused (a refusal writes nothing).
   */
  peek(): CartView | null {
    const row = this.store.first(ACTIVE_CART());
    return row ? this.view(row) : null;
  }

  /** Lines of a cart joined with current product data, in the order they were added. */
  private lines(cartId: number) {
    return this.store.all(CART_LINES(cartId));
  }

  view(row: CartRow = this.activeRow()): CartView {
    const lines = this.lines(row.id);
    const orderDiscount = toDiscount(row.order_discount_kind, row.order_discount_value);
    const priced = priceCart(
      lines.map((l) => ({
        unitPriceFen: l.label_price_fen ?? l.price_fen,
        qty: l.qty,
        discount: toDiscount(l.discount_kind, l.discount_value),
      })),
      orderDiscount,
    );
    return {
      id: row.id,
      label: row.label,
      lines: lines.map((l, i) => {
        const p = priced.lines[i]!;
        return {
          lineId: l.lineId,
          productId: l.productId,
          sku: l.sku,
          barcode: l.barcode,
          nameZh: l.name_zh,
          nameEn: l.name_en,
          unitPriceFen: l.label_price_fen ?? l.price_fen,
          qty: l.qty,
          labelCode: l.label_code,
          weightG: l.label_weight_g,
          grossFen: p.grossFen,
          discount: toDiscount(l.discount_kind, l.discount_value),
          discountFen: p.lineDiscountFen,
          totalFen: p.grossFen - p.lineDiscountFen,
        };
      }),
      itemCount: priced.itemCount,
      subtotalFen: priced.subtotalFen,
      lineDiscountFen: priced.lineDiscountFen,
      orderDiscount,
      orderDiscountFen: priced.orderDiscountFen,
      totalFen: priced.totalFen,
      lastTouchedProductId: row.last_product_id,
    };
  }

  /** What the owner approved of a cart's discounts (discount-limits.ts); the active cart by default (none is created). */
  approvals(cartId?: number): CartApprovals {
    const id = cartId ?? this.store.first(ACTIVE_CART())?.id;
    if (id === undefined) return { lines: new Map(), order: null };
    const cart = this.store.first(CART_APPROVAL(id));
    const lines = this.store.all(LINE_APPROVALS(id));
    return {
      lines: new Map(lines.map((l) => [l.id, l.discount_approved_ppm])),
      order: cart?.order_discount_approved_ppm ?? null,
    };
  }

  /** Marks the cart changed; returns it as it now is, so the caller need not read it again. */
  private touch(cart: CartRow, productId: number | null): CartRow {
    const updated_at = this.clock.now();
    this.store.run(TOUCH_CART(cart.id, updated_at, productId));
    return { ...cart, updated_at, last_product_id: productId };
  }

  private lineOf(cartId: number, lineId: number) {
    const line = this.store.first(
      this.k.selectFrom('cart_lines').selectAll().where('id', '=', lineId).where('cart_id', '=', cartId),
    );
    if (!line) throw new PosError('NOT_FOUND', `Line ${lineId} is not in the current cart.`, { lineId });
    return line;
  }

  add(productId: number, qty = 1): CartView {
    const product = this.catalog.get(productId);
    return this.store.tx(() => {
      const cart = this.activeRow();
      const existing = this.store.first(LINE_OF_PRODUCT(cart.id, product.id));
      if (existing) {
        const next = existing.qty + qty;
        if (next > MAX_QTY) {
          throw new PosError('INVALID_QUANTITY', `A line can hold at most ${MAX_QTY} of one product.`, {
            max: MAX_QTY,
            qty: next,
          });
        }
        this.store.run(SET_LINE_QTY(existing.id, next));
      } else {
        const pos = this.store.first(LAST_POSITION(cart.id));
        this.store.run(NEW_LINE(cart.id, product.id, qty, (pos?.p ?? 0) + 1));
      }
      return this.view(this.touch(cart, product.id));
    }, 'normal');
  }

  /** The product with this barcode or SKU, `qty` of it (a quantity typed before the scan, `3*`). */
  scan(code: string, qty = 1): CartView {
    const product = this.catalog.findByCode(code);
    if (!product) {
      const label = readScaleCode(code, this.scaleLayouts());
      if (label) return this.addLabel(label);
    }
    if (!product)
      throw new PosError('UNKNOWN_BARCODE', `No product has the barcode or SKU "${code.trim()}".`, {
        code: code.trim(),
      });
    return this.add(product.id, qty);
  }

  /**
   * A scale label: its product (SKU or barcode = the label's PLU, leading zeros optional) on a line of
   * its own, quantity 1 at the label's price (its amount, or its weight at the price per kg/斤).
   */
  private addLabel(label: ScaleCode): CartView {
    const product = labelProduct(label, (c) => this.catalog.findByCode(c));
    if (!product)
      throw new PosError(
        'SCALE_UNKNOWN_PRODUCT',
        `No product has the code ${label.plu} of the scale label ${label.code}: give the product that SKU, or check the scale.`,
        { code: label.code, plu: label.plu },
      );
    const priceFen = labelPriceFen(label, product);
    return this.store.tx(() => {
      const cart = this.activeRow();
      const pos = this.store.first(LAST_POSITION(cart.id));
      this.store.run(NEW_LABEL_LINE(cart.id, product.id, (pos?.p ?? 0) + 1, label.code, priceFen, label.weightG));
      return this.view(this.touch(cart, product.id));
    }, 'normal');
  }

  setQty(lineId: number, qty: number): CartView {
    return this.store.tx(() => {
      const cart = this.activeRow();
      const line = this.lineOf(cart.id, lineId);
      this.store.run(this.k.updateTable('cart_lines').set({ qty }).where('id', '=', line.id));
      return this.view(this.touch(cart, line.product_id));
    }, 'normal');
  }

  remove(lineId: number): CartView {
    return this.store.tx(() => {
      const cart = this.activeRow();
      const line = this.lineOf(cart.id, lineId);
      this.store.run(this.k.deleteFrom('cart_lines').where('id', '=', line.id));
      return this.view(this.touch(cart, null));
    }, 'normal');
  }

  clear(): CartView {
    return this.store.tx(() => {
      const cart = this.activeRow();
      this.store.run(this.k.deleteFrom('cart_lines').where('cart_id', '=', cart.id));
      this.store.run(
        this.k
          .updateTable('carts')
          .set({
            order_discount_kind: null,
            order_discount_value: null,
            order_discount_approved_ppm: null,
            last_product_id: null,
            updated_at: this.clock.now(),
          })
          .where('id', '=', cart.id),
      );
      return this.view(this.activeRow());
    }, 'normal');
  }

  /** `approvedPpm`: the share the owner has approved for this line's discount (null: none). */
  setLineDiscount(lineId: number, discount: Discount | null, approvedPpm: number | null = null): CartView {
    return this.store.tx(() => {
      const cart = this.activeRow();
      const line = this.lineOf(cart.id, lineId);
      if (discount?.kind === 'amount') {
        const product = this.catalog.get(line.product_id);
        const gross = (line.label_price_fen ?? product.priceFen) * line.qty;
        if (discount.value > gross) {
          throw new PosError(
            'DISCOUNT_TOO_LARGE',
            `A discount of ${discount.value} fen is more than the line's ${gross} fen.`,
            {
              discountFen: discount.value,
              maxFen: gross,
            },
          );
        }
      }
      this.store.run(
        this.k
          .updateTable('cart_lines')
          .set({
            discount_kind: discount?.kind ?? null,
            discount_value: discount?.value ?? null,
            discount_approved_ppm: discount ? approvedPpm : null,
          })
          .where('id', '=', line.id),
      );
      return this.view(this.touch(cart, line.product_id));
    }, 'normal');
  }

  /** `approvedPpm`: the share the owner has approved for the order discount (null: none). */
  setOrderDiscount(discount: Discount | null, approvedPpm: number | null = null): CartView {
    return this.store.tx(() => {
      const cart = this.activeRow();
      if (discount?.kind === 'amount') {
        const v = this.view(cart);
        const base = v.subtotalFen - v.lineDiscountFen;
        if (discount.value > base) {
          throw new PosError(
            'DISCOUNT_TOO_LARGE',
            `A discount of ${discount.value} fen is more than the cart's ${base} fen.`,
            {
              discountFen: discount.value,
              maxFen: base,
            },
          );
        }
      }
      this.store.run(
        this.k
          .updateTable('carts')
          .set({
            order_discount_kind: discount?.kind ?? null,
            order_discount_value: discount?.value ?? null,
            order_discount_approved_ppm: discount ? approvedPpm : null,
            updated_at: this.clock.now(),
          })
          .where('id', '=', cart.id),
      );
      return this.view(this.activeRow());
    }, 'normal');
  }

  private isEmpty(cartId: number): boolean {
    return !this.store.first(this.k.selectFrom('cart_lines').select('id').where('cart_id', '=', cartId).limit(1));
  }

  /** Parks the active cart and starts an empty one. */
  park(label?: string): CartView {
    return this.store.tx(() => {
      const cart = this.activeRow();
      if (this.isEmpty(cart.id)) throw new PosError('CART_EMPTY', 'There is nothing in the cart to park.');
      const now = this.clock.now();
      this.store.run(
        this.k
          .updateTable('carts')
          .set({ status: 'parked', parked_at: now, updated_at: now, label: label?.trim() || null })
          .where('id', '=', cart.id),
      );
      return this.view(this.activeRow());
    }, 'normal');
  }

  parked(): ParkedCartView[] {
    const rows = this.store.all(
      this.k.selectFrom('carts').selectAll().where('status', '=', 'parked').orderBy('parked_at').orderBy('id'),
    );
    return rows.map((r) => {
      const v = this.view(r);
      const first = v.lines[0];
      return {
        id: r.id,
        label: r.label,
        parkedAt: r.parked_at ?? r.updated_at,
        itemCount: v.itemCount,
        totalFen: v.totalFen,
        firstItemZh: first?.nameZh ?? null,
        firstItemEn: first?.nameEn ?? null,
      };
    });
  }

  /** Makes a parked cart active again; a non-empty active cart is parked in its place, never dropped. */
  resume(cartId: number): CartView {
    return this.store.tx(() => {
      const target = this.store.first(
        this.k.selectFrom('carts').selectAll().where('id', '=', cartId).where('status', '=', 'parked'),
      );
      if (!target) throw new PosError('CART_NOT_FOUND', `There is no parked cart ${cartId}.`, { cartId });
      const current = this.activeRow();
      const now = this.clock.now();
      if (this.isEmpty(current.id)) {
        this.store.run(
          this.k.updateTable('carts').set({ status: 'discarded', updated_at: now }).where('id', '=', current.id),
        );
      } else {
        this.store.run(
          this.k
            .updateTable('carts')
            .set({ status: 'parked', parked_at: now, updated_at: now })
            .where('id', '=', current.id),
        );
      }
      this.store.run(
        this.k
          .updateTable('carts')
          .set({ status: 'active', parked_at: null, updated_at: now })
          .where('id', '=', target.id),
      );
      return this.view(this.activeRow());
    }, 'normal');
  }
}
