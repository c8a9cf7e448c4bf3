/**
 * A scripted PaymentProvider for testing the core's payment logic without a network: each
 * operation answers from a queue the test fills (or a default), and every call is recorded.
 */
import type {
  Called,
  CancelOutcome,
  Capabilities,
  CloseOutcome,
  CreateInput,
  CreateOutcome,
  Incoming,
  PaymentProvider,
  ProviderId,
  QueryOutcome,
  RefundInput,
  RefundOutcome,
  RefundQueryOutcome,
  StatementOutcome,
  TradeRef,
  Verified,
} from '../../src/main/intermediaries/provider';
import type { ProviderSource } from '../../src/main/core/payments/attempts';

type Op = 'create' | 'query' | 'close' | 'cancel' | 'refund' | 'refundQuery';

export class FakeProvider implements PaymentProvider {
  readonly calls: { op: Op; input: unknown }[] = [];
  readonly queue: Record<Op, unknown[]> = { create: [], query: [], close: [], cancel: [], refund: [], refundQuery: [] };
  defaults: {
    create: CreateOutcome;
    query: QueryOutcome;
    close: CloseOutcome;
    cancel: CancelOutcome;
    refund: RefundOutcome;
    refundQuery: RefundQueryOutcome;
  } = {
    create: { kind: 'qr', qrContent: 'https://sandbox.invalid/qr/1' },
    query: { kind: 'not_found' },
    close: { kind: 'closed' },
    cancel: { kind: 'closed' },
    refund: { kind: 'unknown', reason: 'not scripted' },
    refundQuery: { kind: 'unknown', reason: 'not scripted' },
  };
  incomingOutcome: Verified['outcome'] | null = null;

  constructor(
    readonly id: ProviderId,
    readonly capabilities: Capabilities = {
      modes: ['qr', 'payment_code'],
      query: true,
      close: true,
      cancel: true,
      refund: true,
      refundQuery: true,
      statement: false,
      notification: true,
      browserReturn: false,
    },
  ) {}

  then(op: Op, ...outcomes: unknown[]): this {
    this.queue[op].push(...outcomes);
    return this;
  }

  count(op: Op): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  private answer<T>(op: Op, input: unknown): Promise<Called<T>> {
    this.calls.push({ op, input });
    const outcome = (this.queue[op].length ? this.queue[op].shift() : this.defaults[op]) as T | Error;
    if (outcome instanceof Error) return Promise.reject(outcome);
    return Promise.resolve({
      outcome,
      exchanges: [
        {
          op,
          at: 0,
          method: 'POST',
          url: `fake://${this.id}/${op}`,
          request: JSON.stringify(input),
          status: 200,
          response: JSON.stringify(outcome),
          error: null,
          ms: 1,
        },
      ],
    });
  }

  create(input: CreateInput) {
    return this.answer<CreateOutcome>('create', input);
  }
  query(ref: TradeRef) {
    return this.answer<QueryOutcome>('query', ref);
  }
  close(ref: TradeRef) {
    return this.answer<CloseOutcome>('close', ref);
  }
  cancel(ref: TradeRef) {
    return this.answer<CancelOutcome>('cancel', ref);
  }
  refund(input: RefundInput) {
    return this.answer<RefundOutcome>('refund', input);
  }
  refundQuery(input: RefundInput) {
    return this.answer<RefundQueryOutcome>('refundQuery', input);
  }
  statement(): Promise<Called<StatementOutcome>> {
    return Promise.resolve({ outcome: { kind: 'none' }, exchanges: [] });
  }
  parseStatement(): StatementOutcome {
    return { kind: 'invalid', reason: 'not scripted' };
  }
  verifyIncoming(_incoming: Incoming): Verified {
    return {
      outcome: this.incomingOutcome ?? { kind: 'untrusted', reason: 'bad_signature', detail: 'not scripted' },
      reply: { status: 200, contentType: 'text/plain', body: 'success' },
    };
  }
}

/** Scripted Alipay and WeChat providers, and the ProviderSource the core takes them from. */
export function scriptedProviders(): { alipay: FakeProvider; wechat: FakeProvider; providers: ProviderSource } {
  const alipay = new FakeProvider('alipay');
  const wechat = new FakeProvider('wechat');
  const map = new Map<ProviderId, FakeProvider>([
    ['alipay', alipay],
    ['wechat', wechat],
  ]);
  const providers: ProviderSource = {
    get: (id) => (map.has(id) ? { provider: map.get(id)!, sandbox: true } : undefined),
    all: () => [...map.values()].map((provider) => ({ provider, sandbox: true })),
  };
  return { alipay, wechat, providers };
}
