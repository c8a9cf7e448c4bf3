import type { AppInfo } from '../../../shared/types';
import type { AwaitingAnswers } from '../../../shared/tidy-types';
import { useNow } from '../hooks/use-now';
import { useI18n } from '../i18n';
import { formatDay, formatTime } from '../lib/format';
import './header-awaiting.css';

export type NavTarget = 'sell' | 'orders' | 'check' | 'manage' | 'settings';

export interface HeaderProps {
  info: AppInfo;
  current: NavTarget | null;
  navBlocked: boolean;
  browserMode: boolean;
  /** payments without a final answer, exceptions and refunds under way: the "to check" badge */
  checkCount: number;
  /** intermediary payments waiting for the intermediary's answer (s-tidy) */
  awaiting?: AwaitingAnswers | null;
  /** switch user or lock the till */
  onUser: () => void;
  onNav: (to: NavTarget) => void;
}

function Clock() {
  const { locale, timeZone } = useI18n();
  const now = useNow(1000);
  return (
    <span className="clock" data-testid="clock">
      {formatTime(now, locale, timeZone)}
    </span>
  );
}

export function Header({ info, current, navBlocked, browserMode, checkCount, awaiting, onUser, onNav }: HeaderProps) {
  const { t, locale, setLocale } = useI18n();
  const blockedTitle = navBlocked ? t('header.navBlocked') : undefined;
  return (
    <header className="header">
      {/* two rows at most: the names, then the badges (a third would be cut off at the header's edge) */}
      <div className="brand">
        <span className="brand-top">
          <span className="brand-name">Counter POS</span>
          <span className="brand-store" title={info.storeName} data-testid="store-name">
            {info.storeName}
          </span>
        </span>
        {info.sandbox || browserMode ? (
          <span className="brand-tags">
            {info.sandbox ? (
              <span className="tag tag-sandbox" title={t('header.sandboxTitle')} data-testid="sandbox-badge">
                {t('header.sandbox')}
              </span>
            ) : null}
            {browserMode ? (
              <span className="tag tag-browser" data-testid="browser-mode">
                {t('app.browserMode')}
              </span>
            ) : null}
          </span>
        ) : null}
      </div>
      <nav className="nav">
        <button
          type="button"
          className={`nav-btn${current === 'sell' ? ' nav-active' : ''}`}
          aria-current={current === 'sell' ? 'page' : undefined}
          onClick={() => onNav('sell')}
          disabled={navBlocked}
          title={blockedTitle}
          data-testid="nav-sell"
        >
          {t('nav.sell')}
        </button>
        <button
          type="button"
          className={`nav-btn${current === 'orders' ? ' nav-active' : ''}`}
          aria-current={current === 'orders' ? 'page' : undefined}
          onClick={() => onNav('orders')}
          disabled={navBlocked}
          title={blockedTitle}
          data-testid="nav-orders"
        >
          {t('nav.orders')}
        </button>
        <button
          type="button"
          className={`nav-btn${current === 'check' ? ' nav-active' : ''}${checkCount > 0 ? ' nav-alert' : ''}`}
          aria-current={current === 'check' ? 'page' : undefined}
          onClick={() => onNav('check')}
          disabled={navBlocked}
          title={
            blockedTitle ??
            (awaiting && awaiting.count > 0
              ? t('header.awaiting', { count: awaiting.count, unknown: awaiting.unknown })
              : undefined)
          }
          data-testid="nav-check"
        >
          {t('nav.check')}
          {checkCount > 0 ? (
            <span className="nav-badge" data-testid="check-count">
              {checkCount}
            </span>
          ) : null}
          {awaiting && awaiting.count > 0 ? (
            <span
              className={`nav-badge nav-badge-wait${awaiting.unknown > 0 ? ' nav-badge-unknown' : ''}`}
              data-testid="awaiting-count"
              data-unknown={awaiting.unknown}
              aria-label={t('header.awaiting', { count: awaiting.count, unknown: awaiting.unknown })}
            >
              {awaiting.count}
            </span>
          ) : null}
        </button>
        <button
          type="button"
          className={`nav-btn${current === 'manage' ? ' nav-active' : ''}`}
          aria-current={current === 'manage' ? 'page' : undefined}
          onClick={() => onNav('manage')}
          disabled={navBlocked}
          title={blockedTitle}
          data-testid="nav-manage"
        >
          {t('nav.manage')}
        </button>
        <button
          type="button"
          className={`nav-btn nav-btn-sm${current === 'settings' ? ' nav-active' : ''}`}
          aria-current={current === 'settings' ? 'page' : undefined}
          onClick={() => onNav('settings')}
          disabled={navBlocked}
          title={blockedTitle ?? t('settings.title')}
          data-testid="nav-settings"
        >
          {t('nav.settings')}
        </button>
      </nav>
      <div className="header-info">
        <button
          type="button"
          className="header-field header-user"
          onClick={onUser}
          disabled={navBlocked}
          title={t('signin.title')}
          data-testid="clerk-name"
        >
          <small>{t('header.user')}</small>
          <span>{info.clerk}</span>
        </button>
        <span className="header-field" data-testid="business-day">
          <small>{t('header.day')}</small>
          <span>{formatDay(info.businessDay, locale)}</span>
        </span>
        <Clock />
        <button
          type="button"
          className="btn lang-btn"
          onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}
          title={t('lang.switchTitle')}
          lang={locale === 'zh-CN' ? 'en' : 'zh-CN'}
          data-testid="language-switch"
          data-locale={locale}
        >
          {t('lang.other')}
        </button>
      </div>
    </header>
  );
}
