import { OwnerReadScope } from '../components/owner-read';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useI18n } from '../i18n';
import { MANAGE_SECTIONS } from './manage-sections';

export interface ManageProps {
  section: string | null;
  businessDay: string;
  onSection: (id: string | null) => void;
  onBack: () => void;
}

/** The owner's back office: a page of big tiles, one per section (screens/manage-sections.tsx). */
export default function ManageScreen({ section, businessDay, onSection, onBack }: ManageProps) {
  const { t } = useI18n();
  const current = MANAGE_SECTIONS.find((s) => s.id === section) ?? null;
  useShortcuts(current ? {} : { Escape: onBack });
  // each section keeps the owner's PIN for its reads while it is open (components/owner-read.tsx)
  if (current)
    return (
      <OwnerReadScope key={current.id}>{current.render({ onBack: () => onSection(null), businessDay })}</OwnerReadScope>
    );
  return (
    <div className="manage" data-testid="manage-screen">
      <div className="screen-head">
        <h1>{t('manage.title')}</h1>
        <p className="muted">{t('manage.subtitle')}</p>
        <div className="spacer" />
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="manage-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>
      <div className="manage-tiles">
        {MANAGE_SECTIONS.map((s) => (
          <button
            key={s.id}
            type="button"
            className="manage-tile"
            onClick={() => onSection(s.id)}
            data-testid={`manage-${s.id}`}
          >
            <strong>{t(s.title)}</strong>
            <span className="muted">{t(s.description)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
