/**
 * Reads a sample barcode the way a scan at the till reads it (Cart.scan), for the owner setting up
 * the scale layouts in Settings: the product it sells and at what price, before a clerk meets it.
 * The same decoder and the same product lookup as the sale; nothing is added to any cart. A label
 * that would be refused at the till (bad check digit, unknown product, weight for a product not
 * sold by weight) is refused here with the same error.
 */
import type { ScaleReadView } from '../../../shared/device-types';
import { PosError } from '../../../shared/errors';
import { labelPriceFen, labelProduct, readScaleCode, type LabelProduct } from './scale-barcodes';

export function readScaleSample(
  code: string,
  layouts: readonly string[],
  findByCode: (code: string) => LabelProduct | undefined,
): ScaleReadView {
  const c = code.trim();
  const view = (p: LabelProduct) => ({
    id: p.id,
    nameZh: p.nameZh,
    nameEn: p.nameEn,
    unit: p.unit,
    priceFen: p.priceFen,
  });
  // a product's own barcode wins at the till (Cart.scan looks it up first): say so
  const own = findByCode(c);
  if (own)
    return {
      code: c,
      layout: null,
      plu: null,
      amountFen: null,
      weightG: null,
      product: view(own),
      chargeFen: null,
      ordinary: true,
    };
  const label = readScaleCode(c, layouts);
  if (!label)
    return {
      code: c,
      layout: null,
      plu: null,
      amountFen: null,
      weightG: null,
      product: null,
      chargeFen: null,
      ordinary: false,
    };
  const product = labelProduct(label, findByCode);
  if (!product)
    throw new PosError(
      'SCALE_UNKNOWN_PRODUCT',
      `No product has the code ${label.plu} of the scale label ${label.code}: give the product that SKU, or check the scale.`,
      { code: label.code, plu: label.plu },
    );
  return {
    code: c,
    layout: label.layout,
    plu: label.plu,
    amountFen: label.amountFen,
    weightG: label.weightG,
    product: view(product),
    chargeFen: labelPriceFen(label, product),
    ordinary: false,
  };
}
