/**
 * The audit log in words (issue 12): main keeps each row as data — an action code, a subject, the
 * values before and after (JSON) — and the People screen shows it here in the owner's language:
 * what was done, to what, and each changed value as "field: before → after", amounts in yuan. Rows
 * written by any version read the same way; an action or field this version has no words for is
 * shown as "another change" or by its name split into words.
 */
import { formatFen } from '../../../shared/money';
import { isMessageKey, type Translate } from '../i18n';

/** What was done: "Product changed", "Cash paid out", … */
export function auditAction(action: string, t: Translate): string {
  const key = `audit.action.${action}`;
  return isMessageKey(key) ? t(key) : t('audit.action.other');
}

/** What it was done to: `order:12` → "order 12", `product:DRI-001` → "product DRI-001"; other subjects as written. */
export function auditSubject(subject: string | null, t: Translate): string | null {
  if (subject === null) return null;
  const m = /^([a-z_-]+):(.+)$/.exec(subject);
  if (!m) return subject;
  const key = `audit.subject.${m[1]}`;
  return isMessageKey(key) ? t(key, { id: m[2]! }) : subject.replace(':', ' ');
}

/** `retentionDays` → "retention days": a field this version has no words for. */
function words(name: string): string {
  return name
    .replace(/Fen$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}

function label(field: string, t: Translate): string {
  const key = `audit.field.${field}`;
  return isMessageKey(key) ? t(key) : words(field);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function value(field: string, v: unknown, t: Translate, depth = 0): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('audit.yes') : t('audit.no');
  if (typeof v === 'number') return /Fen$/.test(field) && Number.isInteger(v) ? formatFen(v) : String(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => value(field, x, t, depth)).join(', ');
    return t('audit.entries', { count: v.length });
  }
  if (isRecord(v)) {
    if (depth > 0) return t('audit.entries', { count: Object.keys(v).length });
    return Object.entries(v)
      .map(([k, x]) => `${label(k, t)} ${value(k, x, t, depth + 1)}`)
      .join(', ');
  }
  return '—';
}

/** Each value that changed, as "field: before → after" (or "field: value" for what was only added). */
export function auditChanges(before: unknown, after: unknown, t: Translate): string[] {
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    const lines: string[] = [];
    for (const f of fields) {
      const had = f in b;
      const has = f in a;
      if (had && has && JSON.stringify(b[f]) === JSON.stringify(a[f])) continue;
      if (!isRecord(before)) lines.push(`${label(f, t)}: ${value(f, a[f], t)}`);
      else lines.push(`${label(f, t)}: ${had ? value(f, b[f], t) : '—'} → ${has ? value(f, a[f], t) : '—'}`);
    }
    if (before !== null && before !== undefined && !isRecord(before)) lines.unshift(value('', before, t));
    return lines;
  }
  if (before === null || before === undefined)
    return after === null || after === undefined ? [] : [value('', after, t)];
  if (after === null || after === undefined) return [`${value('', before, t)} → —`];
  return [`${value('', before, t)} → ${value('', after, t)}`];
}
