/** The category dialog of Manage → Catalogue. */
import { useState } from 'react';
import type { CatalogueCategory } from '../../../../shared/types';
import { api } from '../../api';
import { Modal } from '../../components/modal';
import { useOwnerApproval } from '../../components/owner-approval';
import { notOnButton, useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { useNotifier } from '../../lib/notice';

const COLOURS = [
  '#1e88e5',
  '#f4511e',
  '#fb8c00',
  '#8e24aa',
  '#c62828',
  '#00897b',
  '#43a047',
  '#6d4c41',
  '#546e7a',
  '#d81b60',
];

/** Add or edit a category: its names, its code and its colour on the sell screen. */
export function CategoryDialog({
  category,
  used,
  onClose,
  onSaved,
}: {
  category: CatalogueCategory | null;
  used: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [code, setCode] = useState(category?.code ?? '');
  const [nameZh, setNameZh] = useState(category?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(category?.nameEn ?? '');
  const [color, setColor] = useState(category?.color ?? COLOURS.find((c) => !used.includes(c)) ?? COLOURS[0]!);
  const [busy, setBusy] = useState(false);
  const codeOk = /^[a-z0-9][a-z0-9_-]{0,23}$/.test(code.trim());
  const valid = codeOk && (nameZh.trim() !== '' || nameEn.trim() !== '');

  const save = async (): Promise<void> => {
    if (!valid || busy) return;
    setBusy(true);
    const input = {
      ...(category ? { id: category.id } : {}),
      code: code.trim(),
      nameZh: nameZh.trim(),
      nameEn: nameEn.trim(),
      color,
    };
    const saved = await approve(
      (pin) => api.catalog.saveCategory({ ...input, approvalPin: pin }),
      'catalogue.approval.category',
      { code: input.code },
    );
    setBusy(false);
    if (!saved) return;
    notifier.say('success', 'catalogue.categorySaved', { code: saved.code });
    onSaved();
    onClose();
  };
  useShortcuts({ Enter: { run: () => void save(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal
      title={category ? t('catalogue.editCategory') : t('catalogue.addCategory')}
      onClose={onClose}
      testId="category-dialog"
      className="catalogue-modal"
    >
      <div className="catalogue-form catalogue-form-one">
        <label className="field">
          {t('catalogue.nameZh')}
          <input
            className="input input-md"
            value={nameZh}
            maxLength={80}
            onChange={(e) => setNameZh(e.target.value)}
            autoFocus
            data-autofocus
            data-testid="category-name-zh"
          />
        </label>
        <label className="field">
          {t('catalogue.nameEn')}
          <input
            className="input input-md"
            value={nameEn}
            maxLength={80}
            onChange={(e) => setNameEn(e.target.value)}
            data-testid="category-name-en"
          />
        </label>
        <label className="field">
          {t('catalogue.code')}
          <input
            className="input input-md mono"
            value={code}
            maxLength={24}
            spellCheck={false}
            onChange={(e) => setCode(e.target.value.toLowerCase())}
            data-testid="category-code"
          />
          <span className={`field-hint${code && !codeOk ? ' hint-bad' : ''}`}>{t('catalogue.codeHint')}</span>
        </label>
        <div className="field">
          {t('catalogue.colour')}
          <div className="swatches">
            {COLOURS.map((c) => (
              <button
                key={c}
                type="button"
                className={`swatch${color === c ? ' swatch-on' : ''}`}
                style={{ background: c }}
                aria-label={c}
                aria-pressed={color === c}
                onClick={() => setColor(c)}
                data-testid="category-color"
                data-color={c}
              />
            ))}
            <input
              type="color"
              className="swatch-custom"
              value={color}
              onChange={(e) => setColor(e.target.value)}
              aria-label={t('catalogue.colourOther')}
              data-testid="category-color-custom"
            />
          </div>
        </div>
      </div>
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="category-cancel">
          {t('catalogue.cancel')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={!valid || busy}
          onClick={() => void save()}
          data-testid="category-save"
        >
          {t('catalogue.save')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}
