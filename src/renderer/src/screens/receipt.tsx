import { useState } from 'react';
import { formatFen } from '../../../shared/money';
import type { Receipt } from '../../../shared/types';
import { ReceiptView } from '../components/receipt-view';
import { notOnButton, useShortcuts } from '../hooks/use-shortcuts';
import { useI18n, type MessageKey, type Params } from '../i18n';
import { useNotifier } from '../lib/notice';
import { printReceipt } from '../lib/print';

export interface ReceiptProps {
  receipt: Receipt;
  onNewSale: () => void;
}

export default function ReceiptScreen({ receipt, onNewSale }: ReceiptProps) {
  const { t } = useI18n();
  const notifier = useNotifier();
  const [status, setStatus] = useState<{ key: MessageKey; params?: Params } | null>(null);
  const [printing, setPrinting] = useState(false);

  const print = async (): Promise<void> => {
    if (printing) return;
    setPrinting(true);
    setStatus(await printReceipt(receipt, notifier));
    setPrinting(false);
  };

  useShortcuts({ F8: onNewSale, Enter: { run: onNewSale, when: notOnButton }, Escape: onNewSale });

  const change = receipt.changeFen ?? 0;
  return (
    <div className="receipt-screen" data-testid="receipt-screen">
      <div className="paper-wrap">
        <ReceiptView receipt={receipt} />
      </div>
      <aside className="receipt-side">
        <div className="paid-mark" data-testid="paid-mark">
          ✓ {t('receipt.paid')} <span className="paid-number">{receipt.number}</span>
        </div>
        <div className="receipt-total">
          <span className="pay-label">{t('receipt.total')}</span>
          <span>{formatFen(receipt.totalFen)}</span>
        </div>
        {receipt.parts.length > 1 ? (
          <div className="receipt-paid-by" data-testid="receipt-paid-by" data-method="split">
            {receipt.parts.map((p) => `${t(`method.${p.method}`)} ${formatFen(p.amountFen)}`).join(' + ')}
          </div>
        ) : receipt.method && receipt.method !== 'cash' ? (
          <div className="receipt-paid-by" data-testid="receipt-paid-by" data-method={receipt.method}>
            {t('receipt.paidBy', { method: t(`method.${receipt.method}`) })}
          </div>
        ) : null}
        {receipt.tenderedFen !== null ? (
          <div className="receipt-total">
            <span className="pay-label">{t('receipt.tendered')}</span>
            <span>{formatFen(receipt.tenderedFen)}</span>
          </div>
        ) : null}
        <div className={`change${change > 0 ? ' change-ok' : ''}`}>
          <span className="change-label">{change > 0 ? t('receipt.changeDue') : t('receipt.noChange')}</span>
          <span className="change-due" data-testid="receipt-change-due">
            {formatFen(change)}
          </span>
        </div>
        <button
          type="button"
          className="btn btn-lg"
          onClick={() => void print()}
          disabled={printing}
          data-testid="print-receipt"
        >
          {t('receipt.print')}
        </button>
        {status ? (
          <p className="print-status" role="status" data-testid="print-status">
            {t(status.key, status.params)}
          </p>
        ) : null}
        <button type="button" className="btn btn-go new-sale" onClick={onNewSale} data-testid="new-sale" autoFocus>
          {t('receipt.newSale')} <kbd>F8</kbd>
        </button>
      </aside>
    </div>
  );
}
