/**
 * Scripted outcomes (docs/sandbox.md "Scenario API"). A scenario has a name, optional filters
 * (provider, out_trade_no, operation), an optional use count (`times`; absent = until deleted)
 * and parameters. A scenario for a specific out_trade_no wins over a global one.
 */
import type { Provider, ScenarioRow, Store } from './store';
import { isProvider } from './store';

export const SCENARIO_NAMES = [
  'decline',
  'delay',
  'user_paying',
  'no_answer',
  'http_500',
  'malformed_body',
  'bad_signature',
  'amount_mismatch',
  'system_error',
  'duplicate_notification',
  'late_notification',
  'pay_after_close',
  'refund_pending',
  'refund_failed',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The operations a scenario can be limited to, normalised across providers. */
export const OPERATIONS = [
  'create',
  'pay',
  'query',
  'close',
  'cancel',
  'refund',
  'refund_query',
  'bill',
  'notify',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Scenario {
  id: number;
  name: ScenarioName;
  provider: Provider | null;
  out_trade_no: string | null;
  operation: Operation | null;
  times: number | null;
  params: Record<string, unknown>;
  created_at: number;
}

function toScenario(row: ScenarioRow): Scenario {
  let params: Record<string, unknown> = {};
  try {
    const p: unknown = JSON.parse(row.params);
    if (typeof p === 'object' && p !== null && !Array.isArray(p)) params = p as Record<string, unknown>;
  } catch {
    /* stored by us; ignore */
  }
  return {
    ...row,
    name: row.name as ScenarioName,
    provider: row.provider,
    operation: row.operation as Operation | null,
    params,
  };
}

export function numParam(s: Scenario | null, key: string, fallback: number): number {
  const v = s?.params[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}

export function strParam(s: Scenario | null, key: string): string | null {
  const v = s?.params[key];
  return typeof v === 'string' ? v : null;
}

export interface TransportPlan {
  delayMs: number;
  fault: 'no_answer' | 'http_500' | 'malformed_body' | null;
  badSignature: boolean;
  amountDeltaFen: number;
}

export class Scenarios {
  constructor(private readonly store: Store) {}

  list(): Scenario[] {
    return this.store.scenarios().map(toScenario);
  }

  add(input: unknown, now: number): { ok: true; scenario: Scenario } | { ok: false; error: string } {
    if (typeof input !== 'object' || input === null) return { ok: false, error: 'body must be a JSON object' };
    const o = input as Record<string, unknown>;
    // `scenario` is accepted for `name`, and parameters may be given at the top level too
    const name = o['name'] ?? o['scenario'];
    if (typeof name !== 'string' || !(SCENARIO_NAMES as readonly string[]).includes(name))
      return { ok: false, error: `name must be one of ${SCENARIO_NAMES.join(', ')}` };
    const provider = o['provider'] ?? null;
    if (provider !== null && !isProvider(provider))
      return { ok: false, error: 'provider must be alipay, wechat or yeepay' };
    const otn = o['out_trade_no'] ?? null;
    if (otn !== null && (typeof otn !== 'string' || otn === ''))
      return { ok: false, error: 'out_trade_no must be a non-empty string' };
    const op = o['operation'] ?? null;
    if (op !== null && !(OPERATIONS as readonly unknown[]).includes(op))
      return { ok: false, error: `operation must be one of ${OPERATIONS.join(', ')}` };
    const times = o['times'] ?? null;
    if (times !== null && !(typeof times === 'number' && Number.isInteger(times) && times > 0))
      return { ok: false, error: 'times must be a positive integer' };
    const nested = o['params'] ?? {};
    if (typeof nested !== 'object' || nested === null || Array.isArray(nested))
      return { ok: false, error: 'params must be an object' };
    const top = Object.fromEntries(
      Object.entries(o).filter(
        ([k]) => !['name', 'scenario', 'provider', 'out_trade_no', 'operation', 'times', 'params'].includes(k),
      ),
    );
    const params = { ...top, ...(nested as Record<string, unknown>) };
    const row = {
      name,
      provider: provider as Provider | null,
      out_trade_no: otn as string | null,
      operation: op as string | null,
      times: times as number | null,
      params: JSON.stringify(params),
      created_at: now,
    };
    const id = this.store.insertScenario(row);
    return { ok: true, scenario: toScenario({ ...row, id }) };
  }

  remove(id: number): boolean {
    return this.store.deleteScenario(id);
  }

  clear(): void {
    for (const s of this.store.scenarios()) this.store.deleteScenario(s.id);
  }

  /** The applicable scenario of that name (specific order first, then global), not consumed. */
  find(name: ScenarioName, provider: Provider, outTradeNo: string | null, op: Operation | null): Scenario | null {
    const all = this.list().filter(
      (s) =>
        s.name === name &&
        (s.provider === null || s.provider === provider) &&
        (s.operation === null || op === null || s.operation === op),
    );
    const specific = outTradeNo === null ? undefined : all.find((s) => s.out_trade_no === outTradeNo);
    return specific ?? all.find((s) => s.out_trade_no === null) ?? null;
  }

  /** Find and use once. */
  take(name: ScenarioName, provider: Provider, outTradeNo: string | null, op: Operation | null): Scenario | null {
    const s = this.find(name, provider, outTradeNo, op);
    if (s) this.store.consumeScenario(s.id);
    return s;
  }

  /** What the answer to this request should suffer (consumes what applies). */
  transport(provider: Provider, outTradeNo: string | null, op: Operation): TransportPlan {
    const delay = this.take('delay', provider, outTradeNo, op);
    const noAnswer = this.take('no_answer', provider, outTradeNo, op);
    const h500 = noAnswer ? null : this.take('http_500', provider, outTradeNo, op);
    const malformed = noAnswer || h500 ? null : this.take('malformed_body', provider, outTradeNo, op);
    const faulted = Boolean(noAnswer || h500 || malformed);
    const bad = faulted ? null : this.take('bad_signature', provider, outTradeNo, op);
    const mismatch = faulted ? null : this.take('amount_mismatch', provider, outTradeNo, op);
    return {
      delayMs: delay ? numParam(delay, 'ms', 3000) : 0,
      fault: noAnswer ? 'no_answer' : h500 ? 'http_500' : malformed ? 'malformed_body' : null,
      badSignature: Boolean(bad),
      amountDeltaFen: mismatch ? numParam(mismatch, 'delta_fen', 100) : 0,
    };
  }
}
