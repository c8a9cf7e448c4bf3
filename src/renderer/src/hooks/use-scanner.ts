/**
 * Keyboard-wedge barcode scanner detection.
 *
 * A scanner "types" its code very fast (keys < ~35 ms apart) and ends with Enter. We listen on
 * `window` keydown in the capture phase, before any input or React handler sees the key:
 *
 * - A printable key after a gap ≥ `maxGapMs` starts a new burst: the focused text field's value
 *   and selection are snapshotted *before* the key takes effect, and that first key goes through
 *   normally (a human typing one character must not be delayed).
 * - Each following printable key arriving < `maxGapMs` after the previous one is swallowed
 *   (`preventDefault` + `stopPropagation`) and buffered.
 * - Enter ending a burst of ≥ `minLength` characters is a scan: the Enter is swallowed, the field
 *   gets back its snapshotted value (so nothing leaks into it), and `onScan(code)` fires.
 * - A burst that ends any other way (timeout, another key, or Enter after too few characters)
 *   was a fast human: the buffered characters are re-inserted at the caret, so nothing is lost.
 *
 * Values are written with the native `value` setter plus a bubbling `input` event, which is how
 * React-controlled inputs learn about a programmatic change.
 */
import { useEffect, useRef } from 'react';

export interface ScannerOptions {
  onScan: (code: string) => void;
  /** Shortest code treated as a scan. */
  minLength?: number;
  /** Largest gap between two keys of one burst. */
  maxGapMs?: number;
  /** A burst with no key for this long is over (and was typed by a human). */
  flushMs?: number;
}

type TextField = HTMLInputElement | HTMLTextAreaElement;

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'tel', 'url', 'email', 'password', 'number', '']);

function textField(el: Element | null): TextField | null {
  if (el instanceof HTMLTextAreaElement) return el.readOnly || el.disabled ? null : el;
  if (el instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(el.type)) return el.readOnly || el.disabled ? null : el;
  return null;
}

/** Sets a field's value the way a user would, so React's onChange runs. */
export function setFieldValue(el: TextField, value: string): void {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

function select(el: TextField, start: number | null, end: number | null): void {
  if (start === null) return;
  try {
    el.setSelectionRange(start, end ?? start);
  } catch {
    /* some input types have no selection */
  }
}

/** Inserts text at the caret (replacing the selection), as typing would have. */
function insertAtCaret(el: TextField, text: string): void {
  const value = el.value;
  const start = el.selectionStart ?? value.length;
  const end = el.selectionEnd ?? start;
  let next = value.slice(0, start) + text + value.slice(end);
  if (el.maxLength > 0 && next.length > el.maxLength) next = next.slice(0, el.maxLength);
  setFieldValue(el, next);
  const caret = Math.min(start + text.length, next.length);
  select(el, caret, caret);
}

interface Burst {
  /** Every character of the burst, the first one (which went through) included. */
  chars: string[];
  /** How many characters at the start went through to the page (always 1). */
  passed: number;
  field: TextField | null;
  snapshot: { value: string; start: number | null; end: number | null } | null;
  lastAt: number;
}

export interface Scanner {
  onKeyDown: (e: KeyboardEvent) => void;
  dispose: () => void;
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock']);

let holding = 0;

/**
 * True while a scanner is holding back a fast burst. Work that would block the main thread (the
 * search that the burst's first character triggered) waits until it is over, so the scanner's
 * next keystrokes are not delayed past the burst threshold.
 */
export function isScanInProgress(): boolean {
  return holding > 0;
}

export function createScanner(options: ScannerOptions): Scanner {
  const minLength = options.minLength ?? 6;
  const maxGapMs = options.maxGapMs ?? 35;
  const flushMs = Math.max(options.flushMs ?? 60, maxGapMs + 10);
  let burst: Burst | null = null;
  let timer: number | undefined;
  let held = false;
  const setHeld = (on: boolean): void => {
    if (on !== held) holding += on ? 1 : -1;
    held = on;
  };

  const stopTimer = (): void => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = undefined;
  };

  /** Ends the current burst as human typing: give back the swallowed characters. */
  const flush = (): void => {
    stopTimer();
    const b = burst;
    burst = null;
    setHeld(false);
    if (!b) return;
    const text = b.chars.slice(b.passed).join('');
    if (!text) return;
    const active = textField(document.activeElement);
    const target = b.field && b.field === active ? b.field : active;
    if (target) insertAtCaret(target, text);
  };

  const armTimer = (): void => {
    stopTimer();
    timer = window.setTimeout(flush, flushMs);
  };

  const swallow = (e: KeyboardEvent): void => {
    e.preventDefault();
    e.stopPropagation();
    e.stopImmediatePropagation();
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.isComposing || e.key === 'Process' || e.keyCode === 229) return; // IME at work
    if (MODIFIER_KEYS.has(e.key)) return; // scanners press Shift for capitals
    const at = e.timeStamp || performance.now();
    const inBurst = burst !== null && at - burst.lastAt < maxGapMs;

    if (e.key === 'Enter') {
      const b = burst;
      if (b && at - b.lastAt < flushMs && b.chars.length >= minLength && !e.ctrlKey && !e.altKey && !e.metaKey) {
        swallow(e);
        stopTimer();
        burst = null;
        setHeld(false);
        const field = b.field;
        if (field && b.snapshot && field.isConnected) {
          if (field.value !== b.snapshot.value) setFieldValue(field, b.snapshot.value);
          if (document.activeElement === field) select(field, b.snapshot.start, b.snapshot.end);
        }
        options.onScan(b.chars.join(''));
        return;
      }
      flush(); // a human pressed Enter: their characters land first, then the Enter
      return;
    }

    const printable = e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey && !e.repeat;
    if (!printable) {
      flush();
      return;
    }

    if (inBurst && burst) {
      swallow(e);
      burst.chars.push(e.key);
      burst.lastAt = at;
      setHeld(true);
      armTimer();
      return;
    }

    // A new burst: whatever was held back from the previous one goes in first.
    flush();
    const field = textField(document.activeElement);
    burst = {
      chars: [e.key],
      passed: 1,
      field,
      snapshot: field ? { value: field.value, start: field.selectionStart, end: field.selectionEnd } : null,
      lastAt: at,
    };
    armTimer();
  };

  return {
    onKeyDown,
    dispose: () => {
      stopTimer();
      burst = null;
      setHeld(false);
    },
  };
}

/**
 * Timing overrides from localStorage (`counter-pos.scanner.maxGapMs`, `.flushMs`, `.minLength`), for
 * scanners that type slower than usual and for automated tests on machines too loaded to send
 * keystrokes 35 ms apart. Absent or invalid values keep the defaults.
 */
function tuning(): Omit<ScannerOptions, 'onScan'> {
  const read = (name: string): number | undefined => {
    try {
      const v = Number(window.localStorage.getItem(`counter-pos.scanner.${name}`));
      return Number.isFinite(v) && v > 0 ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const out: Omit<ScannerOptions, 'onScan'> = {};
  const maxGapMs = read('maxGapMs');
  const flushMs = read('flushMs');
  const minLength = read('minLength');
  if (maxGapMs !== undefined) out.maxGapMs = maxGapMs;
  if (flushMs !== undefined) out.flushMs = flushMs;
  if (minLength !== undefined) out.minLength = minLength;
  return out;
}

/** Installs the scanner on `window` (capture phase) for the component's lifetime. */
export function useScanner(onScan: (code: string) => void): void {
  const latest = useRef(onScan);
  useEffect(() => {
    latest.current = onScan;
  }, [onScan]);
  useEffect(() => {
    const scanner = createScanner({ ...tuning(), onScan: (code) => latest.current(code) });
    window.addEventListener('keydown', scanner.onKeyDown, true);
    return () => {
      window.removeEventListener('keydown', scanner.onKeyDown, true);
      scanner.dispose();
    };
  }, []);
}
