/**
 * Selling: discounts, the cart, orders and their payments as the order shows them, the receipt.
 * All amounts are integer fen; all times are epoch milliseconds.
 */
import type { Fen } from '../money';
import type { AttemptState, PaymentMethod, PaymentMode, TenderPart, TenderProgress } from './tender';

export type Discount = { kind: 'percent'; value: number } | { kind: 'amount'; value: Fen };

export interface CartLineView {
  lineId: number;
  productId: number;
  sku: string;
  barcode: string | null;
  nameZh: string;
  nameEn: string;
  unitPriceFen: Fen;
  qty: number;
  /** sold from a scale label (称重码): its code, and the weight it carries (grams) if any; else null */
  labelCode: string | null;
  weightG: number | null;
  grossFen: Fen;
  discount: Discount | null;
  discountFen: Fen;
  totalFen: Fen;
}

export interface CartView {
  id: number;
  label: string | null;
  lines: CartLineView[];
  itemCount: number;
  subtotalFen: Fen;
  lineDiscountFen: Fen;
  orderDiscount: Discount | null;
  orderDiscountFen: Fen;
  totalFen: Fen;
  /** id of the product most recently added or changed, so the UI can highlight it. */
  lastTouchedProductId: number | null;
}

export interface ParkedCartView {
  id: number;
  label: string | null;
  parkedAt: number;
  itemCount: number;
  totalFen: Fen;
  firstItemZh: string | null;
  firstItemEn: string | null;
}

export type OrderStatus = 'open' | 'paid' | 'cancelled' | 'partially_refunded' | 'refunded';

export interface OrderLineView {
  lineNo: number;
  productId: number;
  sku: string;
  nameZh: string;
  nameEn: string;
  unitPriceFen: Fen;
  qty: number;
  grossFen: Fen;
  discount: Discount | null;
  lineDiscountFen: Fen;
  orderDiscountShareFen: Fen;
  totalFen: Fen;
}

export interface PaymentView {
  id: number;
  method: PaymentMethod;
  mode: PaymentMode;
  outTradeNo: string;
  amountFen: Fen;
  state: AttemptState;
  tenderedFen: Fen | null;
  changeFen: Fen | null;
  createdAt: number;
  paidAt: number | null;
}

export interface JournalEntry {
  id: number;
  attemptId: number | null;
  at: number;
  kind: string;
  fromState: string | null;
  toState: string | null;
  detail: Record<string, unknown> | null;
}

export interface OrderSummary {
  id: number;
  number: string;
  businessDay: string;
  status: OrderStatus;
  createdAt: number;
  paidAt: number | null;
  totalFen: Fen;
  itemCount: number;
  /** the method of its first paid part (null while unpaid) */
  method: PaymentMethod | null;
  /** every method it was paid by, the first part's first (a split order has more than one) */
  methods: PaymentMethod[];
  clerk: string;
}

export interface OrderView extends OrderSummary, TenderProgress {
  terminal: string;
  cancelledAt: number | null;
  subtotalFen: Fen;
  lineDiscountFen: Fen;
  orderDiscount: Discount | null;
  orderDiscountFen: Fen;
  lines: OrderLineView[];
  payments: PaymentView[];
  journal: JournalEntry[];
}

export interface Receipt {
  storeName: string;
  storeAddress: string;
  storePhone: string;
  orderId: number;
  number: string;
  terminal: string;
  clerk: string;
  createdAt: number;
  paidAt: number | null;
  lines: OrderLineView[];
  subtotalFen: Fen;
  lineDiscountFen: Fen;
  orderDiscountFen: Fen;
  totalFen: Fen;
  method: PaymentMethod | null;
  tenderedFen: Fen | null;
  changeFen: Fen | null;
  /** every paid part (split tender: one line each on the paper; a single payment: one part) */
  parts: TenderPart[];
  reprint: boolean;
}

export interface PaidOrder {
  order: OrderView;
  receipt: Receipt;
}
