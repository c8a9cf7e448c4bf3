import { useEffect, useRef, type ReactNode } from 'react';
import { notOnButton, registerModal, useShortcuts } from '../hooks/use-shortcuts';
import { useI18n } from '../i18n';

export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  wide?: boolean;
  /** Extra class for the panel. */
  className?: string;
}

/** A dialog over the screen. Escape or a click outside closes it; focus starts inside. */
export function Modal({ title, onClose, children, testId, wide, className }: ModalProps) {
  const { t } = useI18n();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => registerModal(), []);
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = panel.current;
    if (el && !el.contains(document.activeElement)) {
      const first = el.querySelector<HTMLElement>('[autofocus], [data-autofocus]') ?? el;
      first.focus();
    }
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);
  useShortcuts({ Escape: onClose }, { layer: 'modal' });
  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        ref={panel}
        className={`modal${wide ? ' modal-wide' : ''}${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
      >
        <div className="modal-head">
          <h2>{title}</h2>
          <button
            type="button"
            className="btn btn-ghost modal-x"
            onClick={onClose}
            aria-label={t('app.close')}
            data-testid="modal-close"
          >
            ×
          </button>
        </div>
        <div className="modal-body">{children}</div>
      </div>
    </div>
  );
}

export interface ConfirmProps {
  text: string;
  yesLabel: string;
  onYes: () => void;
  onNo: () => void;
  danger?: boolean;
  busy?: boolean;
}

/** Yes / go back. Enter on the focused "yes" button confirms; Escape goes back. */
export function ConfirmDialog({ text, yesLabel, onYes, onNo, danger, busy }: ConfirmProps) {
  const { t } = useI18n();
  useShortcuts({ Enter: { run: () => !busy && onYes(), when: notOnButton } }, { layer: 'modal' });
  return (
    <Modal title={yesLabel} onClose={onNo} testId="confirm-dialog">
      <p className="confirm-text">{text}</p>
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onNo} data-testid="confirm-no">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className={`btn btn-lg ${danger ? 'btn-danger' : 'btn-primary'}`}
          onClick={onYes}
          disabled={busy}
          data-testid="confirm-yes"
          autoFocus
          data-autofocus
        >
          {yesLabel} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}
