/**
 * `prepared` (src/main/store/db.ts): a query kysely builds and compiles once, with stand-ins for its
 * arguments, then binds the real values on every call. It must give exactly the SQL and parameters
 * kysely gives when it builds the query anew, with plain or object arguments, and refuse a query
 * whose shape would depend on an argument.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, prepared, type Store } from '../../src/main/store/db';
import { tempDir } from '../support/temp';

let store: Store | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  store?.close();
  cleanup?.();
  store = undefined;
});

async function fresh(): Promise<Store> {
  const dir = tempDir();
  cleanup = dir.cleanup;
  store = (await openStore({ dataDir: dir.dir })).store;
  return store;
}

describe('prepared queries', () => {
  it('compile to the SQL and parameters kysely builds each time, for plain and object arguments', async () => {
    const s = await fresh();
    const byCart = prepared((k, cartId: number, productId: number) =>
      k.selectFrom('cart_lines').selectAll().where('cart_id', '=', cartId).where('product_id', '=', productId).limit(1),
    );
    const direct = (cartId: number, productId: number) =>
      s.kysely
        .selectFrom('cart_lines')
        .selectAll()
        .where('cart_id', '=', cartId)
        .where('product_id', '=', productId)
        .limit(1)
        .compile();
    for (const [a, b] of [
      [1, 2],
      [7, 7],
      [123_456, 0],
    ] as const) {
      const c = byCart(a, b).compile();
      expect({ sql: c.sql, parameters: c.parameters }).toEqual({
        sql: direct(a, b).sql,
        parameters: direct(a, b).parameters,
      });
    }

    const journal = prepared((k, j: { order_id: number; kind: string; detail: string | null }, at: number) =>
      k.insertInto('payment_journal').values({
        order_id: j.order_id,
        attempt_id: null,
        at,
        kind: j.kind,
        from_state: null,
        to_state: 'open',
        detail: j.detail,
      }),
    );
    const c = journal({ order_id: 5, kind: 'order.created', detail: null }, 99).compile();
    const d = s.kysely
      .insertInto('payment_journal')
      .values({
        order_id: 5,
        attempt_id: null,
        at: 99,
        kind: 'order.created',
        from_state: null,
        to_state: 'open',
        detail: null,
      })
      .compile();
    expect({ sql: c.sql, parameters: c.parameters }).toEqual({ sql: d.sql, parameters: d.parameters });
  });

  it('run against the store like any query, with the values of each call', async () => {
    const s = await fresh();
    const put = prepared((k, day: string, seq: number) =>
      k.insertInto('day_counters').values({ business_day: day, last_seq: seq }),
    );
    const get = prepared((k, day: string) =>
      k.selectFrom('day_counters').select('last_seq').where('business_day', '=', day),
    );
    s.run(put('2026-11-26', 4));
    s.run(put('2026-11-27', 9));
    expect(s.first(get('2026-11-26'))).toEqual({ last_seq: 4 });
    expect(s.first(get('2026-11-27'))).toEqual({ last_seq: 9 });
    expect(s.first(get('2026-11-28'))).toBeUndefined();
  });

  it('refuse a query that does not use every argument as a value', () => {
    // branching on an argument: the stand-in is always truthy, so the shape would be fixed by the first build
    const branching = prepared((k, id: number | null) =>
      id === null ? k.selectFrom('orders').selectAll().where('id', 'is', null) : k.selectFrom('orders').selectAll(),
    );
    expect(() => branching(1)).toThrow(/must use each of its 1 arguments as a parameter/);
    // an argument written into the SQL text instead of bound
    const inlined = prepared((k, id: string) =>
      k
        .selectFrom('orders')
        .selectAll()
        .where(sql<boolean>`id = ${sql.raw(String(id))}`),
    );
    expect(() => inlined('x')).toThrow(/must use each/);
  });
});
