/**
 * Keyboard shortcuts for a screen or dialog. Bindings are `KeyboardEvent.key` values ('F4',
 * 'Escape', 'Enter', '/', '+' …). Single-character keys only fire when focus is not in a text
 * field (so typing '/' or '-' in an input still types it); function keys, Escape and Enter fire
 * everywhere unless the binding says otherwise. A handled key is `preventDefault()`ed.
 *
 * While a dialog (`layer: 'modal'`) is open, the screens' shortcuts (`layer: 'screen'`, the
 * default) are off, so Escape closes the dialog and Enter confirms it, and nothing else. With a
 * dialog over another (the owner's PIN asked over the dialog that needs it), only the top one's
 * shortcuts fire: a dialog's bindings belong to the dialog that was on top when they started (its
 * Modal registers first: a child's effects run before its parent's).
 */
import { useEffect, useRef } from 'react';

export interface Binding {
  run: (e: KeyboardEvent) => void;
  /** Also fire when focus is in a text field (default: true for F-keys/Escape/Enter, false for characters). */
  inInput?: boolean;
  /** Fire only when this says so (e.g. Enter, but not on a focused button, which Enter should press). */
  when?: (e: KeyboardEvent) => boolean;
}

/** For Enter bindings: leave Enter to a focused button or link. */
export const notOnButton = (e: KeyboardEvent): boolean =>
  !(e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement);

export type ShortcutMap = Partial<Record<string, Binding | ((e: KeyboardEvent) => void)>>;

export function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el instanceof HTMLTextAreaElement || el.isContentEditable) return true;
  if (el instanceof HTMLInputElement)
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color'].includes(el.type);
  return el instanceof HTMLSelectElement;
}

/** The open dialogs, the top one last. */
const modals: symbol[] = [];

/** Called by the modal component on mount/unmount. */
export function registerModal(): () => void {
  const modal = Symbol('modal');
  modals.push(modal);
  return () => {
    const i = modals.lastIndexOf(modal);
    if (i >= 0) modals.splice(i, 1);
  };
}

export function isModalOpen(): boolean {
  return modals.length > 0;
}

export interface ShortcutOptions {
  enabled?: boolean;
  layer?: 'screen' | 'modal';
}

export function useShortcuts(map: ShortcutMap, options: ShortcutOptions = {}): void {
  const { enabled = true, layer = 'screen' } = options;
  const latest = useRef(map);
  useEffect(() => {
    latest.current = map;
  });
  useEffect(() => {
    if (!enabled) return undefined;
    const dialog = layer === 'modal' ? modals.at(-1) : undefined;
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.repeat || e.isComposing || e.ctrlKey || e.altKey || e.metaKey) return;
      if (layer === 'screen' && modals.length > 0) return;
      if (dialog !== undefined && modals.at(-1) !== dialog) return; // another dialog is over this one
      const entry = latest.current[e.key];
      if (!entry) return;
      const binding: Binding = typeof entry === 'function' ? { run: entry } : entry;
      const inInput = binding.inInput ?? e.key.length > 1;
      if (!inInput && isEditable(e.target)) return;
      if (binding.when && !binding.when(e)) return;
      e.preventDefault();
      binding.run(e);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled, layer]);
}
