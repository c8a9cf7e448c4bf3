import { useEffect, useRef, useState, type RefObject } from 'react';
import type { PosErrorShape } from '../../../../shared/errors';
import { maskPaymentCode, normalisePaymentCode } from '../../../../shared/payment-code';
import type { ProviderId } from '../../../../shared/types';
import { useI18n, type MessageKey, type Params } from '../../i18n';
import { classifyPaymentCode, type MethodChoice } from '../../lib/payments';

/**
 * Where the app sends a wedge-scanner code while the pay screen can take one; it answers whether it
 * took the code (a customer's payment code, whatever method is selected; anything on the code step).
 */
export type ScanTarget = RefObject<((code: string) => boolean) | null>;

export type CodeProblem = { key: MessageKey; params?: Params } | { error: PosErrorShape } | null;

/**
 * The payment-code step: the customer's code, from the field or the wedge scanner, told apart by
 * provider from its prefix (shared/payment-code.ts), then started with `start`. While the step shows,
 * a scan anywhere on the page is the customer's code; with another method selected (Cash included), a
 * scan that is a payment code is taken at once. A scanned code is never shown whole.
 */
export function usePaymentCode({
  codeChoice,
  step,
  locked,
  scanTargetRef,
  start,
}: {
  codeChoice: Extract<MethodChoice, { kind: 'code' }> | null;
  /** the step shows and may take a code */
  step: boolean;
  /** a payment is under way: no code is taken */
  locked: boolean;
  scanTargetRef: ScanTarget;
  start: (provider: ProviderId, code: string) => void;
}) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<CodeProblem>(null);
  const input = useRef<HTMLInputElement>(null);

  /** A code from the wedge scanner or the field: which provider, by its prefix, then start. */
  const submit = (raw: string, scanned = false): void => {
    if (!codeChoice || locked) return;
    const value = normalisePaymentCode(raw);
    if (!scanned) setCode(value);
    if (value === '') {
      setProblem({ key: 'code.empty' });
      input.current?.focus();
      return;
    }
    const verdict = classifyPaymentCode(value, codeChoice.providers);
    const providerName = (p: ProviderId) => t(`method.${p}`);
    if (verdict.kind === 'ok') {
      start(verdict.provider, value);
      return;
    }
    const shown = scanned ? maskPaymentCode(value) : value;
    if (verdict.kind === 'unknown') setProblem({ key: 'code.unknown', params: { code: shown } });
    else setProblem({ key: 'code.disabled', params: { code: shown, provider: providerName(verdict.provider) } });
    input.current?.focus();
    input.current?.select();
  };

  useEffect(() => {
    if (step) input.current?.focus();
  }, [step]);
  /** A wedge scan while the screen shows: taken on the code step, else only when it is a usable payment code. */
  const onScan = (scanned: string): boolean => {
    if (!step && (!codeChoice || classifyPaymentCode(scanned, codeChoice.providers).kind !== 'ok')) return false;
    submit(scanned, true);
    return true;
  };
  const scanRef = useRef(onScan);
  useEffect(() => {
    scanRef.current = onScan;
  });
  const takes = codeChoice !== null && !locked;
  useEffect(() => {
    if (!takes) return undefined;
    scanTargetRef.current = (scanned: string) => scanRef.current(scanned);
    return () => {
      scanTargetRef.current = null;
    };
  }, [takes, scanTargetRef]);

  return { code, setCode, problem, setProblem, input, submit };
}
