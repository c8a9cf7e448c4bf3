/**
 * The store's discount limit, judged the same way when a discount is set and again on the final cart
 * at `checkout.confirm` (a fixed amount taken off grows as a share when the cart shrinks; see
 * docs/architecture.md, "People, approval and the audit log").
 *
 * A discount's share is of what it applies to: a line discount of the line's gross, the order
 * discount of the cart after line discounts. It is past the limit when it is more than the store lets
 * a clerk give (`discountLimitPercent`), or when it takes the whole of what it applies to (a cart
 * given away, or an amount larger than what remains), whatever the limit. The owner's approval is
 * remembered on the cart as the share approved (ppm, migration 0013): a discount past the limit but no
 * larger a share than that needs no second PIN.
 */
import { PosError } from '../../../shared/errors';
import type { CartView, Discount } from '../../../shared/types';

/** parts per million: a share of 100 % */
export const PPM = 1_000_000;

/** What the owner approved on a cart: per line id, and for the order discount (ppm, null: nothing). */
export interface CartApprovals {
  lines: ReadonlyMap<number, number | null>;
  order: number | null;
}

export interface DiscountJudgement {
  scope: 'line' | 'order';
  lineId: number | null;
  sku: string | null;
  nameZh: string | null;
  nameEn: string | null;
  discount: Discount;
  baseFen: number;
  /** the discount's share of its base, ppm, rounded up (more than PPM: an amount larger than its base) */
  ppm: number;
  /** the same in percent, one decimal, for people */
  percent: number;
}

/** A discount's share of what it applies to, in ppm rounded up (so `≤ limit` is exact). */
export function shareOf(discount: Discount, baseFen: number): number {
  if (discount.kind === 'percent') return discount.value * (PPM / 100);
  if (baseFen <= 0) return Number.MAX_SAFE_INTEGER;
  const base = BigInt(baseFen);
  return Number((BigInt(discount.value) * BigInt(PPM) + base - 1n) / base);
}

function percentOf(discount: Discount, baseFen: number): number {
  if (discount.kind === 'percent') return discount.value;
  if (baseFen <= 0) return 100;
  return Math.round((discount.value * 1000) / baseFen) / 10;
}

/** More than a clerk may give alone: above the store's limit, or the whole of its base. */
export function pastLimit(ppm: number, limitPercent: number): boolean {
  return ppm > limitPercent * (PPM / 100) || ppm >= PPM;
}

/** Approved already: the owner let at least this share pass. */
export function covered(ppm: number, approvedPpm: number | null | undefined): boolean {
  return approvedPpm !== null && approvedPpm !== undefined && ppm <= approvedPpm;
}

/** Every discount of the cart, with its share. */
export function judge(cart: CartView): DiscountJudgement[] {
  const out: DiscountJudgement[] = [];
  for (const l of cart.lines) {
    if (!l.discount) continue;
    out.push({
      scope: 'line',
      lineId: l.lineId,
      sku: l.sku,
      nameZh: l.nameZh,
      nameEn: l.nameEn,
      discount: l.discount,
      baseFen: l.grossFen,
      ppm: shareOf(l.discount, l.grossFen),
      percent: percentOf(l.discount, l.grossFen),
    });
  }
  if (cart.orderDiscount) {
    const base = cart.subtotalFen - cart.lineDiscountFen;
    out.push({
      scope: 'order',
      lineId: null,
      sku: null,
      nameZh: null,
      nameEn: null,
      discount: cart.orderDiscount,
      baseFen: base,
      ppm: shareOf(cart.orderDiscount, base),
      percent: percentOf(cart.orderDiscount, base),
    });
  }
  return out;
}

/** The discounts past the limit that the owner has not approved (largest share first). */
export function unapproved(cart: CartView, approvals: CartApprovals, limitPercent: number): DiscountJudgement[] {
  return judge(cart)
    .filter((j) => pastLimit(j.ppm, limitPercent))
    .filter((j) => !covered(j.ppm, j.scope === 'order' ? approvals.order : approvals.lines.get(j.lineId as number)))
    .sort((a, b) => b.ppm - a.ppm);
}

/** OWNER_APPROVAL_REQUIRED for a cart past the limit, saying which discount and its percent. */
export function approvalRequired(past: DiscountJudgement[], limitPercent: number, role: string): PosError {
  const j = past[0] as DiscountJudgement;
  const which = j.scope === 'order' ? 'the order discount' : `the discount on ${j.sku ?? `line ${j.lineId}`}`;
  return new PosError(
    'OWNER_APPROVAL_REQUIRED',
    `${which} is ${j.percent}% of what it applies to, above the ${limitPercent}% a clerk may give: ask the owner to enter their PIN.`,
    {
      role,
      discount: j.scope,
      lineId: j.lineId,
      sku: j.sku,
      nameZh: j.nameZh,
      nameEn: j.nameEn,
      percent: j.percent,
      limitPercent,
      discounts: past.length,
    },
  );
}

/** What the audit log keeps of a discount the owner approved at confirm. */
export function auditOf(j: DiscountJudgement): Record<string, unknown> {
  return { scope: j.scope, lineId: j.lineId, sku: j.sku, discount: j.discount, baseFen: j.baseFen, percent: j.percent };
}
