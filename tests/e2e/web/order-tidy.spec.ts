/**
 * Finding 11 and the header's waiting count (issue 12), in browser mode at 1024×768 in both
 * languages: a parked cart named by the clerk (Enter parks) shows its name, first item, count and
 * total in the recall list; unpaid orders left behind are ticked on the Orders screen and cancelled
 * with a reason through the owner's PIN, the one with a QR payment still open is left alone and
 * said why; the header counts the payment waiting for the intermediary's answer.
 */
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

function client(url: string) {
  const u = new URL(url);
  const token = u.searchParams.get('token')!;
  return async <T>(method: string, input: unknown): Promise<T> => {
    const res = await fetch(`${u.origin}/api/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ method, input }),
    });
    const body = (await res.json()) as { ok: boolean; value: T; error?: unknown };
    expect(body.ok, JSON.stringify(body.error)).toBe(true);
    return body.value;
  };
}

for (const lang of ['zh-CN', 'en'] as const) {
  test(`a named parked cart; unpaid orders tidied with the owner's PIN; the waiting count (${lang}, 1024×768)`, async ({
    pos,
    app,
  }) => {
    const shots = `/tmp/shots-tidy/${lang}`;
    await pos.setViewportSize({ width: 1024, height: 768 });
    const till = new PosPage(pos);
    if ((await till.id('language-switch').getAttribute('data-locale')) !== lang) {
      await till.id('language-switch').click();
      await expect(till.id('language-switch')).toHaveAttribute('data-locale', lang);
    }
    const zh = lang === 'zh-CN';

    // park a cart under a name; Enter parks it
    await till.tile('DRI-001').click();
    await till.tile('SNA-001').click();
    await till.id('cart-park').click();
    await expect(till.id('park-label')).toBeFocused();
    await till.id('park-label').fill('红衣服');
    await pos.screenshot({ path: `${shots}-park-dialog.png` });
    await pos.keyboard.press('Enter');
    await expect(till.id('park-dialog')).toBeHidden();
    await expect(till.id('cart-line')).toHaveCount(0);
    await till.id('parked-carts').click();
    const parked = till.id('parked-cart').first();
    await expect(parked.getByTestId('parked-name')).toContainText('红衣服');
    await expect(parked.getByTestId('parked-name')).toContainText(zh ? '可口可乐' : 'Coca-Cola');
    await expect(parked).toContainText('¥10.50');
    await pos.screenshot({ path: `${shots}-parked-list.png` });
    await pos.keyboard.press('Escape');
    await expect(till.id('parked-list')).toBeHidden();

    // three unpaid orders left behind, one of them with an Alipay QR still open
    const invoke = client(app.url);
    const [cola] = await invoke<{ id: number }[]>('catalog.search', { query: 'DRI-001' });
    const left: { id: number; number: string }[] = [];
    for (let i = 0; i < 3; i++) {
      await invoke('cart.add', { productId: cola!.id, qty: i + 1 });
      left.push(await invoke<{ id: number; number: string }>('checkout.confirm', {}));
    }
    await invoke('payments.start', { orderId: left[2]!.id, provider: 'alipay', mode: 'qr' });

    // the header counts the payment waiting for Alipay's answer
    await expect(till.id('awaiting-count')).toHaveText('1', { timeout: 10_000 });
    await expect(till.id('nav-check')).toHaveAttribute('title', zh ? /1 笔支付正在等待/ : /1 payments are waiting/);

    await till.id('nav-orders').click();
    await till.id('orders-unpaid-only').check();
    await expect(till.id('order-row')).toHaveCount(3);
    for (const tick of await till.id('order-tick').all()) await tick.check();
    await pos.screenshot({ path: `${shots}-orders-unpaid.png` });
    await till.id('orders-tidy').click();
    const dialog = till.id('tidy-dialog');
    await expect(dialog.getByTestId('tidy-ticked')).toBeChecked();
    await expect(dialog.getByTestId('tidy-preview')).toHaveAttribute('data-count', '2');
    await expect(dialog.getByTestId('tidy-kept')).toHaveAttribute('data-why', 'payment_open');
    await expect(dialog.getByTestId('tidy-kept')).toHaveAttribute('data-number', left[2]!.number);
    await expect(dialog.getByTestId('tidy-confirm')).toBeDisabled(); // no reason yet
    await dialog.getByTestId('tidy-reason-chip').first().click();
    await expect(dialog.getByTestId('tidy-confirm')).toContainText(zh ? '作废 2 个订单' : 'Cancel 2 orders');
    await pos.screenshot({ path: `${shots}-tidy-dialog.png` });

    // the clerk is asked for the owner's PIN; going back cancels nothing
    await dialog.getByTestId('tidy-confirm').click();
    await expect(till.id('owner-pin-dialog')).toBeVisible();
    await till.id('owner-pin-cancel').click();
    await expect(till.id('order-row').and(pos.locator('[data-status="cancelled"]'))).toHaveCount(0);
    await dialog.getByTestId('tidy-confirm').click();
    await till.id('owner-pin-input').fill('8888');
    await pos.screenshot({ path: `${shots}-tidy-pin.png` });
    await till.id('owner-pin-submit').click();
    await expect(dialog).toBeHidden();

    // the two are cancelled, the one with the open QR stays unpaid
    await expect(till.id('order-row')).toHaveCount(1);
    await expect(till.id('order-row')).toHaveAttribute('data-number', left[2]!.number);
    await till.id('orders-unpaid-only').uncheck();
    for (const o of left.slice(0, 2))
      await expect(pos.locator(`[data-testid="order-row"][data-number="${o.number}"]`)).toHaveAttribute(
        'data-status',
        'cancelled',
      );
    await pos.locator(`[data-testid="order-row"][data-number="${left[0]!.number}"]`).click();
    await expect(till.id('order-timeline')).toContainText(zh ? '顾客未付款离开' : 'Customer left without paying');
    await pos.screenshot({ path: `${shots}-orders-after.png` });
    // the same screens on a 1366×768 counter
    await pos.setViewportSize({ width: 1366, height: 768 });
    await till.id('orders-unpaid-only').check();
    await till.id('order-tick').first().check();
    await till.id('orders-tidy').click();
    await expect(dialog.getByTestId('tidy-preview')).toHaveAttribute('data-count', '0');
    await pos.screenshot({ path: `${shots}-1366-tidy-dialog.png` });
  });
}
