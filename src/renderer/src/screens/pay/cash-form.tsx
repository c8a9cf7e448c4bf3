import { YuanInput } from '../../components/yuan-input';
import { type RefObject } from 'react';
import { formatFen } from '../../../../shared/money';
import { quickCash } from '../../../../shared/tendered';
import { DrawerPrompt, OPEN_DRAWER_KEY, OpenDrawerButton, type DrawerRule } from '../cash-session/drawer-rule';
import { useI18n } from '../../i18n';

interface CashFormProps {
  inputRef: RefObject<HTMLInputElement | null>;
  text: string;
  setText: (text: string) => void;
  setAmount: (fen: number) => void;
  total: number;
  tendered: number | null;
  /** what is typed is no amount: flagged as it is typed */
  invalid: boolean;
  enough: boolean;
  problem: string | null;
  busy: boolean;
  onComplete: () => void;
  /** the drawer and the store's rule: cash taken while it is not open is on no Z, or refused (cash-session/drawer-rule.tsx) */
  drawer: DrawerRule;
}

/**
 * Cash: the amount tendered (full-width digits, ¥ and 元 accepted: shared/tendered.ts), exact and the
 * next notes up, the change (for display only: main recomputes it). Enter on an empty box is exact.
 */
export function CashForm({
  inputRef,
  text,
  setText,
  setAmount,
  total,
  tendered,
  invalid,
  enough,
  problem,
  busy,
  onComplete,
  drawer,
}: CashFormProps) {
  const { t } = useI18n();
  return (
    <>
      <form
        className="cash"
        onSubmit={(e) => {
          e.preventDefault();
          onComplete();
        }}
      >
        {drawer.closed ? (
          <div
            className={`cash-no-session${drawer.required ? ' cash-no-session-blocked' : ''}`}
            role={drawer.required ? 'alert' : undefined}
            data-testid="cash-no-session"
            data-required={drawer.required}
          >
            <span>{t(drawer.required ? 'pay.drawerRequired' : 'pay.drawerClosed')}</span>
            <OpenDrawerButton rule={drawer} testId="pay-open-drawer" />
          </div>
        ) : null}
        <label className="field">
          <span>{t('pay.tendered')}</span>
          <YuanInput
            ref={inputRef}
            className="tender-input"
            value={text}
            onChange={setText}
            placeholderFen={total}
            invalid={invalid}
            autoFocus
            testId="cash-tendered"
          />
        </label>
        <div className="quick">
          <button type="button" className="btn btn-lg" onClick={() => setAmount(total)} data-testid="cash-exact">
            {t('pay.exact')} <small>{formatFen(total)}</small>
          </button>
          {quickCash(total).map((fen) => (
            <button
              key={fen}
              type="button"
              className="btn btn-lg"
              onClick={() => setAmount(fen)}
              data-testid={`cash-${fen / 100}`}
            >
              {formatFen(fen).replace('.00', '')}
            </button>
          ))}
        </div>
        {invalid && !problem ? (
          <p className="form-error" data-testid="cash-tendered-invalid">
            {t('pay.badAmount', { text: text.trim() })}
          </p>
        ) : null}

        <div className={`change${enough ? ' change-ok' : ''}`}>
          {enough && tendered !== null ? (
            <>
              <span className="change-label">{t('pay.change')}</span>
              <span className="change-due" data-testid="change-due">
                {formatFen(tendered - total)}
              </span>
            </>
          ) : (
            <>
              <span className="change-label">{t('pay.stillNeeded')}</span>
              <span className="change-short" data-testid="still-needed">
                {formatFen(tendered === null ? total : total - tendered)}
              </span>
            </>
          )}
        </div>
        {problem ? (
          <p className="form-error" role="alert" data-testid="pay-error">
            {problem}
          </p>
        ) : null}
        {drawer.blocked ? (
          // the refusal said before the clerk tries: this button (and Enter) opens the float dialog instead
          <button type="submit" className="btn btn-go complete" data-testid="cash-complete" data-blocked="true">
            {t('pay.openDrawerFirst')} <kbd>{OPEN_DRAWER_KEY}</kbd>
          </button>
        ) : (
          <button
            type="submit"
            className="btn btn-go complete"
            disabled={!(enough || (tendered === null && !invalid)) || busy}
            data-testid="cash-complete"
          >
            {busy ? t('pay.working') : t('pay.complete')} <kbd>Enter</kbd>
          </button>
        )}
      </form>
      <DrawerPrompt rule={drawer} onOpened={() => inputRef.current?.focus()} />
    </>
  );
}
