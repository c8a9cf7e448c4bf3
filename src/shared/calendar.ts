/** Calendar days as `YYYY-MM-DD` strings (a business day, a report's range): plain date arithmetic, no time zone. */

/** Midnight UTC of `day`, in ms: for counting and stepping days, never for an instant in the store. */
export const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** `day` plus `n` calendar days. */
export const shiftDay = (day: string, n: number): string =>
  new Date(dayMs(day) + n * 86_400_000).toISOString().slice(0, 10);
