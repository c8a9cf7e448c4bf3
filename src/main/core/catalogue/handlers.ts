/**
 * The catalogue's part of the contract (`catalog.*`): the sell screen's reads are the clerk's; the
 * catalogue management screen (stock counts, retired products, stock history, the export, imports)
 * and every change are the owner's (docs/security.md).
 */
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { CatalogAdmin } from './admin';
import type { Catalog } from './catalog';
import type { CatalogueFiles } from './csv-files';

export function catalogHandlers(
  catalog: Catalog,
  admin: CatalogAdmin,
  files: CatalogueFiles,
  access: Access,
): HandlersOf<'catalog.'> {
  const { auth, ownerRead } = access;
  return {
    'catalog.categories': () => catalog.categories(),
    'catalog.products': ({ categoryId }) => catalog.products(categoryId),
    'catalog.search': ({ query, limit }) => catalog.search(query, limit),
    // the catalogue management screen (stock counts, retired products, stock history, the export, imports) is the owner's
    'catalog.adminProducts': async ({ approvalPin, ...filter }) => {
      await ownerRead(approvalPin);
      return admin.list(filter);
    },
    'catalog.adminCategories': async ({ approvalPin }) => {
      await ownerRead(approvalPin);
      return admin.categories();
    },
    'catalog.saveProduct': async ({ approvalPin, ...input }) =>
      admin.saveProduct(input, await auth.authorize('owner', approvalPin)),
    'catalog.setActive': async ({ productId, active, approvalPin }) =>
      admin.setActive(productId, active, await auth.authorize('owner', approvalPin)),
    'catalog.saveCategory': async ({ approvalPin, ...input }) =>
      admin.saveCategory(input, await auth.authorize('owner', approvalPin)),
    'catalog.reorderCategories': async ({ ids, approvalPin }) =>
      admin.reorderCategories(ids, await auth.authorize('owner', approvalPin)),
    'catalog.adjustStock': async ({ productId, mode, value, reason, approvalPin }) =>
      admin.adjustStock(productId, mode, value, reason, await auth.authorize('owner', approvalPin)),
    'catalog.stockMoves': async ({ productId, limit, approvalPin }) => {
      await ownerRead(approvalPin);
      return admin.stockMoves(productId, limit);
    },
    'catalog.exportCsv': async ({ approvalPin }) => {
      await ownerRead(approvalPin);
      return files.exportCsv();
    },
    'catalog.importUpload': async ({ uploadId, chunk, approvalPin }) => {
      await ownerRead(approvalPin);
      return files.upload(uploadId, chunk);
    },
    'catalog.importPreview': async ({ uploadId, retireMissing, setStock, approvalPin }) => {
      await ownerRead(approvalPin);
      return files.preview(uploadId, { retireMissing, setStock });
    },
    'catalog.importApply': async ({ token, approvalPin }) =>
      files.apply(token, await auth.authorize('owner', approvalPin)),
  };
}
