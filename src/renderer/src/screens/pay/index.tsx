import { useEffect, useRef, useState } from 'react';
import type { PosErrorShape } from '../../../../shared/errors';
import { fenToYuanString, formatFen } from '../../../../shared/money';
import { maskPaymentCode } from '../../../../shared/payment-code';
import { readTendered } from '../../../../shared/tendered';
import type { AttemptView, OrderView, PaidOrder, ProviderId } from '../../../../shared/types';
import { ConfirmDialog } from '../../components/modal';
import { notOnButton, useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { useNotifier } from '../../lib/notice';
import { choiceId, methodChoices, methodKeys, type MethodChoice } from '../../lib/payments';
import { AttemptPanel } from './attempt-panel';
import { ClosingStrip, PaymentEnded, StartingPanel } from './attempt-strips';
import { useDrawerRule } from '../cash-session/drawer-rule';
import { CashForm } from './cash-form';
import { CodeEntry } from './code-entry';
import { MethodButton } from './method-button';
import { OrderSummary } from './order-summary';
import { usePaymentAttempt } from './use-payment-attempt';
import { usePaymentCode, type ScanTarget } from './use-payment-code';
import { useSaleEnd } from './use-sale-end';
import { SplitBar } from './split-bar';
import { SPLIT_KEY, useSplit } from './use-split';

export type { ScanTarget } from './use-payment-code';

export interface PayProps {
  order: OrderView;
  /** a customer's payment code scanned on Sell: taken as if scanned here once the screen knows its methods */
  payCode?: string | undefined;
  /** some intermediary points at a sandbox (AppInfo.sandbox): offer the demo customer page */
  sandbox: boolean;
  scanTargetRef: ScanTarget;
  onPaid: (paid: PaidOrder) => void;
  onCancelled: (order: OrderView) => void;
}

function choiceOf(a: AttemptView): string {
  return a.mode === 'payment_code' ? 'code' : `${a.provider}:${a.mode}`;
}

/** Focuses an input once React has drawn it. */
function focusSoon(input: { current: HTMLInputElement | null }): void {
  window.setTimeout(() => input.current?.focus(), 0);
}

/**
 * The pay step: cash, and every intermediary method main offers. The change shown for cash is for
 * display only (tendered − the total main returned); main recomputes it when the payment is
 * recorded. How an intermediary attempt is doing is main's to say (`usePaymentAttempt`).
 */
export default function PayScreen({ order: given, payCode, sandbox, scanTargetRef, onPaid, onCancelled }: PayProps) {
  const { t } = useI18n();
  // the order as its parts leave it (split tender): what it still owes
  const [order, setOrder] = useState(given);
  useEffect(() => setOrder(given), [given]);
  const split = useSplit(order);
  const notifier = useNotifier();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [confirmStop, setConfirmStop] = useState(false);
  const [choice, setChoice] = useState('cash');
  const input = useRef<HTMLInputElement>(null);
  // a part of a split tender is paid: set once the screen's hooks exist (below)
  const afterPart = useRef<(o: OrderView) => void>(() => undefined);
  const sale = useSaleEnd(order, onPaid, onCancelled, (o) => afterPart.current(o));
  const { aliveRef, finishedRef, busy } = sale;
  // read again after each cash attempt: main may have refused it for a drawer closed meanwhile
  const drawer = useDrawerRule(busy);
  const pay = usePaymentAttempt(order, aliveRef, {
    onResumed: (v) => setChoice(choiceOf(v)),
    onPaid: () => void sale.finishPaid(),
    onEnded: (ended) => {
      if (ended.mode === 'payment_code') {
        setChoice('code');
        focusSoon(code.input);
      } else {
        setChoice('cash');
        focusSoon(input);
      }
    },
    onClosing: () => {
      setChoice('cash');
      focusSoon(input);
    },
  });
  const { attempt, ended, starting, active, closing } = pay;
  useEffect(() => {
    afterPart.current = (o) => {
      // a part is paid: the screen stays on the order for the rest, with cash ready
      setOrder(o);
      split.reset();
      pay.clearPaid();
      setText('');
      setChoice('cash');
      const last = o.parts[o.parts.length - 1];
      if (last)
        notifier.say('info', 'split.partPaid', {
          amount: formatFen(last.amountFen),
          method: t(`method.${last.method}`),
          owed: formatFen(o.owedFen),
        });
      focusSoon(input);
    };
  });
  const locked = active || starting !== null;

  const choices = methodChoices(pay.options);
  const keys = methodKeys(choices);
  const codeChoice = choices.find((c): c is Extract<MethodChoice, { kind: 'code' }> => c.kind === 'code') ?? null;
  const code = usePaymentCode({
    codeChoice,
    step: choice === 'code' && codeChoice !== null && !locked,
    locked,
    scanTargetRef,
    start: (provider, value) => {
      if (codeChoice) void startAttempt(codeChoice, { provider, code: value });
    },
  });

  // The code scanned on Sell goes the way of a code scanned here (once: a payment already under way
  // for this order, found when the screen opened, wins and the code is dropped).
  const payCodeTaken = useRef(false);
  const takePayCode = useRef<() => void>(() => undefined);
  useEffect(() => {
    takePayCode.current = () => {
      if (!payCode || payCodeTaken.current) return;
      payCodeTaken.current = true;
      if (locked) return;
      if (codeChoice) {
        setChoice('code');
        code.submit(payCode, true);
      } else notifier.say('error', 'sell.codeOff', { code: maskPaymentCode(payCode), provider: '—' });
    };
  });
  useEffect(() => {
    if (pay.loaded) takePayCode.current();
  }, [pay.loaded]);

  // what this payment is for: the part typed (split tender), else all the order still owes
  const due = split.partFen ?? order.owedFen;
  const partArg = split.partFen !== null && split.partFen < order.owedFen ? split.partFen : undefined;
  const read = readTendered(text);
  const tendered = read.kind === 'amount' ? read.fen : null;
  const enough = tendered !== null && tendered >= due;

  const setAmount = (fen: number): void => {
    setText(fenToYuanString(fen));
    setProblem(null);
    input.current?.focus();
  };

  const startAttempt = async (c: MethodChoice, authCode?: { provider: ProviderId; code: string }): Promise<void> => {
    if (locked || busy || finishedRef.current) return;
    if (c.kind === 'cash') return;
    const provider = c.kind === 'code' ? authCode?.provider : c.provider;
    if (!provider || !split.ready()) return;
    code.setProblem(null);
    setChoice(choiceId(c));
    const r = await pay.start(c, provider, authCode?.code, partArg);
    if (!r) return;
    if (!r.ok) {
      failStart(r.error, c);
      return;
    }
    setChoice(choiceOf(r.value));
    if (c.kind === 'code') code.setCode('');
  };

  const failStart = (error: PosErrorShape, c: MethodChoice): void => {
    if (c.kind !== 'code' || error.code === 'PAYMENT_IN_PROGRESS') notifier.error(error);
    if (error.code === 'PAYMENT_IN_PROGRESS') {
      // show the payment that is under way, so it can be waited for or stopped
      void pay.showOpen().then((open) => {
        if (open) setChoice(choiceOf(open));
      });
      return;
    }
    if (c.kind === 'code') {
      setChoice('code');
      code.setProblem({ error });
    } else setChoice('cash');
  };

  const stop = async (): Promise<void> => {
    if (await pay.stop()) setConfirmStop(false);
  };

  const takeCash = async (fen: number): Promise<void> => {
    // cash would be refused (the store requires an open drawer): the float first, one key
    if (drawer.blocked) return drawer.prompt();
    await sale.payCash(fen, closing && attempt ? attempt.provider : null, partArg);
  };

  const complete = async (): Promise<void> => {
    if (busy || locked || !split.ready()) return;
    // Enter on an empty box: the customer gave the exact amount
    if (read.kind === 'empty') {
      await takeCash(due);
      return;
    }
    // a payment code that reached the box as typing (a slow scanner) is still the customer's code
    if (tendered === null && scanTargetRef.current?.(text)) {
      setText('');
      return;
    }
    if (tendered === null) {
      setProblem(t('pay.badAmount', { text: text.trim() }));
      input.current?.focus();
      return;
    }
    if (tendered < due) {
      setProblem(t('pay.tooLow', { tendered: formatFen(tendered), total: formatFen(due) }));
      input.current?.focus();
      return;
    }
    await takeCash(tendered);
  };

  const pick = (c: MethodChoice): void => {
    if (locked || (closing && c.kind !== 'cash')) {
      notifier.say('error', 'pay.methodBusy');
      return;
    }
    pay.clearEnded();
    if (c.kind === 'cash') {
      setChoice('cash');
      focusSoon(input);
    } else if (c.kind === 'code') {
      setChoice('code');
      code.setProblem(null);
      focusSoon(code.input);
    } else void startAttempt(c);
  };

  const pickByKey = (c: MethodChoice): void => {
    if (choice === choiceId(c) && c.kind === 'cash') input.current?.focus();
    else if (choice !== choiceId(c) || c.kind !== 'code') pick(c);
  };

  useShortcuts({
    ...Object.fromEntries(choices.map((c) => [keys.get(choiceId(c))!, () => pickByKey(c)])),
    [SPLIT_KEY]: () => {
      if (!locked && !busy && !closing) split.open();
    },
    Enter: {
      run: () => void complete(),
      when: (e) => notOnButton(e) && choice === 'cash' && !locked && e.target !== split.input.current,
    },
    Escape: () => {
      if (active) setConfirmStop(true);
      else if (!locked && !closing) setConfirmCancel(true);
    },
  });

  const retryChoice =
    ended && ended.mode !== 'payment_code' ? choices.find((c) => choiceId(c) === choiceOf(ended)) : undefined;

  return (
    <div className="pay" data-testid="pay-screen" data-order-id={order.id}>
      <OrderSummary
        order={order}
        cancelDisabled={busy || locked || closing}
        cancelTitle={
          (active || closing) && attempt
            ? t('pay.cancelBlocked', { provider: t(`method.${attempt.provider}`) })
            : undefined
        }
        showEsc={!locked && !closing}
        onCancel={() => setConfirmCancel(true)}
      />

      <section className="pay-tender">
        <SplitBar
          parts={order.parts}
          owedFen={order.owedFen}
          splitting={split.splitting}
          text={split.text}
          setText={split.setText}
          problem={split.problem}
          inputRef={split.input}
          disabled={locked || busy || closing}
          shortcut={SPLIT_KEY}
          onSplit={split.open}
          onDone={() => {
            if (split.ready() && choice === 'cash') focusSoon(input);
          }}
          onCancel={() => {
            split.reset();
            focusSoon(input);
          }}
        />
        <div className="pay-label">{t('pay.method')}</div>
        <div className={`methods${choices.length > 1 ? ' methods-many' : ''}`}>
          {choices.map((c) => {
            const id = choiceId(c);
            const on = choice === id;
            return (
              <MethodButton
                key={id}
                choice={c}
                on={on}
                disabled={(locked && !on) || (closing && c.kind !== 'cash')}
                busy={starting === id}
                shortcut={keys.get(id)}
                note={c.kind === 'cash' && drawer.blocked ? t('pay.cashNeedsDrawer') : null}
                unreachable={
                  c.kind === 'cash'
                    ? null
                    : (pay.options.find((o) => o.provider === (c.kind === 'code' ? c.providers[0] : c.provider))
                        ?.unreachable ?? null)
                }
                onClick={() => (on && c.kind === 'cash' ? input.current?.focus() : pick(c))}
              />
            );
          })}
        </div>

        {ended ? (
          <PaymentEnded
            ended={ended}
            orderNumber={order.number}
            onRetry={retryChoice ? () => void startAttempt(retryChoice) : undefined}
            retryDisabled={locked}
          />
        ) : null}

        {closing && attempt ? (
          <ClosingStrip attempt={attempt} querying={pay.querying} onQueryNow={() => void pay.queryNow()} />
        ) : null}

        {attempt && !closing ? (
          <AttemptPanel
            attempt={attempt}
            sandbox={sandbox}
            querying={pay.querying}
            stopping={pay.stopping}
            onQueryNow={() => void pay.queryNow()}
            onStop={() => void stop()}
            onReopen={attempt.mode === 'redirect' ? pay.reopenCashier : undefined}
            popupBlocked={pay.popupBlocked}
          />
        ) : starting !== null && starting !== 'code' ? (
          <StartingPanel choice={choices.find((c) => choiceId(c) === starting) ?? null} />
        ) : choice === 'code' && codeChoice ? (
          <CodeEntry
            codeChoice={codeChoice}
            inputRef={code.input}
            code={code.code}
            onCode={(v) => {
              code.setCode(v);
              code.setProblem(null);
            }}
            problem={code.problem}
            hint={!ended}
            starting={starting !== null}
            onSubmit={() => code.submit(code.code)}
          />
        ) : (
          <CashForm
            inputRef={input}
            text={text}
            setText={(v) => {
              setText(v);
              setProblem(null);
            }}
            setAmount={setAmount}
            total={due}
            tendered={tendered}
            invalid={read.kind === 'invalid'}
            enough={enough}
            problem={problem}
            busy={busy}
            onComplete={() => void complete()}
            drawer={drawer}
          />
        )}
      </section>

      {confirmCancel ? (
        <ConfirmDialog
          text={t('pay.confirmCancel', { number: order.number })}
          yesLabel={t('pay.confirmCancelYes')}
          danger
          busy={busy}
          onNo={() => {
            setConfirmCancel(false);
            input.current?.focus();
          }}
          onYes={() => void sale.cancel(() => setConfirmCancel(false))}
        />
      ) : null}
      {confirmStop && attempt ? (
        <ConfirmDialog
          text={t('attempt.confirmStop', {
            provider: t(`method.${attempt.provider}`),
            amount: formatFen(attempt.amountFen),
          })}
          yesLabel={t('attempt.confirmStopYes')}
          danger
          busy={pay.stopping}
          onNo={() => setConfirmStop(false)}
          onYes={() => void stop()}
        />
      ) : null}
    </div>
  );
}
