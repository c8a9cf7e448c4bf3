/**
 * Server-rendered pages: the customer page behind every QR code and the YeePay cashier page.
 * Chinese and English labels, readable on a phone, no scripts (a meta refresh while the buyer is
 * "entering the password").
 */
import type { Provider, Trade } from './store';
import { yuan } from './money';

export function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f2f3f5;color:#222}
main{max-width:420px;margin:0 auto;padding:20px}
.card{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.badge{display:inline-block;background:#c0392b;color:#fff;font-size:12px;padding:2px 8px;border-radius:4px;letter-spacing:.05em}
.provider{font-size:18px;font-weight:600;margin:12px 0 4px}
.merchant{color:#666;font-size:14px}
.amount{font-size:40px;font-weight:700;margin:16px 0}
.subject{color:#444;margin-bottom:16px}
.row{display:flex;gap:12px}
button{flex:1;font-size:18px;padding:14px;border:0;border-radius:8px;cursor:pointer}
.pay{background:#1677ff;color:#fff}.wechat .pay{background:#07c160}.yeepay .pay{background:#e6521f}
.decline{background:#e8e8e8;color:#333}
.state{font-size:20px;font-weight:600;margin:16px 0}
.ok{color:#07a35a}.bad{color:#c0392b}.wait{color:#b7791f}
select{width:100%;font-size:16px;padding:10px;margin:8px 0 16px;border-radius:8px}
small{color:#888;display:block;margin-top:16px}
`;

function page(title: string, body: string, opts: { refreshSeconds?: number; cls?: string } = {}): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
${opts.refreshSeconds ? `<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body class="${opts.cls ?? ''}"><main><div class="card">
<span class="badge">SANDBOX 沙箱 · no real money</span>
${body}
</div></main></body></html>`;
}

const PROVIDER_LABEL: Record<Provider, string> = {
  alipay: '支付宝 Alipay',
  wechat: '微信支付 WeChat Pay',
  yeepay: '易宝支付 YeePay',
};

export interface CustomerView {
  trade: Trade;
  merchant: string;
  /** where the Pay / Decline form posts */
  action: string;
  /** why the code cannot be paid any more, if so */
  dead: string | null;
}

/** The customer page a QR code leads to. */
export function customerPage(v: CustomerView): string {
  const t = v.trade;
  const head = `<div class="provider" data-testid="customer-provider">${esc(PROVIDER_LABEL[t.provider])}</div>
<div class="merchant" data-testid="customer-merchant">收款方 Payee: ${esc(v.merchant)}</div>
<div class="amount" data-testid="customer-amount">¥${yuan(t.amount_fen)}</div>
<div class="subject">${esc(t.subject)}</div>`;
  let state: string;
  let refresh: number | undefined;
  if (t.status === 'paid')
    state = `<div class="state ok" data-testid="customer-state" data-state="paid">支付成功 Paid ✓</div>`;
  else if (t.status === 'paying') {
    state = `<div class="state wait" data-testid="customer-state" data-state="paying">正在输入密码… Entering password…</div>`;
    refresh = 1;
  } else if (t.status === 'failed')
    state = `<div class="state bad" data-testid="customer-state" data-state="declined">已拒绝支付 Declined</div>`;
  else if (v.dead)
    state = `<div class="state bad" data-testid="customer-state" data-state="closed">${esc(v.dead)}</div>`;
  else
    state = `<div data-testid="customer-state" data-state="open"></div>
<form method="post" action="${esc(v.action)}" class="row">
<button class="pay" name="action" value="pay" data-testid="customer-pay">确认支付 Pay</button>
<button class="decline" name="action" value="decline" data-testid="customer-decline">取消 Decline</button>
</form>`;
  return page(
    `${PROVIDER_LABEL[t.provider]} ¥${yuan(t.amount_fen)}`,
    `${head}${state}<small>订单号 Order ${esc(t.out_trade_no)}</small>`,
    {
      cls: t.provider,
      ...(refresh ? { refreshSeconds: refresh } : {}),
    },
  );
}

export const BANKS: readonly [string, string][] = [
  ['ICBC-NET-B2C', '工商银行 ICBC'],
  ['CMBCHINA-NET-B2C', '招商银行 China Merchants Bank'],
  ['CCB-NET-B2C', '建设银行 CCB'],
  ['ABC-NET-B2C', '农业银行 ABC'],
  ['BOC-NET-B2C', '中国银行 Bank of China'],
  ['BOCO-NET-B2C', '交通银行 BoCom'],
  ['POST-NET-B2C', '邮储银行 Postal Savings'],
  ['1000000-NET', '易宝账户 YeePay account'],
];

export interface CashierView {
  trade: Trade;
  merchant: string;
  action: string;
  /** pd_FrpId from the request, '' when the buyer chooses */
  presetBank: string;
}

/** The YeePay cashier page: bank choice (or the merchant's preset), amount, Pay and Cancel. */
export function cashierPage(v: CashierView): string {
  const t = v.trade;
  const preset = BANKS.find(([code]) => code === v.presetBank);
  const bank = v.presetBank
    ? `<div>付款银行 Bank: <b data-testid="cashier-bank">${esc(preset ? preset[1] : v.presetBank)}</b></div><input type="hidden" name="bank" value="${esc(v.presetBank)}">`
    : `<label for="bank">选择银行 Choose a bank</label>
<select id="bank" name="bank" data-testid="cashier-bank">
<option value="">由付款人在银行页面选择 Let me choose at the bank</option>
${BANKS.map(([code, name]) => `<option value="${esc(code)}">${esc(name)}</option>`).join('\n')}
</select>`;
  return page(
    `易宝支付 YeePay ¥${yuan(t.amount_fen)}`,
    `<div class="provider">${esc(PROVIDER_LABEL.yeepay)} 收银台 Cashier</div>
<div class="merchant" data-testid="cashier-merchant">商户 Merchant: ${esc(v.merchant)}</div>
<div class="amount" data-testid="cashier-amount">¥${yuan(t.amount_fen)}</div>
<div class="subject">${esc(t.subject)}</div>
<form method="post" action="${esc(v.action)}">
${bank}
<div class="row">
<button class="pay" name="action" value="pay" data-testid="cashier-pay">确认支付 Pay</button>
<button class="decline" name="action" value="cancel" data-testid="cashier-cancel">取消 Cancel</button>
</div></form>
<small>订单号 Order ${esc(t.out_trade_no)}</small>`,
    { cls: 'yeepay' },
  );
}

/** A plain message page (cashier result, gateway errors shown to a browser). */
export function messagePage(
  title: string,
  message: string,
  opts: { testid?: string; cls?: 'ok' | 'bad' | 'wait'; refreshSeconds?: number } = {},
): string {
  return page(
    title,
    `<div class="state ${opts.cls ?? 'bad'}" data-testid="${esc(opts.testid ?? 'sandbox-message')}">${esc(message)}</div>`,
    opts.refreshSeconds ? { refreshSeconds: opts.refreshSeconds } : {},
  );
}
