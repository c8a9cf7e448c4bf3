/**
 * What a printed slip is made of (core/hardware/slip.ts builds them, hardware/escpos.ts renders them),
 * beside the HTML receipts (printing.ts) so that reports/ never imports hardware/.
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
