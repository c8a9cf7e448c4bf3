/**
 * Text hygiene for what people type (names, reasons, notes, settings): the characters that have no
 * place in such text and are refused where it enters — the contract (contract.ts, as INVALID_INPUT
 * naming the field) and the catalogue import (core/catalogue/import-plan.ts).
 *
 * Refused everywhere: the C0 controls (NUL — SQLite's length() stops at it, so CHECKs misjudge the
 * text — BEL, ESC, …), DEL, the C1 controls, and the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which make a name or a reason read differently from what it holds,
 * and lone surrogates (half a UTF-16 pair: no character at all, and not storable as UTF-8).
 * TAB, LF and CR are allowed only in multi-line text (notes, reasons typed in a text area, PEM keys).
 * Chinese, emoji and every other printable character pass.
 */

/** half of a UTF-16 surrogate pair without the other half */
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
/** Not allowed in one line of text (names, codes, search): every control, TAB and line breaks too. */
export const UNSAFE_IN_LINE = new RegExp(
  `[\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]|${LONE_SURROGATE}`,
);
/** Not allowed in multi-line text: the same less TAB, LF and CR. */
export const UNSAFE_IN_TEXT = new RegExp(
  `[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]|${LONE_SURROGATE}`,
);

export const LINE_MESSAGE = 'must be one line without control characters';
export const TEXT_MESSAGE = 'must not contain control characters';

/** Whether `text` is fit to keep: one line, or multi-line (TAB, LF and CR allowed). */
export function isCleanText(text: string, multiLine = false): boolean {
  return !(multiLine ? UNSAFE_IN_TEXT : UNSAFE_IN_LINE).test(text);
}

const UNSAFE_GLOBAL = new RegExp(UNSAFE_IN_LINE.source, 'g');

/**
 * A short prefix of bad input, fit to quote in an error message: at most `max` characters (an
 * ellipsis says there was more), controls and bidi characters shown as U+FFFD.
 */
export function shortPrefix(text: string, max = 40): string {
  const chars = Array.from(text.slice(0, 2 * max)); // a megabyte of input is not split whole
  const head = chars.slice(0, max).join('').replace(UNSAFE_GLOBAL, '\uFFFD');
  return chars.length > max || text.length > 2 * max ? `${head}…` : head;
}
