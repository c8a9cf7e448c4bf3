/**
 * What the schemas of the contract share: ids, amounts, days, free text, the owner's PIN, the note an
 * owner writes, and `method`, which declares a method. Each domain's methods are in this folder.
 */
import { z } from 'zod';
import { MAX_QTY } from '../limits';
import { MAX_FEN } from '../money';
import { LINE_MESSAGE, TEXT_MESSAGE, isCleanText } from '../text';

export const id = z.number().int().positive().max(2_147_483_647);
export const qty = z.number().int().min(1).max(MAX_QTY);
export const fen = z.number().int().min(0).max(MAX_FEN);
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const empty = z.object({}).strict();
/**
 * Free text is refused (INVALID_INPUT naming the field) when it holds control characters or bidi
 * overrides (text.ts): `line` for one line (names, codes, search: no TAB or line break either),
 * `multiline` where line breaks are legitimate (notes, reasons typed in a text area, PEM keys).
 */
export const line = <S extends z.ZodString>(s: S) => s.refine((v) => isCleanText(v), { message: LINE_MESSAGE });
export const multiline = <S extends z.ZodString>(s: S) =>
  s.refine((v) => isCleanText(v, true), { message: TEXT_MESSAGE });
/** an owner's PIN, when a clerk asks for an owner action (the owner approves at the counter) */
export const approvalPin = z
  .string()
  .regex(/^\d{4,8}$/)
  .optional();
/** a read that is the owner's (money totals, statements, wire exchanges, the catalogue with stock): only the PIN */
export const ownerRead = z.object({ approvalPin }).strict();
/** why an owner decided as they did: kept in the audit log */
export const note = multiline(z.string().trim().min(3).max(500));

/** Declares a method: its input schema, and (as a phantom) its result type. */
export function method<Out>() {
  return <S extends z.ZodType>(input: S) => ({ input, output: undefined as unknown as Out });
}
