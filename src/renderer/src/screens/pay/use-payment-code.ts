import { useEffect, useRef, useState, type RefObject } from 'react';
import type { PosErrorShape } from '../../../../shared/errors';
import type { ProviderId } from '../../../../shared/types';
import { useI18n, type MessageKey, type Params } from '../../i18n';
import { classifyPaymentCode, type MethodChoice } from '../../lib/payments';

/** Where the app sends a wedge-scanner code while this screen wants one (the payment-code step). */
export type ScanTarget = RefObject<((code: string) => void) | null>;

export type CodeProblem = { key: MessageKey; params?: Params } | { error: PosErrorShape } | null;

/**
 * The payment-code step: the customer's code, from the field or the wedge scanner (while the step
 * shows, a scan anywhere on the page is the customer's code), told apart by provider from its
 * prefix, then started with `start`.
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
  locked: boolean;
  scanTargetRef: ScanTarget;
  start: (provider: ProviderId, code: string) => void;
}) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<CodeProblem>(null);
  const input = useRef<HTMLInputElement>(null);

  /** A code from the wedge scanner or the field: which provider, by its prefix, then start. */
  const submit = (raw: string): void => {
    if (!codeChoice || locked) return;
    const value = raw.replace(/\s+/g, '');
    setCode(value);
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
    if (verdict.kind === 'unknown') setProblem({ key: 'code.unknown', params: { code: value } });
    else if (verdict.kind === 'ambiguous')
      setProblem({
        key: 'code.ambiguous',
        params: { code: value, providers: verdict.providers.map(providerName).join(t('code.or')) },
      });
    else setProblem({ key: 'code.disabled', params: { code: value, provider: providerName(verdict.provider) } });
    input.current?.focus();
    input.current?.select();
  };

  useEffect(() => {
    if (step) input.current?.focus();
  }, [step]);
  const submitRef = useRef(submit);
  useEffect(() => {
    submitRef.current = submit;
  });
  useEffect(() => {
    if (!step) return undefined;
    scanTargetRef.current = (scanned: string) => submitRef.current(scanned);
    return () => {
      scanTargetRef.current = null;
    };
  }, [step, scanTargetRef]);

  return { code, setCode, problem, setProblem, input, submit };
}
