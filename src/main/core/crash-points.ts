/**
 * Named crash points for the SIGKILL crash matrix (tests/integration/crash-matrix.test.ts).
 *
 * When the environment variable POS_CRASH_POINT equals a point's name, reaching that point kills the
 * process at once with SIGKILL: no `finally`, no exit handler, no flush — what a power cut or a kill
 * from the task manager does. The variable is read once, at load; otherwise a call is one comparison.
 *
 * Points (docs/testing.md lists them and says where each one dies):
 *   order.confirmed, order.cash-paid,
 *   order.cash-sale-in-tx, order.cash-sale-committed         (core/sales/orders.ts)
 *   payment.intent-written, payment.create-answered,
 *   payment.query-answered, payment.paid-committed,
 *   payment.close-answered                                   (core/payments/attempt-*.ts)
 *   refund.intent-written, refund.answered                   (core/refunds/refunds.ts)
 *   recon.statement-downloaded, recon.import-in-tx,
 *   recon.import-committed                                   (core/reconciliation/)
 *   print.job-written, print.job-sending                     (core/hardware/print-queue.ts)
 *   http:<op>  — the request reached the intermediary and was answered, the app never read the
 *                answer: http:precreate, http:pay, http:unifiedorder, http:micropay, http:query,
 *                http:orderquery, http:close, http:closeorder, http:cancel, http:reverse, http:refund,
 *                http:bill_download, http:downloadbill, …   (intermediaries/http.ts, through the
 *                `answered` hook core.ts gives the clients)
 */
const armed: string | null = process.env['POS_CRASH_POINT'] || null;

export function crashPoint(name: string): void {
  if (armed !== null && armed === name) process.kill(process.pid, 'SIGKILL');
}
