/**
 * Every error that crosses the contract carries one of these codes. The renderer shows a message
 * in the clerk's language chosen by code (see renderer i18n); `message` is the English text for
 * logs and for testers.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'UNKNOWN_BARCODE',
  'SCALE_CODE_INVALID',
  'SCALE_UNKNOWN_PRODUCT',
  'SCALE_NOT_WEIGHED',
  'UNKNOWN_PRODUCT',
  'PRODUCT_RETIRED',
  'SKU_TAKEN',
  'BARCODE_TAKEN',
  'INVALID_BARCODE',
  'UNKNOWN_CATEGORY',
  'CATEGORY_CODE_TAKEN',
  'IMPORT_REFUSED',
  'IMPORT_STALE',
  'IMPORT_EXPIRED',
  'CART_EMPTY',
  'CART_NOT_FOUND',
  'INVALID_QUANTITY',
  'DISCOUNT_TOO_LARGE',
  'TENDER_TOO_LOW',
  'ORDER_NOT_PAYABLE',
  'ORDER_NOT_CANCELLABLE',
  'PART_TOO_LARGE',
  'ORDER_HAS_PAID_PARTS',
  'PRINT_FAILED',
  'PRINTER_REFUSED',
  'PRINTER_NO_ROUTE',
  'PRINTER_TIMEOUT',
  'PRINTER_QUEUE_NOT_FOUND',
  'PRINTER_PORT_NOT_FOUND',
  'PRINTER_PAPER_OUT',
  'PRINTER_COVER_OPEN',
  'PRINTER_OFFLINE',
  'PRINTER_INTERRUPTED',
  'PRINTER_UNCONFIRMED',
  'PRINTER_UNKNOWN',
  'PRINTER_NOT_ESCPOS',
  'PAYMENT_IN_PROGRESS',
  'PAYMENT_METHOD_UNAVAILABLE',
  'PAYMENT_NOT_FOUND',
  'INVALID_PAYMENT_CODE',
  'INTERMEDIARY_UNREACHABLE',
  'STORAGE_FULL',
  'STORAGE_READONLY',
  'STORAGE_CORRUPT',
  'STORAGE_BUSY',
  'DATABASE_TOO_NEW',
  'DATA_RESTORING',
  'NO_GOOD_BACKUP',
  'RESTORE_NOT_NEEDED',
  'RESTORE_FAILED',
  'BACKUP_FOLDER_MISSING',
  'REFUND_TOO_LARGE',
  'ORDER_NOT_REFUNDABLE',
  'EXCEPTION_RESOLVED',
  'RESOLUTION_NOT_ALLOWED',
  'OWNER_APPROVAL_REQUIRED',
  'LOCKED',
  'WRONG_PIN',
  'PIN_LOCKED',
  'PIN_BUSY',
  'STATEMENT_REFUSED',
  'STATEMENT_UNAVAILABLE',
  'RECON_DAY_NOT_OVER',
  'CASH_SESSION_OPEN',
  'CASH_SESSION_NOT_OPEN',
  'DRAWER_NOT_OPEN',
  'CASH_PENDING_PAYMENTS',
  'CASH_VARIANCE_REASON_REQUIRED',
  'CASH_OUT_TOO_LARGE',
  'REPORT_RANGE_INVALID',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, string | number | boolean | null>;

export interface PosErrorShape {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/** Thrown inside the core; turned into `{ ok: false, error }` at the contract boundary. */
export class PosError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'PosError';
    this.code = code;
    this.details = details;
  }

  toShape(): PosErrorShape {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export function isPosErrorShape(value: unknown): value is PosErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.message === 'string' && (ERROR_CODES as readonly unknown[]).includes(v.code);
}
