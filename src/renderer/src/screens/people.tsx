import { useCallback, useEffect, useState } from 'react';
import type { AuditEntryView, UserView } from '../../../shared/types';
import { api } from '../api';
import { useOwnerApproval } from '../components/owner-approval';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useI18n } from '../i18n';
import { saveFile } from '../lib/download';
import { formatDateTime } from '../lib/format';
import { auditAction, auditChanges, auditSubject } from '../lib/audit-text';
import { useCall, useNotifier } from '../lib/notice';

/**
 * Manage → People: the users (add a clerk or an owner, set a PIN, remove one) and the audit log
 * (who did what, approved by whom, before/after and the note), exportable as CSV. Owner only: main
 * refuses a clerk, and the approval dialog asks for the owner's PIN.
 */
export default function PeopleScreen({ onBack }: { onBack: () => void }) {
  const { t, locale, timeZone } = useI18n();
  const call = useCall();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [users, setUsers] = useState<UserView[]>([]);
  const [audit, setAudit] = useState<AuditEntryView[] | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<'clerk' | 'owner'>('clerk');
  const [pin, setPin] = useState('');
  const [pinFor, setPinFor] = useState<{ user: UserView; pin: string } | null>(null);

  const loadUsers = useCallback(async () => {
    const u = await call(api.auth.users({}));
    if (u) setUsers(u);
  }, [call]);
  const loadAudit = useCallback(async () => {
    const a = await approve((p) => api.audit.list({ approvalPin: p }), 'approval.reason.audit');
    if (a) setAudit(a);
  }, [approve]);

  useEffect(() => {
    void loadUsers();
  }, [loadUsers]);
  useShortcuts({ Escape: onBack });

  const add = async (): Promise<void> => {
    if (!name.trim() || !/^\d{4,8}$/.test(pin)) {
      notifier.say('error', 'people.addInvalid');
      return;
    }
    const u = await approve(
      (p) => api.auth.addUser({ name: name.trim(), role, pin, approvalPin: p }),
      'approval.reason.people',
    );
    if (u) {
      setName('');
      setPin('');
      notifier.say('success', 'people.added', { name: u.name });
      void loadUsers();
    }
  };

  const setNewPin = async (): Promise<void> => {
    if (!pinFor || !/^\d{4,8}$/.test(pinFor.pin)) {
      notifier.say('error', 'people.addInvalid');
      return;
    }
    const u = await approve(
      (p) => api.auth.setPin({ userId: pinFor.user.id, pin: pinFor.pin, approvalPin: p }),
      'approval.reason.people',
    );
    if (u) {
      setPinFor(null);
      notifier.say('success', 'people.pinSet', { name: u.name });
    }
  };

  const retire = async (u: UserView): Promise<void> => {
    const done = await approve((p) => api.auth.retire({ userId: u.id, approvalPin: p }), 'approval.reason.people');
    if (done) void loadUsers();
  };

  const exportCsv = async (): Promise<void> => {
    const file = await approve((p) => api.audit.export({ approvalPin: p }), 'approval.reason.audit');
    if (file) saveFile(file);
  };

  return (
    <div className="manage" data-testid="people-screen">
      <div className="screen-head">
        <h1>{t('people.title')}</h1>
        <div className="spacer" />
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="people-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>

      <section className="check-section">
        <h2>{t('people.users')}</h2>
        <table className="table">
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid="people-user" data-user-id={u.id} data-role={u.role}>
                <td className="strong">{u.name}</td>
                <td>{t(`signin.role.${u.role}`)}</td>
                <td className="muted">{u.lockedUntil ? t('people.lockedOut') : ''}</td>
                <td className="actions">
                  {pinFor?.user.id === u.id ? (
                    <>
                      <input
                        className="input"
                        type="password"
                        inputMode="numeric"
                        maxLength={8}
                        value={pinFor.pin}
                        onChange={(e) => setPinFor({ user: u, pin: e.target.value.replace(/\D/g, '') })}
                        placeholder={t('people.newPin')}
                        data-testid="people-new-pin"
                        autoFocus
                      />
                      <button
                        type="button"
                        className="btn btn-primary"
                        onClick={() => void setNewPin()}
                        data-testid="people-save-pin"
                      >
                        {t('people.savePin')}
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="btn"
                      onClick={() => setPinFor({ user: u, pin: '' })}
                      data-testid="people-set-pin"
                    >
                      {t('people.setPin')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn-warn"
                    onClick={() => void retire(u)}
                    data-testid="people-retire"
                  >
                    {t('people.retire')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="people-add">
          <input
            className="input"
            value={name}
            maxLength={40}
            onChange={(e) => setName(e.target.value)}
            placeholder={t('people.name')}
            data-testid="people-name"
          />
          <select
            className="input"
            value={role}
            onChange={(e) => setRole(e.target.value as 'clerk' | 'owner')}
            data-testid="people-role"
          >
            <option value="clerk">{t('signin.role.clerk')}</option>
            <option value="owner">{t('signin.role.owner')}</option>
          </select>
          <input
            className="input"
            type="password"
            inputMode="numeric"
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            placeholder={t('people.pin')}
            data-testid="people-pin"
          />
          <button type="button" className="btn btn-lg btn-primary" onClick={() => void add()} data-testid="people-add">
            {t('people.add')}
          </button>
        </div>
      </section>

      <section className="check-section" data-testid="audit-log">
        <div className="screen-head">
          <h2>{t('people.audit')}</h2>
          <div className="spacer" />
          <button type="button" className="btn btn-lg" onClick={() => void loadAudit()} data-testid="audit-show">
            {t('people.auditShow')}
          </button>
          <button type="button" className="btn btn-lg" onClick={() => void exportCsv()} data-testid="audit-export">
            {t('people.auditExport')}
          </button>
        </div>
        {audit ? (
          <table className="table table-compact">
            <thead>
              <tr>
                <th>{t('people.col.at')}</th>
                <th>{t('people.col.who')}</th>
                <th>{t('people.col.action')}</th>
                <th>{t('people.col.change')}</th>
                <th>{t('people.col.note')}</th>
              </tr>
            </thead>
            <tbody>
              {audit.map((a) => (
                <tr key={a.id} data-testid="audit-row" data-action={a.action}>
                  <td className="nowrap">{formatDateTime(a.at, locale, timeZone)}</td>
                  <td>
                    {a.actor}
                    {a.approvedBy ? (
                      <div className="muted small">{t('people.approvedBy', { name: a.approvedBy })}</div>
                    ) : null}
                  </td>
                  <td>
                    {auditAction(a.action, t)}
                    {a.subject ? <div className="muted small">{auditSubject(a.subject, t)}</div> : null}
                  </td>
                  <td className="small" data-testid="audit-change">
                    {auditChanges(a.before, a.after, t).map((line, i) => (
                      <div key={i}>{line}</div>
                    ))}
                  </td>
                  <td>{a.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </div>
  );
}
