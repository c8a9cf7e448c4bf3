/**
 * The catalogue: what the till sells, and the owner's management of it (core/catalogue/). The
 * methods' schemas, spread into the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type {
  CatalogueCategory,
  CatalogueExport,
  CatalogueList,
  CatalogueProduct,
  Category,
  ImportApplied,
  ImportPreview,
  ImportUpload,
  Product,
  ProductSaved,
  StockMoveView,
} from '../types';
import { id, fen, empty, line, approvalPin, ownerRead, method } from './common';

/** catalogue management: a SKU is letters, digits and - _ . / (no spaces), at most 32 */
const sku = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/);
/** a name may be empty when the other language's is not (the core fills it in) */
const productName = line(z.string().trim().max(80));
const stockCount = z.number().int().min(-9_999_999).max(9_999_999);
/** why stock changed: two characters are enough in Chinese (到货, 盘点) */
const stockReason = line(z.string().trim().min(2).max(200));

export const catalogueMethods = {
  'catalog.categories': method<Category[]>()(empty),
  'catalog.products': method<Product[]>()(z.object({ categoryId: id.nullable() }).strict()),
  'catalog.search': method<Product[]>()(
    z.object({ query: line(z.string().max(64)), limit: z.number().int().min(1).max(200).optional() }).strict(),
  ),
  /** the owner's catalogue (core/catalogue/): products with stock, retired too; search by name, pinyin, SKU or barcode */
  'catalog.adminProducts': method<CatalogueList>()(
    z
      .object({
        query: line(z.string().max(64)).optional(),
        categoryId: id.nullable().optional(),
        status: z.enum(['active', 'retired', 'all']).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
        approvalPin,
      })
      .strict(),
  ),
  'catalog.adminCategories': method<CatalogueCategory[]>()(ownerRead),
  /** add (no id) or edit a product (owner; audited). A barcode held by a retired product passes to this one. */
  'catalog.saveProduct': method<ProductSaved>()(
    z
      .object({
        id: id.optional(),
        sku,
        barcode: line(z.string().trim().max(32)).nullable(),
        nameZh: productName,
        nameEn: productName,
        categoryId: id,
        priceFen: fen,
        unit: line(z.string().trim().max(16)),
        /** a new product's first count (an adjustment in its stock history) */
        openingStock: stockCount.optional(),
        approvalPin,
      })
      .strict(),
  ),
  /** retire (gone from the grid, search and scan; kept in past orders) or bring back (owner; audited) */
  'catalog.setActive': method<CatalogueProduct>()(
    z.object({ productId: id, active: z.boolean(), approvalPin }).strict(),
  ),
  'catalog.saveCategory': method<CatalogueCategory>()(
    z
      .object({
        id: id.optional(),
        code: z
          .string()
          .trim()
          .min(1)
          .max(24)
          .regex(/^[a-z0-9][a-z0-9_-]*$/),
        nameZh: productName,
        nameEn: productName,
        color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
        approvalPin,
      })
      .strict(),
  ),
  /** every category's id, in the new order */
  'catalog.reorderCategories': method<CatalogueCategory[]>()(
    z.object({ ids: z.array(id).min(1).max(500), approvalPin }).strict(),
  ),
  /** change a stock count by a delta (received +24, damaged −2) or to a counted value, with the reason (owner; audited) */
  'catalog.adjustStock': method<CatalogueProduct>()(
    z
      .object({ productId: id, mode: z.enum(['delta', 'count']), value: stockCount, reason: stockReason, approvalPin })
      .strict(),
  ),
  'catalog.stockMoves': method<StockMoveView[]>()(
    z.object({ productId: id, limit: z.number().int().min(1).max(500).optional(), approvalPin }).strict(),
  ),
  /** the whole catalogue as CSV (UTF-8 with BOM; columns in docs/testing.md) (owner) */
  'catalog.exportCsv': method<CatalogueExport>()(ownerRead),
  /** send a CSV file in base64 pieces of at most 48 KiB (browser mode takes calls up to 64 KiB); the first piece opens an upload */
  'catalog.importUpload': method<ImportUpload>()(
    z
      .object({
        uploadId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{16,64}$/)
          .optional(),
        chunk: z
          .string()
          .max(48 * 1024)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/),
        approvalPin,
      })
      .strict(),
  ),
  /** check every row of an uploaded file and show what would change; nothing is written */
  'catalog.importPreview': method<ImportPreview>()(
    z
      .object({
        uploadId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
        retireMissing: z.boolean(),
        setStock: z.boolean(),
        approvalPin,
      })
      .strict(),
  ),
  /** apply exactly what a preview showed, all or nothing (owner; audited) */
  'catalog.importApply': method<ImportApplied>()(
    z.object({ token: z.string().regex(/^[0-9a-f]{64}$/), approvalPin }).strict(),
  ),
};
