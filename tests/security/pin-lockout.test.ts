/**
 * Issue 9, defect 3: the PIN lock-out must hold against guesses sent all at once. An attacker at the
 * till (or any page holding the browser-mode token) fires 400 wrong PINs in parallel with the right
 * one last, at `auth.login` (sign in as the owner) and as an owner's `approvalPin` on a clerk's call
 * (`reports.sales`). Each guess must count before its hash is computed, the fifth failure must lock
 * whatever the concurrency, and the lock must survive a restart of the core on the same data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_OUT_MS, MAX_PIN_FAILURES } from '../../src/main/core/people/auth';
import { ManualClock } from '../../src/main/core/clock';
import { createCore, type Core } from '../../src/main/core/core';
import type { Result } from '../../src/shared/result';
import type { UserView } from '../../src/shared/types';
import { must, startCore, startServer, tempDir, type TestCore, type TestServer } from '../support/core';

const OWNER_PIN = '8888';
const CLERK_PIN = '1234';
const START = '2026-11-26T02:00:00Z';

let cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

type Invoke = (method: string, input: unknown) => Promise<Result<unknown>>;

/** The same till, called in-process (`core.dispatch`) or over browser mode's HTTP transport. */
async function till(via: 'in-process' | 'http'): Promise<{ core: Core; clock: ManualClock; invoke: Invoke }> {
  if (via === 'http') {
    const s: TestServer = await startServer({ poll: false });
    cleanups.push(() => s.stop());
    // browser mode takes at most 128 connections at once (the rest are dropped, see http-guard.ts): the
    // attacker keeps 64 calls in flight, far more than the PIN queue lets wait
    let inFlight = 0;
    const waiting: (() => void)[] = [];
    const invoke: Invoke = async (m, i) => {
      if (inFlight >= 64) await new Promise<void>((go) => waiting.push(go));
      inFlight++;
      try {
        return await s.transport.invoke(m as never, i as never);
      } finally {
        inFlight--;
        waiting.shift()?.();
      }
    };
    return { core: s.core, clock: s.clock, invoke };
  }
  const t: TestCore = await startCore({ poll: false });
  cleanups.push(() => t.close());
  return { core: t.core, clock: t.clock, invoke: (m, i) => t.core.dispatch(m, i) };
}

const ownerOf = (core: Core): UserView => core.auth.users().find((u) => u.role === 'owner')!;
const row = (core: Core, id: number) =>
  core.store.first(
    core.store.kysely.selectFrom('users').select(['failed_count', 'locked_until']).where('id', '=', id),
  )!;
const codeOf = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.code);

/** 400 distinct wrong PINs, then the right one. */
function guesses(right: string): string[] {
  const wrong = Array.from({ length: 400 }, (_, i) => String(i).padStart(4, '0')).filter((p) => p !== right);
  return [...wrong.slice(0, 400), right];
}

function tally(results: Result<unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) out[codeOf(r)] = (out[codeOf(r)] ?? 0) + 1;
  return out;
}

/** Exactly MAX_PIN_FAILURES guesses were counted: four WRONG_PINs saying 4, 3, 2, 1 left, then the lock. */
function expectFiveCounted(results: Result<unknown>[]): void {
  const left = results.flatMap((r) => (!r.ok && r.error.code === 'WRONG_PIN' ? [r.error.details?.attemptsLeft] : []));
  expect(left.sort()).toEqual([1, 2, 3, 4]);
  expect(results.every((r) => !r.ok && ['WRONG_PIN', 'PIN_LOCKED', 'PIN_BUSY'].includes(r.error.code))).toBe(true);
}

describe('the PIN lock-out holds against parallel guesses', () => {
  for (const via of ['in-process', 'http'] as const) {
    it(`auth.login: 400 wrong PINs at once, the right one last, never sign in as the owner (${via})`, async () => {
      const { core, clock, invoke } = await till(via);
      const owner = ownerOf(core);
      const results = await Promise.all(
        guesses(OWNER_PIN).map((pin) => invoke('auth.login', { userId: owner.id, pin })),
      );
      expect(tally(results).ok ?? 0).toBe(0);
      expect(codeOf(results.at(-1)!)).not.toBe('ok');
      expectFiveCounted(results);
      expect(row(core, owner.id).locked_until).toBe(clock.now() + LOCK_OUT_MS);
      expect(core.auth.current().role).toBe('clerk');
      // locked: the right PIN is refused too, and says until when
      const again = await invoke('auth.login', { userId: owner.id, pin: OWNER_PIN });
      expect(codeOf(again)).toBe('PIN_LOCKED');
      if (!again.ok)
        expect(again.error.details).toMatchObject({
          lockedUntil: clock.now() + LOCK_OUT_MS,
          minutes: 5,
          until: '10:05',
        });
    }, 120_000);

    it(`an owner's approvalPin on a clerk's reports.sales: 400 wrong PINs at once, the right one last, never approve (${via})`, async () => {
      const { core, clock, invoke } = await till(via);
      const owner = ownerOf(core);
      const results = await Promise.all(
        guesses(OWNER_PIN).map((pin) =>
          invoke('reports.sales', { from: '2026-11-26', to: '2026-11-26', approvalPin: pin }),
        ),
      );
      expect(tally(results).ok ?? 0).toBe(0);
      expectFiveCounted(results);
      expect(row(core, owner.id).locked_until).toBe(clock.now() + LOCK_OUT_MS);
      expect(
        codeOf(await invoke('reports.sales', { from: '2026-11-26', to: '2026-11-26', approvalPin: OWNER_PIN })),
      ).toBe('PIN_LOCKED');
      // the owner's own sign-in is the same lock
      expect(codeOf(await invoke('auth.login', { userId: owner.id, pin: OWNER_PIN }))).toBe('PIN_LOCKED');
    }, 120_000);
  }

  it('locks after exactly five failures one by one; a right PIN resets the count; the lock ends after five minutes', async () => {
    const { core, clock, invoke } = await till('in-process');
    const owner = ownerOf(core);
    for (let i = 1; i < MAX_PIN_FAILURES; i++) {
      const r = await invoke('auth.login', { userId: owner.id, pin: '0000' });
      expect(r.ok ? null : r.error.details?.attemptsLeft).toBe(MAX_PIN_FAILURES - i);
    }
    expect(row(core, owner.id)).toEqual({ failed_count: 4, locked_until: null });
    must(await invoke('auth.login', { userId: owner.id, pin: OWNER_PIN }));
    expect(row(core, owner.id)).toEqual({ failed_count: 0, locked_until: null });
    for (let i = 0; i < MAX_PIN_FAILURES - 1; i++)
      expect(codeOf(await invoke('auth.login', { userId: owner.id, pin: '0000' }))).toBe('WRONG_PIN');
    expect(codeOf(await invoke('auth.login', { userId: owner.id, pin: '0000' }))).toBe('PIN_LOCKED');
    clock.advance(LOCK_OUT_MS - 1);
    expect(codeOf(await invoke('auth.login', { userId: owner.id, pin: OWNER_PIN }))).toBe('PIN_LOCKED');
    clock.advance(1);
    must(await invoke('auth.login', { userId: owner.id, pin: OWNER_PIN }));
  });

  it('a guess is counted (committed) while its hash is still being computed, so killing the till mid-check gains nothing', async () => {
    const { core, invoke } = await till('in-process');
    const owner = ownerOf(core);
    const pending = invoke('auth.login', { userId: owner.id, pin: '0000' });
    await new Promise((r) => setImmediate(r)); // the scrypt hash takes tens of milliseconds on the thread pool
    expect(row(core, owner.id).failed_count).toBe(1);
    expect(codeOf(await pending)).toBe('WRONG_PIN');
    expect(row(core, owner.id).failed_count).toBe(1);
    const right = invoke('auth.login', { userId: owner.id, pin: OWNER_PIN });
    await new Promise((r) => setImmediate(r));
    expect(row(core, owner.id).failed_count).toBe(2); // counted as a failure until the hash proves it right
    must(await right);
    expect(row(core, owner.id).failed_count).toBe(0);
  });

  it('the lock survives a restart of the core on the same data directory', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const open = async () => {
      const core = await createCore({
        dataDir: dir,
        mode: 'browser',
        clock: new ManualClock(START),
        timeZone: 'Asia/Shanghai',
        poll: false,
      });
      return core;
    };
    const first = await open();
    const owner = ownerOf(first);
    await Promise.all(
      guesses(OWNER_PIN)
        .slice(0, 20)
        .map((pin) => first.dispatch('reports.sales', { from: '2026-11-26', to: '2026-11-26', approvalPin: pin })),
    );
    first.close();
    const second = await open();
    cleanups.push(() => second.close());
    expect(codeOf(await second.dispatch('auth.login', { userId: owner.id, pin: OWNER_PIN }))).toBe('PIN_LOCKED');
    expect(
      codeOf(await second.dispatch('reports.sales', { from: '2026-11-26', to: '2026-11-26', approvalPin: OWNER_PIN })),
    ).toBe('PIN_LOCKED');
    expect(row(second, owner.id).locked_until).toBe(Date.parse(START) + LOCK_OUT_MS);
  });

  it("one owner's right PIN does not count against another owner; a clerk's lock is the clerk's alone", async () => {
    const { core, invoke } = await till('in-process');
    const second = must(
      await invoke('auth.addUser', { name: '店长 2', role: 'owner', pin: '24680', approvalPin: OWNER_PIN }),
    ) as UserView;
    for (let i = 0; i < 8; i++)
      must(await invoke('reports.sales', { from: '2026-11-26', to: '2026-11-26', approvalPin: OWNER_PIN }));
    expect(row(core, second.id)).toEqual({ failed_count: 0, locked_until: null });
    must(await invoke('reports.sales', { from: '2026-11-26', to: '2026-11-26', approvalPin: '24680' }));
    const clerk = core.auth.users().find((u) => u.role === 'clerk')!;
    for (let i = 0; i < MAX_PIN_FAILURES; i++) await invoke('auth.login', { userId: clerk.id, pin: '9999' });
    expect(codeOf(await invoke('auth.login', { userId: clerk.id, pin: CLERK_PIN }))).toBe('PIN_LOCKED');
    must(await invoke('reports.sales', { from: '2026-11-26', to: '2026-11-26', approvalPin: OWNER_PIN }));
  });
});
