/**
 * What a printed slip is made of (slip.ts builds them, escpos.ts renders them), apart from both so
 * that core/printing.ts can name them without an import circle.
 */
import type { PrintJobKind } from '../../../shared/types';

export type SlipBlock =
  /** centred, bold and double height */
  | { t: 'title'; text: string }
  | { t: 'center'; text: string; bold?: boolean }
  | { t: 'text'; text: string; bold?: boolean }
  /** `left` flush left (wrapped), `right` flush right */
  | { t: 'pair'; left: string; right: string; bold?: boolean }
  | { t: 'rule' }
  | { t: 'qr'; data: string }
  | { t: 'barcode'; data: string };

export interface Slip {
  /** the number it prints (order, refund, Z…): names the job */
  number: string;
  blocks: SlipBlock[];
}

export interface PrintSlip {
  kind: PrintJobKind;
  slip: Slip;
  /** a receipt's order (a later print of it is a reprint) */
  orderId?: number;
  /** kick the drawer with it */
  kick?: boolean;
}
