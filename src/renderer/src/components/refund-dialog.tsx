import { useEffect, useMemo, useRef, useState } from 'react';
import { formatFen, parseYuan } from '../../../shared/money';
import { lineRefundFen } from '../../../shared/refund-share';
import type { RefundQuote, RefundView } from '../../../shared/types';
import { api } from '../api';
import { names, useI18n } from '../i18n';
import { useCall } from '../lib/notice';
import { Modal } from './modal';
import { useOwnerApproval } from './owner-approval';

type Kind = 'full' | 'lines' | 'amount';

export interface RefundDialogProps {
  orderId: number;
  onClose: () => void;
  onDone: (refund: RefundView) => void;
}

function newKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * Refund a paid order: everything, some items, or an amount. The money goes back the way it came
 * (the intermediary, or cash from the drawer); main computes the amounts and asks for the owner.
 * One request key per dialog: pressing "refund" twice refunds once.
 */
export function RefundDialog({ orderId, onClose, onDone }: RefundDialogProps) {
  const { t, locale } = useI18n();
  const call = useCall();
  const approve = useOwnerApproval();
  const [quote, setQuote] = useState<RefundQuote | null>(null);
  const [kind, setKind] = useState<Kind>('full');
  /** split tender: the part a refund by line or amount comes from (null: cash parts first) */
  const [partId, setPartId] = useState<number | null>(null);
  const [qty, setQty] = useState<Record<number, number>>({});
  const [amountText, setAmountText] = useState('');
  const [restock, setRestock] = useState(true);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const requestKey = useRef(newKey());

  useEffect(() => {
    void call(api.refunds.quote({ orderId })).then((q) => {
      if (q) setQuote(q);
    });
  }, [call, orderId]);

  const amount = useMemo(() => {
    if (!quote) return 0;
    if (kind === 'full') return quote.refundableFen;
    if (kind === 'lines')
      return Math.min(
        quote.refundableFen,
        quote.lines.reduce((s, l) => s + lineRefundFen(l, qty[l.lineNo] ?? 0), 0),
      );
    return parseYuan(amountText) ?? 0;
  }, [quote, kind, qty, amountText]);

  const submit = async (): Promise<void> => {
    if (!quote) return;
    if (reason.trim().length < 3) {
      setProblem(t('refund.reasonMissing'));
      return;
    }
    if (amount <= 0 || amount > quote.refundableFen) {
      setProblem(t('refund.badAmount', { max: formatFen(quote.refundableFen) }));
      return;
    }
    setProblem(null);
    setBusy(true);
    const lines =
      kind === 'lines'
        ? quote.lines
            .filter((l) => (qty[l.lineNo] ?? 0) > 0)
            .map((l) => ({ lineNo: l.lineNo, qty: qty[l.lineNo] ?? 0 }))
        : undefined;
    const done = await approve(
      (pin) =>
        api.refunds.create({
          orderId,
          kind,
          ...(lines ? { lines } : {}),
          ...(kind === 'amount' ? { amountFen: amount } : {}),
          ...(kind !== 'full' && partId !== null ? { attemptId: partId } : {}),
          restock: kind !== 'amount' && restock,
          reason: reason.trim(),
          requestKey: requestKey.current,
          approvalPin: pin,
        }),
      'approval.reason.refund',
      { number: quote.number, amount: formatFen(amount) },
    );
    setBusy(false);
    if (done) onDone(done);
  };

  const split = (quote?.parts.length ?? 0) > 1;
  const method = quote?.method ? t(`method.${quote.method}`) : '—';
  // a split order: the total, then each part by its method ("已付款 ¥10.50（现金 ¥5.00 + 支付宝 ¥5.50）")
  const parts = (quote?.parts ?? []).map((p) => `${t(`method.${p.method}`)} ${formatFen(p.paidFen)}`).join(' + ');
  return (
    <Modal
      title={t('refund.title', { number: quote?.number ?? '' })}
      onClose={onClose}
      testId="refund-dialog"
      className="refund-modal"
    >
      {!quote ? (
        <p className="muted">…</p>
      ) : (
        <div className="refund-form">
          <p className="refund-summary-line">
            {split
              ? t('refund.paidSplit', { amount: formatFen(quote.paidFen), parts })
              : t('refund.paid', { amount: formatFen(quote.paidFen), method })}
            {quote.refundedFen > 0 ? ` · ${t('refund.already', { amount: formatFen(quote.refundedFen) })}` : ''}
            {' · '}
            <strong data-testid="refund-refundable">
              {t('refund.left', { amount: formatFen(quote.refundableFen) })}
            </strong>
          </p>
          <div className="refund-kinds" role="tablist">
            {(['full', 'lines', 'amount'] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={kind === k}
                className={`seg${kind === k ? ' seg-on' : ''}`}
                onClick={() => setKind(k)}
                data-testid={`refund-kind-${k}`}
              >
                {t(`refund.kind.${k}`)}
              </button>
            ))}
          </div>
          {split && kind !== 'full' ? (
            // split tender: the owner chooses the part the money goes back to (default: cash first)
            <div className="refund-parts" data-testid="refund-parts">
              <span className="refund-parts-label">{t('refund.fromPart')}</span>
              <div className="refund-kinds" role="tablist">
                {[null, ...quote.parts.map((p) => p.attemptId)].map((id) => {
                  const part = quote.parts.find((p) => p.attemptId === id);
                  return (
                    <button
                      key={id ?? 'auto'}
                      type="button"
                      role="tab"
                      aria-selected={partId === id}
                      className={`seg${partId === id ? ' seg-on' : ''}`}
                      onClick={() => setPartId(id)}
                      disabled={part !== undefined && part.refundableFen <= 0}
                      data-testid="refund-part"
                      data-attempt-id={id ?? ''}
                    >
                      {part ? `${t(`method.${part.method}`)} ${formatFen(part.refundableFen)}` : t('refund.cashFirst')}
                    </button>
                  );
                })}
              </div>
            </div>
          ) : null}
          {kind === 'lines' ? (
            <table className="table refund-lines">
              <tbody>
                {quote.lines.map((l) => {
                  const n = qty[l.lineNo] ?? 0;
                  const set = (v: number) =>
                    setQty((q) => ({ ...q, [l.lineNo]: Math.max(0, Math.min(l.refundableQty, v)) }));
                  return (
                    <tr key={l.lineNo} data-testid="refund-line" data-line-no={l.lineNo}>
                      <td>
                        {names(locale, l).main}
                        <div className="muted small">
                          {t('refund.lineSold', { qty: l.qty, refunded: l.refundedQty })}
                        </div>
                      </td>
                      <td className="stepper">
                        <button
                          type="button"
                          className="btn btn-lg"
                          onClick={() => set(n - 1)}
                          disabled={n <= 0}
                          data-testid="refund-line-minus"
                          aria-label="−"
                        >
                          −
                        </button>
                        <span className="stepper-n" data-testid="refund-line-qty">
                          {n}
                        </span>
                        <button
                          type="button"
                          className="btn btn-lg"
                          onClick={() => set(n + 1)}
                          disabled={n >= l.refundableQty}
                          data-testid="refund-line-plus"
                          aria-label="+"
                        >
                          +
                        </button>
                      </td>
                      <td className="num">{formatFen(lineRefundFen(l, n))}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
          {kind === 'amount' ? (
            <label className="field">
              <span>{t('refund.amount')}</span>
              <input
                className="input input-lg"
                inputMode="decimal"
                value={amountText}
                onChange={(e) => setAmountText(e.target.value)}
                placeholder={formatFen(quote.refundableFen).replace('¥', '')}
                data-testid="refund-amount"
                autoFocus
              />
            </label>
          ) : null}
          {kind !== 'amount' ? (
            <label className="check-row">
              <input
                type="checkbox"
                checked={restock}
                onChange={(e) => setRestock(e.target.checked)}
                data-testid="refund-restock"
              />
              <span>{t('refund.restock')}</span>
            </label>
          ) : null}
          <label className="field field-wide">
            <span>{t('refund.reason')}</span>
            <input
              className="input"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              placeholder={t('refund.reasonPlaceholder')}
              data-testid="refund-reason"
            />
          </label>
          {problem ? (
            <p className="pin-error" role="alert" data-testid="refund-problem">
              {problem}
            </p>
          ) : null}
          <div className="refund-total">
            <span>
              {split && (kind === 'full' || partId === null)
                ? t('refund.toParts')
                : (quote.parts.find((p) => p.attemptId === partId)?.method ?? quote.method) === 'cash'
                  ? t('refund.toCash')
                  : t('refund.toProvider', {
                      method: t(
                        `method.${quote.parts.find((p) => p.attemptId === partId)?.method ?? quote.method ?? 'cash'}`,
                      ),
                    })}
            </span>
            <strong data-testid="refund-total">{formatFen(amount)}</strong>
          </div>
          <div className="row-actions">
            <button type="button" className="btn btn-lg" onClick={onClose} data-testid="refund-cancel">
              {t('confirm.no')} <kbd>Esc</kbd>
            </button>
            <button
              type="button"
              className="btn btn-lg btn-danger"
              disabled={busy || amount <= 0}
              onClick={() => void submit()}
              data-testid="refund-confirm"
            >
              {t('refund.confirm', { amount: formatFen(amount) })}
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}
