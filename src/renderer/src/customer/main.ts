/**
 * The customer display (`/customer` in browser mode, the customer window in Electron): read-only,
 * it draws what main sends (core/customer-display/) and can call nothing. Chinese first, English
 * beneath, sized for 800×480 and 1024×600 customer screens. Plain DOM, no framework: the clerk's
 * bundle does not grow by a byte, and this one stays small.
 */
import type { CustomerLine, CustomerView, PaymentMethod } from '../../../shared/types';
import './customer.css';

declare global {
  interface Window {
    /** the Electron customer window's preload (src/preload/customer.ts): a read-only feed */
    customerFeed?: { subscribe(listener: (view: CustomerView) => void): () => void };
  }
}

const root = document.getElementById('customer') as HTMLElement;

const PROVIDERS: Record<PaymentMethod, [string, string]> = {
  alipay: ['支付宝', 'Alipay'],
  wechat: ['微信支付', 'WeChat Pay'],
  yeepay: ['易宝支付', 'YeePay'],
  cash: ['现金', 'Cash'],
};

function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}¥${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: { class?: string; testid?: string } = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (attrs.class) e.className = attrs.class;
  if (attrs.testid) e.dataset.testid = attrs.testid;
  for (const c of children) if (c !== null) e.append(c);
  return e;
}

/** Chinese above, English beneath. */
function both(zh: string, en: string, cls = ''): HTMLElement {
  return el('div', { class: `both ${cls}` }, el('span', { class: 'zh' }, zh), el('span', { class: 'en' }, en));
}

function lineRow(l: CustomerLine): HTMLElement {
  const detail =
    l.weightG !== null
      ? `${(l.weightG / 1000).toFixed(3)} kg`
      : l.qty === 1
        ? yuan(l.unitPriceFen)
        : `${l.qty} × ${yuan(l.unitPriceFen)}`;
  return el(
    'li',
    { class: 'line', testid: 'customer-line' },
    el('div', { class: 'line-name' }, el('span', { class: 'zh' }, l.nameZh), el('span', { class: 'en' }, l.nameEn)),
    el('span', { class: 'line-detail' }, detail),
    el('span', { class: 'line-total' }, yuan(l.totalFen)),
  );
}

function totalBox(view: CustomerView): HTMLElement {
  return el(
    'div',
    { class: 'total-box' },
    view.itemCount > 0
      ? both(`共 ${view.itemCount} 件`, `${view.itemCount} item${view.itemCount === 1 ? '' : 's'}`, 'count')
      : null,
    view.discountFen > 0
      ? both(`已优惠 ${yuan(view.discountFen)}`, `You save ${yuan(view.discountFen)}`, 'saved')
      : null,
    both('合计', 'Total', 'label'),
    el('div', { class: 'total', testid: 'customer-total' }, yuan(view.totalFen)),
  );
}

let countdown: { to: number; offset: number } | null = null;
/** the payment QR on screen, kept while its text stays the same */
let shownQr: { text: string; img: HTMLElement } | null = null;

function drawCountdown(): void {
  const node = root.querySelector<HTMLElement>('[data-testid="customer-countdown"]');
  if (!node || !countdown) return;
  const left = Math.max(0, Math.ceil((countdown.to - (Date.now() + countdown.offset)) / 1000));
  node.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

function render(view: CustomerView): void {
  root.dataset.phase = view.phase;
  root.replaceChildren();
  countdown = null;
  const head = el(
    'header',
    { class: 'head' },
    el('span', { class: 'store', testid: 'customer-store' }, view.storeName),
  );
  root.append(head);
  if (view.phase === 'idle') {
    root.append(
      el(
        'section',
        { class: 'idle' },
        el('div', { class: 'idle-store' }, view.storeName),
        both('欢迎光临', 'Welcome', 'welcome'),
      ),
    );
    return;
  }
  if (view.phase === 'paid' || view.phase === 'declined') {
    const paid = view.paid;
    const provider = paid?.method ? PROVIDERS[paid.method] : null;
    root.append(
      el(
        'section',
        { class: `result ${view.phase}`, testid: 'customer-result' },
        el('div', { class: 'mark' }, view.phase === 'paid' ? '✓' : '✕'),
        view.phase === 'paid'
          ? both('支付成功', provider ? `Paid · ${provider[1]}` : 'Paid', 'headline')
          : both('支付未成功', 'Payment declined', 'headline'),
        view.phase === 'paid'
          ? el(
              'div',
              { class: 'amounts' },
              both(`应付 ${yuan(view.totalFen)}`, `Total ${yuan(view.totalFen)}`),
              paid?.tenderedFen != null
                ? both(`实收 ${yuan(paid.tenderedFen)}`, `Tendered ${yuan(paid.tenderedFen)}`)
                : null,
            )
          : both('请与收银员确认，或换一种方式付款', 'Please see the cashier, or pay another way', 'hint'),
        view.phase === 'paid' && paid?.changeFen != null
          ? el(
              'div',
              { class: 'change' },
              both('找零', 'Change'),
              el('div', { class: 'change-amount', testid: 'customer-change' }, yuan(paid.changeFen)),
            )
          : null,
        view.phase === 'paid' ? both('谢谢惠顾', 'Thank you', 'thanks') : null,
      ),
    );
    return;
  }
  const lines = el('ol', { class: 'lines', testid: 'customer-lines' }, ...view.lines.map(lineRow));
  if (view.phase === 'cart') {
    root.append(el('section', { class: 'cart' }, lines, totalBox(view)));
    return;
  }
  // pay: the QR large, so the customer scans this screen and the clerk's stays the clerk's
  const qr = view.qr;
  if (!qr) {
    root.append(
      el(
        'section',
        { class: 'cart' },
        lines,
        el(
          'div',
          { class: 'total-box' },
          both('请付款', 'Amount due', 'label'),
          el('div', { class: 'total', testid: 'customer-total' }, yuan(view.totalFen)),
        ),
      ),
    );
    return;
  }
  // the same QR is kept across updates (a poll's answer, the countdown): a new image would blink
  // while it decodes, under the customer's phone
  if (shownQr?.text !== qr.text) {
    const fresh = el('img', { class: 'qr', testid: 'customer-qr' });
    fresh.alt = '付款码 Payment QR';
    fresh.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.svg)}`;
    fresh.dataset.content = qr.text;
    shownQr = { text: qr.text, img: fresh };
  }
  const img = shownQr.img;
  const [zh, en] = PROVIDERS[qr.provider];
  root.append(
    el(
      'section',
      { class: `pay ${qr.provider}` },
      el('div', { class: 'qr-frame' }, img),
      el(
        'div',
        { class: 'pay-side' },
        both(`请用${zh}扫码付款`, `Scan with ${en} to pay`, 'scan'),
        both('应付', 'Amount due', 'label'),
        el('div', { class: 'total', testid: 'customer-total' }, yuan(view.totalFen)),
        qr.countdownTo !== null
          ? el(
              'div',
              { class: 'countdown-box' },
              both('剩余时间', 'Time left', 'label'),
              el('div', { class: 'countdown', testid: 'customer-countdown' }),
            )
          : null,
      ),
    ),
  );
  if (qr.countdownTo !== null) {
    countdown = { to: qr.countdownTo, offset: view.now - Date.now() };
    drawCountdown();
  }
}

setInterval(drawCountdown, 1000);

function offline(on: boolean): void {
  root.classList.toggle('offline', on);
  let badge = document.querySelector<HTMLElement>('.offline-badge');
  if (on && !badge) {
    badge = el('div', { class: 'offline-badge', testid: 'customer-offline' }, '连接中… Reconnecting…');
    document.body.append(badge);
  } else if (!on && badge) badge.remove();
}

/** Browser mode: the feed is a WebSocket opened with the display's own key (`/customer?key=…`). */
function connect(key: string, retry = 250): void {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${window.location.host}/api/customer?token=${encodeURIComponent(key)}`);
  socket.onopen = () => {
    retry = 250;
    offline(false);
  };
  socket.onmessage = (message) => {
    try {
      render(JSON.parse(String(message.data)) as CustomerView);
    } catch {
      /* a malformed message is dropped */
    }
  };
  socket.onclose = () => {
    offline(true);
    setTimeout(() => connect(key, Math.min(retry * 2, 5000)), retry);
  };
}

if (window.customerFeed) {
  window.customerFeed.subscribe(render);
} else {
  const key = new URL(window.location.href).searchParams.get('key') ?? '';
  if (key) connect(key);
  else
    root.append(both('请打开收银机给出的顾客显示地址', 'Open the customer display address the till printed', 'hint'));
}
