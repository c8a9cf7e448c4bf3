import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTEMPT_EVENTS,
  ATTEMPT_STATES,
  replay,
  transition,
  type AttemptEvent,
} from '../../src/shared/payment-state-machine';
import { FINAL_UNPAID, PAID_STATES } from '../../src/shared/payment-states';
import type { AttemptState } from '../../src/shared/types';

/** The expected table, written out by hand: every (state, event) pair. */
const EXPECTED: Record<AttemptState, Record<AttemptEvent, AttemptState | null>> = {
  created: {
    submitted: 'pending',
    paid: 'paid',
    declined: 'failed',
    closed: 'closed',
    expired: 'expired',
    refunded_part: null,
    refunded_all: null,
    late_accepted: null,
  },
  pending: {
    submitted: null,
    paid: 'paid',
    declined: 'failed',
    closed: 'closed',
    expired: 'expired',
    refunded_part: null,
    refunded_all: null,
    late_accepted: null,
  },
  paid: {
    submitted: null,
    paid: null,
    declined: null,
    closed: null,
    expired: null,
    refunded_part: 'partially_refunded',
    refunded_all: 'refunded',
    late_accepted: null,
  },
  partially_refunded: {
    submitted: null,
    paid: null,
    declined: null,
    closed: null,
    expired: null,
    refunded_part: 'partially_refunded',
    refunded_all: 'refunded',
    late_accepted: null,
  },
  refunded: {
    submitted: null,
    paid: null,
    declined: null,
    closed: null,
    expired: null,
    refunded_part: null,
    refunded_all: null,
    late_accepted: null,
  },
  failed: {
    submitted: null,
    paid: null,
    declined: null,
    closed: null,
    expired: null,
    refunded_part: null,
    refunded_all: null,
    late_accepted: 'paid',
  },
  closed: {
    submitted: null,
    paid: null,
    declined: null,
    closed: null,
    expired: null,
    refunded_part: null,
    refunded_all: null,
    late_accepted: 'paid',
  },
  expired: {
    submitted: null,
    paid: null,
    declined: null,
    closed: null,
    expired: null,
    refunded_part: null,
    refunded_all: null,
    late_accepted: 'paid',
  },
};

describe('payment attempt state machine', () => {
  it.each(ATTEMPT_STATES.flatMap((s) => ATTEMPT_EVENTS.map((e) => [s, e] as const)))('%s + %s', (state, event) => {
    expect(transition(state, event)).toBe(EXPECTED[state][event]);
  });

  const events = fc.array(fc.constantFrom(...ATTEMPT_EVENTS), { maxLength: 40 });

  it('never leaves paid for an unpaid state, whatever happens next', () => {
    fc.assert(
      fc.property(events, (es) => {
        let s: AttemptState = 'created';
        let wasPaid = false;
        for (const e of es) {
          s = transition(s, e) ?? s;
          if (PAID_STATES.includes(s)) wasPaid = true;
          if (wasPaid) expect(PAID_STATES).toContain(s);
        }
      }),
    );
  });

  it('never leaves a final unpaid state, except by the owner accepting late money, and then only to paid', () => {
    fc.assert(
      fc.property(events, (es) => {
        let s: AttemptState = 'created';
        let final: AttemptState | null = null;
        for (const e of es) {
          const before = s;
          s = transition(s, e) ?? s;
          if (final && s !== final) {
            expect(e).toBe('late_accepted');
            expect(FINAL_UNPAID).toContain(before);
            expect(s).toBe('paid');
            final = null;
          }
          if (FINAL_UNPAID.includes(s)) final = s;
        }
      }),
    );
  });

  it('only late_accepted leads out of failed, closed or expired', () => {
    for (const from of FINAL_UNPAID) {
      for (const e of ATTEMPT_EVENTS) expect(transition(from, e)).toBe(e === 'late_accepted' ? 'paid' : null);
    }
  });

  it('replaying the journal gives the same state as applying it step by step, and replay is idempotent on prefixes', () => {
    fc.assert(
      fc.property(events, (es) => {
        let s: AttemptState = 'created';
        const applied: AttemptEvent[] = [];
        for (const e of es) {
          const n = transition(s, e);
          if (n) {
            s = n;
            applied.push(e);
          }
        }
        expect(replay(es)).toBe(s);
        expect(replay(applied)).toBe(s);
      }),
    );
  });
});
