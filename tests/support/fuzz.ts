/**
 * Building blocks of the seeded contract fuzzer (tests/security/fuzz.test.ts): a small PRNG, a
 * string generator for the simple regular expressions the contract uses, a value generator driven
 * by each method's JSON Schema (derived from its zod schema), and the hostile values and mutations
 * that are thrown at the contract.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** an integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** one of `choices`, each with its weight */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((n, [, w]) => n + w, 0);
    let r = this.next() * total;
    for (const [v, w] of choices) if ((r -= w) < 0) return v;
    return choices[choices.length - 1]![0];
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

// ---- strings matching a (simple) regular expression -----------------------------------------------

type Node =
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'chars'; chars: string }
  | { t: 'rep'; node: Node; min: number; max: number };

const DIGITS = '0123456789';
const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';

function range(a: string, b: string): string {
  let s = '';
  for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) s += String.fromCharCode(c);
  return s;
}

/** Parses the subset the contract uses: anchors, classes, \d \w, groups with |, ? * + {n} {n,} {n,m}. */
function parseRegex(src: string): Node {
  let i = 0;
  const alt = (): Node => {
    const options: Node[] = [seq()];
    while (src[i] === '|') {
      i++;
      options.push(seq());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  };
  const seq = (): Node => {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const c = src[i]!;
      if (c === '^' || c === '$') {
        i++;
        continue;
      }
      let atom: Node;
      if (c === '(') {
        i++;
        if (src.startsWith('?:', i)) i += 2;
        atom = alt();
        i++; // ')'
      } else if (c === '[') {
        i++;
        let chars = '';
        while (src[i] !== ']') {
          let ch = src[i++]!;
          if (ch === '\\') {
            const e = src[i++]!;
            if (e === 'd') {
              chars += DIGITS;
              continue;
            }
            if (e === 'w') {
              chars += WORD;
              continue;
            }
            ch = e;
          }
          if (src[i] === '-' && src[i + 1] !== ']') {
            i++;
            let to = src[i++]!;
            if (to === '\\') to = src[i++]!;
            chars += range(ch, to);
          } else chars += ch;
        }
        i++;
        atom = { t: 'chars', chars };
      } else if (c === '\\') {
        const e = src[i + 1]!;
        i += 2;
        atom = { t: 'chars', chars: e === 'd' ? DIGITS : e === 'w' ? WORD : e };
      } else if (c === '.') {
        i++;
        atom = { t: 'chars', chars: WORD };
      } else {
        i++;
        atom = { t: 'chars', chars: c };
      }
      const q = src[i];
      if (q === '?' || q === '*' || q === '+') {
        i++;
        atom = { t: 'rep', node: atom, min: q === '+' ? 1 : 0, max: q === '?' ? 1 : Infinity };
      } else if (q === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i))!;
        i += m[0].length;
        const min = Number(m[1]);
        atom = { t: 'rep', node: atom, min, max: m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity };
      }
      items.push(atom);
    }
    return { t: 'seq', items };
  };
  return alt();
}

const parsed = new Map<string, Node>();

/** A string matching `pattern` (one of the contract's simple patterns), at most a few dozen characters. */
export function fromPattern(rng: Rng, pattern: string): string {
  let node = parsed.get(pattern);
  if (!node) parsed.set(pattern, (node = parseRegex(pattern)));
  const gen = (n: Node): string => {
    switch (n.t) {
      case 'seq':
        return n.items.map(gen).join('');
      case 'alt':
        return gen(rng.pick(n.options));
      case 'chars':
        return n.chars[rng.int(0, n.chars.length - 1)]!;
      case 'rep': {
        const hi = Math.min(n.max, n.min + 12);
        let s = '';
        for (let k = rng.int(n.min, hi); k > 0; k--) s += gen(n.node);
        return s;
      }
    }
  };
  return gen(node);
}

// ---- hostile values ---------------------------------------------------------------------------------

/** Characters a text field should never store: NUL and other C0 controls, DEL, bidi overrides and isolates, lone surrogates. */
export const CONTROL_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\u0007\u0008',
  '\u001b[31mred\u001b[0m',
  '\u007f',
  '\u202e\u2066evil\u2069',
  'abc\u202edcba',
  '\u2067x\u2069',
  '\ud800',
  'x\udfffy',
  '\ufeffbom',
  '\u0000' + '\u202e'.repeat(3),
];

/** True when `s` holds one of the characters above (tabs and line breaks are ordinary text). */
export function hasControl(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(
    s,
  );
}

export const EDGE_NUMBERS: readonly number[] = [
  0,
  -1,
  -0,
  0.5,
  1.5,
  -2.5,
  1e-7,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  // JSON has no NaN or Infinity: JSON.stringify sends these as null
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** Keys that must never reach an object's prototype, plus keys that look privileged. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'role',
  'isOwner',
  'approvedBy',
  'userId',
  'priceFen',
  '',
];

/** A value nested `depth` levels deep, arrays or objects. */
export function nested(depth: number, kind: 'array' | 'object' | 'mixed', rng: Rng): unknown {
  let v: unknown = 1;
  for (let d = 0; d < depth; d++) {
    const asArray = kind === 'array' || (kind === 'mixed' && rng.chance(0.5));
    v = asArray ? [v] : { a: v };
  }
  return v;
}

/** Text without `/`, `.` or `\`, so an echo of it can never look like a file path. */
export function plainText(rng: Rng, min: number, max: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-可口乐茶水果面包';
  let s = '';
  for (let n = rng.int(min, max); n > 0; n--) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

/** A string of `n` characters: one repeated, or a short pattern repeated, or mixed scripts. */
export function longString(rng: Rng, n: number): string {
  const unit = rng.pick(['a', '9', '可', 'ab ', '\u0000', '\u202e', '😀', 'x'.repeat(7) + ' ']);
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

// ---- JSON Schema (from zod) → a plausible value ------------------------------------------------------

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

/** Values that make sense for a field, by its name (ids that exist, PINs, days, …); null = no opinion. */
export type Pools = (key: string, path: readonly string[]) => unknown[] | null;

/** A value for `schema`, preferring `pools` for named fields, otherwise inside the schema's bounds. */
export function generate(rng: Rng, schema: JsonSchema, pools: Pools, path: readonly string[] = []): unknown {
  const key = path[path.length - 1] ?? '';
  const pool = key ? pools(key, path) : null;
  if (pool && pool.length > 0 && rng.chance(0.9)) return rng.pick(pool);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const nonNull = branches.filter((b) => b.type !== 'null');
    return generate(rng, nonNull.length && rng.chance(0.8) ? rng.pick(nonNull) : rng.pick(branches), pools, path);
  }
  if ('const' in schema) return schema.const;
  if (schema.enum) return rng.pick(schema.enum);
  const type = Array.isArray(schema.type) ? rng.pick(schema.type) : schema.type;
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
      const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000);
      const small = Math.min(hi, lo + 20);
      return rng.weighted<number>([
        [rng.int(lo, small), 6],
        [rng.int(lo, Math.min(hi, lo + 100_000)), 2],
        [lo, 1],
        [hi, 1],
      ]);
    }
    case 'string': {
      if (schema.pattern) return fromPattern(rng, schema.pattern);
      const min = schema.minLength ?? 0;
      return plainText(rng, Math.max(min, 3), Math.max(min, Math.min(schema.maxLength ?? 24, 24)));
    }
    case 'array': {
      const n = rng.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, (schema.minItems ?? 0) + 3));
      return Array.from({ length: n }, (_, i) => generate(rng, schema.items ?? {}, pools, [...path, String(i)]));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [k, sub] of Object.entries(schema.properties ?? {})) {
        if (required.has(k) || rng.chance(0.55)) out[k] = generate(rng, sub, pools, [...path, k]);
      }
      const extra = schema.additionalProperties;
      if (extra && typeof extra === 'object') {
        const names = schema.propertyNames?.enum as string[] | undefined;
        const keyPool = names ?? (pools(`${key}[]`, path) as string[] | null) ?? ['a', 'b'];
        for (const k of rng.shuffle(keyPool).slice(0, rng.int(0, Math.min(3, keyPool.length))))
          out[k] = generate(rng, extra, pools, [...path, k]);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Every string (keys included) inside a value: what an answer may legitimately echo. */
export function stringsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 60) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out, depth + 1);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out, depth + 1);
    }
  }
  return out;
}
