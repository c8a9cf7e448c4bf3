/**
 * The catalogue and its stock (migration 0007: the stock moves).
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface CatalogueTables {
  categories: CategoriesTable;
  products: ProductsTable;
  stock_moves: StockMovesTable;
}

export interface CategoriesTable {
  id: Generated<number>;
  code: string;
  name_zh: string;
  name_en: string;
  color: string;
  sort: number;
}

export interface ProductsTable {
  id: Generated<number>;
  sku: string;
  barcode: string | null;
  name_zh: string;
  name_en: string;
  /** full pinyin of name_zh without tones or spaces, e.g. `kekoukele` */
  pinyin: string;
  /** first letters of each syllable of name_zh, e.g. `kkkl` */
  pinyin_initials: string;
  category_id: number;
  price_fen: number;
  unit: string;
  active: number;
  created_at: number;
  updated_at: number;
  /** how many the shop holds; may go negative (migration 0007; moved by triggers on sales and restocking refunds) */
  stock: Generated<number>;
}

export type StockReason = 'sale' | 'refund_restock' | 'adjustment' | 'import';

/** Append-only: every change of a product's stock count. Sales and restocking refunds are written by triggers. */
export interface StockMovesTable {
  id: Generated<number>;
  product_id: number;
  delta: number;
  reason: StockReason;
  order_id: number | null;
  refund_id: number | null;
  /** who: the clerk of the order, who asked for the refund, or the owner who adjusted or imported */
  actor: string;
  /** the owner whose PIN approved a clerk's adjustment or import */
  approved_by: string | null;
  at: number;
  note: string | null;
  stock_after: number;
}

export type ProductRow = Selectable<ProductsTable>;

export type NewProduct = Insertable<ProductsTable>;

export type StockMoveRow = Selectable<StockMovesTable>;
