/**
 * YeePay's cashier page in browser mode: main cannot open a window there, so the pay screen opens
 * a named popup inside the clerk's click and submits the signed request into it.
 */
import type { Result } from '../../../../shared/result';
import type { AttemptView } from '../../../../shared/types';
import { thrownToError } from '../../lib/notice';

export const CASHIER_WINDOW = 'counter-pos-cashier';
export const CASHIER_FEATURES = 'width=960,height=720';

/** A call's result, with a thrown transport error as a refusal. */
export async function settled<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await pending;
  } catch (err) {
    return { ok: false, error: thrownToError(err) };
  }
}

/** Sends the signed request into the named popup, as the cashier page expects it. */
export function submitToCashier(redirect: NonNullable<AttemptView['redirect']>): void {
  if (redirect.method === 'GET') {
    const url = new URL(redirect.url);
    for (const [k, v] of Object.entries(redirect.fields)) url.searchParams.set(k, v);
    window.open(url.toString(), CASHIER_WINDOW, CASHIER_FEATURES);
    return;
  }
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = redirect.url;
  form.target = CASHIER_WINDOW;
  form.acceptCharset = 'utf-8';
  form.style.display = 'none';
  for (const [k, v] of Object.entries(redirect.fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = k;
    input.value = v;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
  form.remove();
}

/** Opens (or finds) the cashier popup at once, inside the click, so no pop-up blocker stops it. */
export function openCashierWindow(waitingText: string): Window | null {
  const w = window.open('', CASHIER_WINDOW, CASHIER_FEATURES);
  if (!w) return null;
  try {
    if (w.location.href === 'about:blank') {
      w.document.title = 'Counter POS';
      w.document.body.style.font = '20px system-ui, sans-serif';
      w.document.body.style.padding = '40px';
      w.document.body.textContent = waitingText;
    }
  } catch {
    /* already showing the cashier page (another origin) */
  }
  return w;
}
