/**
 * Products and categories, as the till sells them and as the owner manages them
 * (src/main/core/catalogue/). All amounts are integer fen; all times are epoch milliseconds.
 */
import type { Fen } from '../money';

export interface Category {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  color: string;
  productCount: number;
}

export interface Product {
  id: number;
  sku: string;
  barcode: string | null;
  nameZh: string;
  nameEn: string;
  categoryId: number;
  priceFen: Fen;
  unit: string;
}

// ---- catalogue management (src/main/core/catalogue/) --------------------------------------------

/** A product as the owner manages it: retired ones too, with the stock count. */
export interface CatalogueProduct extends Product {
  categoryCode: string;
  active: boolean;
  /** how many the shop holds; negative when more was sold than counted */
  stock: number;
  updatedAt: number;
}

export interface CatalogueList {
  products: CatalogueProduct[];
  /** how many match the filter (the list holds at most `limit`) */
  total: number;
}

export interface CatalogueCategory {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  color: string;
  sort: number;
  activeCount: number;
  retiredCount: number;
}

export interface ProductSaved {
  product: CatalogueProduct;
  /** a retired product that held the barcode and gave it up to this one */
  barcodeFrom: { id: number; sku: string } | null;
}

export type StockMoveReason = 'sale' | 'refund_restock' | 'adjustment' | 'import';

export interface StockMoveView {
  id: number;
  productId: number;
  delta: number;
  reason: StockMoveReason;
  orderId: number | null;
  orderNumber: string | null;
  refundId: number | null;
  actor: string;
  /** the owner whose PIN approved it, when the actor was a clerk */
  approvedBy: string | null;
  at: number;
  note: string | null;
  stockAfter: number;
}

export interface CatalogueExport {
  filename: string;
  /** the CSV text, starting with a BOM (U+FEFF) so Excel reads it as UTF-8 */
  content: string;
  rows: number;
}

export interface ImportUpload {
  uploadId: string;
  receivedBytes: number;
}

export type ImportField = 'barcode' | 'nameZh' | 'nameEn' | 'category' | 'priceFen' | 'unit' | 'active' | 'stock';

export type ImportErrorKind =
  | 'column_count'
  | 'missing_sku'
  | 'bad_sku'
  | 'missing_name'
  | 'too_long'
  | 'bad_text'
  | 'unknown_category'
  | 'bad_price'
  | 'invalid_barcode'
  | 'bad_active'
  | 'bad_stock'
  | 'duplicate_sku'
  | 'duplicate_barcode'
  | 'code_taken';

/** One reason a row is refused; a row may have several. */
export interface ImportRowError {
  /** the file's line the row starts on (the header is line 1) */
  line: number;
  kind: ImportErrorKind;
  /** the CSV column at fault, when there is one */
  column: string | null;
  value: string | null;
  /** what the message needs: expected/got counts, the other line, the other product's SKU, … */
  params: Record<string, string | number>;
  /** the reason in English (logs, testers) */
  message: string;
}

export type ImportValue = string | number | boolean | null;

export interface ImportChange {
  /** the file's line; null for a product the file does not name (retired because missing, or a barcode released) */
  line: number | null;
  productId: number | null;
  sku: string;
  nameZh: string;
  nameEn: string;
  fields: { field: ImportField; from: ImportValue; to: ImportValue }[];
}

export interface ImportPreview {
  /** pass to catalog.importApply; null while any row is refused (nothing can be applied) */
  token: string | null;
  encoding: 'utf-8' | 'utf-8-bom' | 'gbk';
  /** data rows read (the header not counted) */
  rows: number;
  options: { retireMissing: boolean; setStock: boolean };
  errors: ImportRowError[];
  errorCount: number;
  /** rows with at least one error */
  badRows: number;
  added: ImportChange[];
  changed: ImportChange[];
  retired: ImportChange[];
  counts: { added: number; changed: number; unchanged: number; retired: number };
  /** existing products whose stock in the file differs from the till's, left alone because setStock is off */
  stockIgnored: number;
  /** each list holds at most this many entries; the counts are exact */
  listLimit: number;
}

export interface ImportApplied {
  added: number;
  changed: number;
  retired: number;
  unchanged: number;
  stockMoves: number;
}
