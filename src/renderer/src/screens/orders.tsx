import { useCallback, useEffect, useRef, useState } from 'react';
import { formatFen } from '../../../shared/money';
import type { OrderStatus, OrderSummary, OrderView, Receipt } from '../../../shared/types';
import { api } from '../api';
import { ConfirmDialog, Modal } from '../components/modal';
import { ReceiptView } from '../components/receipt-view';
import { useOwnerApproval } from '../components/owner-approval';
import { useOwnerRead, withPin } from '../components/owner-read';
import { RefundDialog } from '../components/refund-dialog';
import { useShortcuts } from '../hooks/use-shortcuts';
import { names, useI18n, type MessageKey, type Params } from '../i18n';
import { saveFile } from '../lib/download';
import { discountLabel, formatDay, formatTime } from '../lib/format';
import { journalFacts, journalStates, journalTitle } from '../lib/journal-text';
import { useCall, useNotifier } from '../lib/notice';
import { printReceipt } from '../lib/print';
import { paidBy } from '../lib/payments';
import { TickCell, TidyDialog, UnpaidTools } from './orders-tidy';

const RECEIPT_STATUSES: readonly OrderStatus[] = ['paid', 'partially_refunded', 'refunded'];

function StatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useI18n();
  return (
    <span className={`status status-${status}`} data-testid="order-status" data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

export interface OrdersProps {
  businessDay: string;
  onBack: () => void;
}

export default function OrdersScreen({ businessDay, onBack }: OrdersProps) {
  const { t, locale, timeZone } = useI18n();
  const call = useCall();
  const approve = useOwnerApproval();
  const owner = useOwnerRead();
  const notifier = useNotifier();
  const [orders, setOrders] = useState<OrderSummary[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [detail, setDetail] = useState<OrderView | null>(null);
  const [reprint, setReprint] = useState<Receipt | null>(null);
  const [printStatus, setPrintStatus] = useState<{ key: MessageKey; params?: Params } | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [refunding, setRefunding] = useState(false);
  const [busy, setBusy] = useState(false);
  // s-tidy: the unpaid filter, the orders ticked for a tidy-up, the tidy-up dialog
  const [unpaidOnly, setUnpaidOnly] = useState(false);
  const [ticked, setTicked] = useState<ReadonlySet<number>>(new Set());
  const [tidying, setTidying] = useState(false);
  const selectedRef = useRef<number | null>(null);

  const loadList = useCallback(async () => {
    const list = await call(api.orders.list({}));
    if (list) setOrders(list);
  }, [call]);

  const loadDetail = useCallback(
    async (orderId: number) => {
      const order = await call(api.orders.get({ orderId }));
      if (order && selectedRef.current === orderId) setDetail(order);
    },
    [call],
  );

  useEffect(() => {
    void loadList();
    const offOrder = api.on('order.changed', (change) => {
      void loadList();
      if (change.orderId === selectedRef.current) void loadDetail(change.orderId);
    });
    const offRefund = api.on('refund.changed', (r) => {
      if (r.orderId === selectedRef.current) void loadDetail(r.orderId);
      if (r.state === 'succeeded' || r.state === 'failed')
        notifier.say(r.state === 'succeeded' ? 'success' : 'error', `orders.refund.${r.state}`, {
          number: r.orderNumber,
        });
    });
    return () => {
      offOrder();
      offRefund();
    };
  }, [loadList, loadDetail, notifier]);

  const open = (orderId: number): void => {
    selectedRef.current = orderId;
    setSelected(orderId);
    setDetail(null);
    void loadDetail(orderId);
  };

  const showReprint = async (): Promise<void> => {
    if (!detail) return;
    const receipt = await call(api.orders.receipt({ orderId: detail.id }));
    if (receipt) {
      setPrintStatus(null);
      setReprint(receipt);
    }
  };

  /** The payment timeline as a file (main builds it; the browser saves it). Its wire exchanges are the owner's. */
  const exportTimeline = async (format: 'json' | 'csv'): Promise<void> => {
    if (!detail) return;
    const orderId = detail.id;
    const file = await owner.ask(
      (pin) => api.orders.exportTimeline({ orderId, format, ...withPin(pin) }),
      'approval.reason.timeline',
      { number: detail.number },
    );
    if (!file) return;
    saveFile(file);
  };

  /** The customer says they paid a payment the till closed: ask the intermediary once more. */
  const checkLate = async (attemptId: number): Promise<void> => {
    if (!detail) return;
    setBusy(true);
    const v = await call(api.payments.queryNow({ attemptId }));
    setBusy(false);
    if (!v) return;
    void loadDetail(detail.id);
    const late = await call(api.payments.attention({}));
    const found = late?.exceptions.some((e) => e.attemptId === attemptId && e.resolvedAt === null);
    notifier.say(found ? 'error' : 'info', found ? 'orders.lateFound' : 'orders.lateNone', { number: detail.number });
  };

  const cancel = async (): Promise<void> => {
    if (!detail) return;
    setBusy(true);
    // cancelling for good (a void) needs the owner
    const order = await approve(
      (pin) => api.orders.cancel({ orderId: detail.id, approvalPin: pin }),
      'approval.reason.void',
      { number: detail.number },
    );
    setBusy(false);
    setConfirmCancel(false);
    if (order) {
      notifier.say('info', 'pay.cancelled', { number: order.number });
      if (selectedRef.current === order.id) setDetail(order);
      void loadList();
    }
  };

  useShortcuts({
    Escape: () => {
      if (selected !== null) {
        selectedRef.current = null;
        setSelected(null);
        setDetail(null);
      } else onBack();
    },
  });

  /** with "unpaid only", the list shows the orders a tidy-up may take */
  const shown = (list: OrderSummary[]) => (unpaidOnly ? list.filter((o) => o.status === 'open') : list);

  const time = (ms: number | null): string => (ms === null ? '' : formatTime(ms, locale, timeZone));

  return (
    <div className="orders" data-testid="orders-screen">
      <section className="orders-list">
        <div className="section-head">
          <h2>{t('orders.title')}</h2>
          <span className="muted">{t('orders.day', { day: formatDay(businessDay, locale) })}</span>
          <div className="orders-tools">
            <UnpaidTools
              unpaidOnly={unpaidOnly}
              onUnpaidOnly={(on) => {
                setUnpaidOnly(on);
                setTicked(new Set());
              }}
              onTidy={() => setTidying(true)}
            />
            <button type="button" className="btn btn-sm" onClick={() => void loadList()} data-testid="orders-refresh">
              {t('orders.refresh')}
            </button>
          </div>
        </div>
        {orders === null ? (
          <p className="muted">…</p>
        ) : orders.length === 0 ? (
          <p className="muted empty-note" data-testid="orders-none">
            {t('orders.none')}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  {unpaidOnly ? <th className="order-tick" /> : null}
                  <th>{t('orders.number')}</th>
                  <th>{t('orders.time')}</th>
                  <th className="num">{t('orders.items')}</th>
                  <th className="num">{t('orders.total')}</th>
                  {/* an unpaid order has no method: the column gives way to the ticks */}
                  {unpaidOnly ? null : <th>{t('orders.method')}</th>}
                  <th>{t('orders.status')}</th>
                </tr>
              </thead>
              <tbody>
                {shown(orders).map((o) => (
                  <tr
                    key={o.id}
                    className={`order-row${selected === o.id ? ' row-selected' : ''}`}
                    onClick={() => open(o.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        open(o.id);
                      }
                    }}
                    tabIndex={0}
                    aria-selected={selected === o.id}
                    data-testid="order-row"
                    data-number={o.number}
                    data-order-id={o.id}
                    data-status={o.status}
                  >
                    {unpaidOnly ? (
                      <TickCell
                        number={o.number}
                        checked={ticked.has(o.id)}
                        onChange={(on) => {
                          const next = new Set(ticked);
                          if (on) next.add(o.id);
                          else next.delete(o.id);
                          setTicked(next);
                        }}
                      />
                    ) : null}
                    <td className="mono strong">{o.number}</td>
                    <td>{time(o.paidAt ?? o.createdAt)}</td>
                    <td className="num">{o.itemCount}</td>
                    <td className="num strong">{formatFen(o.totalFen)}</td>
                    {unpaidOnly ? null : <td data-testid="order-methods">{paidBy(o.methods, t)}</td>}
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="order-detail-pane">
        {selected === null ? (
          <p className="muted empty-note">{t('orders.select')}</p>
        ) : detail === null ? (
          <p className="muted">…</p>
        ) : (
          <div
            className="order-detail"
            data-testid="order-detail"
            data-number={detail.number}
            data-status={detail.status}
          >
            <div className="detail-head">
              <span className="detail-number mono">{detail.number}</span>
              <StatusBadge status={detail.status} />
              <span className="detail-total">{formatFen(detail.totalFen)}</span>
            </div>
            <div className="detail-meta muted">
              {t('orders.created')} {time(detail.createdAt)}
              {detail.paidAt !== null ? ` · ${t('orders.paidAt')} ${time(detail.paidAt)}` : ''}
              {detail.cancelledAt !== null ? ` · ${t('orders.cancelledAt')} ${time(detail.cancelledAt)}` : ''}
              {` · ${t('header.clerk')} ${detail.clerk} · ${detail.terminal}`}
            </div>
            <div className="detail-actions">
              {RECEIPT_STATUSES.includes(detail.status) ? (
                <button type="button" className="btn" onClick={() => void showReprint()} data-testid="reprint-receipt">
                  {t('orders.reprint')}
                </button>
              ) : null}
              <button
                type="button"
                className="btn"
                onClick={() => void exportTimeline('csv')}
                data-testid="export-timeline-csv"
              >
                {t('orders.exportCsv')}
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => void exportTimeline('json')}
                data-testid="export-timeline-json"
              >
                {t('orders.exportJson')}
              </button>
              {detail.status === 'paid' || detail.status === 'partially_refunded' ? (
                <button
                  type="button"
                  className="btn btn-warn"
                  onClick={() => setRefunding(true)}
                  data-testid="order-refund"
                >
                  {t('orders.refund')}
                </button>
              ) : null}
              {detail.status === 'open' ? (
                <button
                  type="button"
                  className="btn btn-danger"
                  onClick={() => setConfirmCancel(true)}
                  data-testid="cancel-order"
                >
                  {t('orders.cancel')}
                </button>
              ) : null}
            </div>

            <h3>{t('orders.lines')}</h3>
            <table className="table table-compact" data-testid="order-lines">
              <tbody>
                {detail.lines.map((l) => (
                  <tr key={l.lineNo} data-testid="order-line" data-sku={l.sku}>
                    <td>{names(locale, l).main}</td>
                    <td className="num nowrap">
                      {l.qty} × {formatFen(l.unitPriceFen)}
                    </td>
                    <td className="num nowrap">
                      {formatFen(l.grossFen)}
                      {l.discount ? (
                        <small className="disc-note">
                          {discountLabel(l.discount, t)} −{formatFen(l.lineDiscountFen)}
                        </small>
                      ) : null}
                    </td>
                  </tr>
                ))}
                <tr className="sum-row">
                  <td colSpan={2}>{t('cart.subtotal')}</td>
                  <td className="num">{formatFen(detail.subtotalFen)}</td>
                </tr>
                {detail.lineDiscountFen > 0 ? (
                  <tr className="sum-row">
                    <td colSpan={2}>{t('receipt.lineDiscounts')}</td>
                    <td className="num">−{formatFen(detail.lineDiscountFen)}</td>
                  </tr>
                ) : null}
                {detail.orderDiscountFen > 0 ? (
                  <tr className="sum-row">
                    <td colSpan={2}>
                      {t('receipt.orderDiscount')}
                      {detail.orderDiscount?.kind === 'percent' ? ` (${discountLabel(detail.orderDiscount, t)})` : ''}
                    </td>
                    <td className="num">−{formatFen(detail.orderDiscountFen)}</td>
                  </tr>
                ) : null}
                <tr className="sum-row sum-total">
                  <td colSpan={2}>{t('cart.total')}</td>
                  <td className="num">{formatFen(detail.totalFen)}</td>
                </tr>
              </tbody>
            </table>

            <h3>{t('orders.payments')}</h3>
            {detail.payments.length === 0 ? (
              <p className="muted">{t('orders.noPayments')}</p>
            ) : (
              <ul className="payments" data-testid="order-payments">
                {detail.payments.map((p) => (
                  <li key={p.id} data-testid="order-payment" data-state={p.state}>
                    <span className="strong">{t(`method.${p.method}`)}</span>
                    <span>{formatFen(p.amountFen)}</span>
                    <span className={`state state-${p.state}`} data-testid="payment-state">
                      {t(`attempt.${p.state}`)}
                    </span>
                    {p.tenderedFen !== null ? (
                      <span className="muted">
                        {t('orders.tendered', {
                          tendered: formatFen(p.tenderedFen),
                          change: formatFen(p.changeFen ?? 0),
                        })}
                      </span>
                    ) : null}
                    <span className="muted mono small">{p.outTradeNo}</span>
                    {p.method !== 'cash' && (p.state === 'closed' || p.state === 'expired' || p.state === 'failed') ? (
                      <button
                        type="button"
                        className="btn"
                        onClick={() => void checkLate(p.id)}
                        disabled={busy}
                        data-testid="payment-check-late"
                      >
                        {t('orders.checkLate', { provider: t(`method.${p.method}`) })}
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}

            <h3>{t('orders.timeline')}</h3>
            {detail.journal.length === 0 ? (
              <p className="muted">{t('orders.noTimeline')}</p>
            ) : (
              <ol className="timeline" data-testid="order-timeline">
                {detail.journal.map((j) => {
                  const states = journalStates(j, t);
                  const facts = journalFacts(j, t);
                  return (
                    <li key={j.id} data-testid="timeline-entry" data-kind={j.kind}>
                      <span className="mono">{formatTime(j.at, locale, timeZone, true)}</span>
                      <span>
                        <span className="strong">{journalTitle(j.kind, t)}</span>
                        {facts ? <span className="muted"> · {facts}</span> : null}
                      </span>
                      <span>{states ?? ''}</span>
                    </li>
                  );
                })}
              </ol>
            )}
          </div>
        )}
      </section>

      {reprint ? (
        <Modal
          title={t('receipt.reprintTitle', { number: reprint.number })}
          onClose={() => setReprint(null)}
          testId="reprint-dialog"
          className="modal-receipt"
        >
          <div className="paper-wrap paper-wrap-modal">
            <ReceiptView receipt={reprint} reprint />
          </div>
          {printStatus ? (
            <p className="print-status" role="status" data-testid="print-status">
              {t(printStatus.key, printStatus.params)}
            </p>
          ) : null}
          <div className="row-actions">
            <button type="button" className="btn btn-lg" onClick={() => setReprint(null)} data-testid="receipt-close">
              {t('app.close')} <kbd>Esc</kbd>
            </button>
            <button
              type="button"
              className="btn btn-lg btn-primary"
              onClick={() => void printReceipt(reprint, notifier).then(setPrintStatus)}
              data-testid="print-receipt"
              autoFocus
            >
              {t('receipt.print')}
            </button>
          </div>
        </Modal>
      ) : null}
      {refunding && detail ? (
        <RefundDialog
          orderId={detail.id}
          onClose={() => setRefunding(false)}
          onDone={(r) => {
            setRefunding(false);
            notifier.say(
              r.state === 'failed' ? 'error' : r.state === 'succeeded' ? 'success' : 'info',
              `orders.refund.${r.state}`,
              { number: r.orderNumber },
            );
            void loadDetail(r.orderId);
            void loadList();
          }}
        />
      ) : null}
      {tidying ? (
        <TidyDialog
          ticked={[...ticked]}
          onClose={() => setTidying(false)}
          onDone={(r) => {
            setTidying(false);
            setTicked(new Set());
            const count = r.cancelled.length;
            if (r.skipped.length > 0) notifier.say('info', 'tidy.doneSkipped', { count, skipped: r.skipped.length });
            else notifier.say('success', 'tidy.done', { count });
            void loadList();
            if (selectedRef.current !== null) void loadDetail(selectedRef.current);
          }}
        />
      ) : null}
      {confirmCancel && detail ? (
        <ConfirmDialog
          text={t('orders.confirmCancel', { number: detail.number })}
          yesLabel={t('orders.cancel')}
          danger
          busy={busy}
          onNo={() => setConfirmCancel(false)}
          onYes={() => void cancel()}
        />
      ) : null}
    </div>
  );
}
