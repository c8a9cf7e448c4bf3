/** Limits every process agrees on (kept free of zod so the renderer can import them cheaply). */
export const MAX_QTY = 9999;
