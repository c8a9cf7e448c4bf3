import type { NetworkTrouble } from '../../../../shared/outcomes';
import { useI18n } from '../../i18n';
import { choiceTestId, PROVIDER_LOOK, type MethodChoice } from '../../lib/payments';

/** One way to pay: cash, a provider's QR or cashier page, or payment-code entry. */
export function MethodButton({
  choice,
  on,
  disabled,
  busy,
  shortcut,
  unreachable = null,
  note = null,
  onClick,
}: {
  choice: MethodChoice;
  on: boolean;
  disabled: boolean;
  busy: boolean;
  /** the key that picks it (F1 …) */
  shortcut?: string;
  /** the intermediary's last call got no answer: why (the clerk sees it; cash stays one key away) */
  unreachable?: NetworkTrouble | null;
  /** why this method cannot be used now, in words (cash: the drawer is not open) */
  note?: string | null;
  onClick: () => void;
}) {
  const { t } = useI18n();
  let label: string;
  let sub: string | null = null;
  let mark = '¥';
  let color = 'var(--go)';
  if (choice.kind === 'cash') label = t('pay.cash');
  else if (choice.kind === 'code') {
    label = t('pay.code');
    // the brands' short names ("Alipay / WeChat"): the full ones do not fit a button at 1024×768
    sub = choice.providers.map((p) => t(`method.short.${p}`)).join(' / ');
    mark = '▦';
    color = choice.providers.length === 1 ? PROVIDER_LOOK[choice.providers[0]!].color : '#4338ca';
  } else {
    const look = PROVIDER_LOOK[choice.provider];
    label = t(`method.${choice.provider}`);
    sub = t(choice.kind === 'qr' ? 'pay.sub.qr' : 'pay.sub.redirect');
    mark = look.mark;
    color = look.color;
  }
  const demo = choice.kind !== 'cash' && choice.sandbox;
  return (
    <button
      type="button"
      className={`method${on ? ' method-on' : ''}${busy ? ' method-busy' : ''}`}
      style={{ ['--pm' as string]: color }}
      aria-pressed={on ? 'true' : 'false'}
      onClick={onClick}
      disabled={disabled}
      data-testid={choiceTestId(choice)}
      data-sandbox={demo ? 'true' : undefined}
      data-unreachable={unreachable ?? undefined}
    >
      <span className="method-icon" aria-hidden="true">
        {mark}
      </span>
      <span className="method-text">
        <span className="method-label">{label}</span>
        {note ? (
          <small className="method-sub method-note" data-testid="pay-method-note">
            {note}
          </small>
        ) : unreachable ? (
          <small className="method-sub method-unreachable" data-testid="pay-method-unreachable">
            {t('pay.unreachable', { reason: t(`network.${unreachable}`) })}
          </small>
        ) : sub ? (
          <small className="method-sub">{sub}</small>
        ) : null}
      </span>
      {demo ? <span className="method-demo">{t('pay.demoTag')}</span> : null}
      {shortcut ? <kbd className="method-key">{shortcut}</kbd> : null}
    </button>
  );
}
