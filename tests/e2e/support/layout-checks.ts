/**
 * Layout checks for the common counter screens (tests/e2e/web/layout.spec.ts): what a clerk would
 * find wrong at 1024×768 and up, measured in the page rather than judged by eye.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The few DOM types the checks use in the page (the tests compile without the DOM library). */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface PageNode {
  textContent: string | null;
  parentElement: PageElement | null;
}
interface PageElement extends PageNode {
  tagName: string;
  className: unknown;
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Box;
  contains(other: unknown): boolean;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
interface PageGlobals {
  document: {
    documentElement: PageElement;
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
    elementFromPoint(x: number, y: number): PageElement | null;
    createTreeWalker(root: PageElement, show: number): { nextNode(): PageNode | null };
    createRange(): { selectNodeContents(node: PageNode): void; getClientRects(): ArrayLike<Box> };
  };
  innerWidth: number;
  innerHeight: number;
  getComputedStyle(el: PageElement): { overflowX: string; overflowY: string; visibility: string; position: string };
  NodeFilter: { SHOW_TEXT: number };
}

export interface LayoutProblem {
  what: string;
  where: string;
}

/**
 * Every visible element's box stays within the viewport's width, except inside a box that scrolls
 * sideways on purpose (a wide table); text is on one line in the header, and no header label is cut.
 */
export async function layoutProblems(page: Page): Promise<LayoutProblem[]> {
  return page.evaluate(() => {
    const { document, getComputedStyle, NodeFilter } = globalThis as unknown as PageGlobals;
    const problems: { what: string; where: string }[] = [];
    const width = document.documentElement.clientWidth;
    const describe = (el: PageElement): string => {
      const id = el.getAttribute('data-testid');
      const cls = typeof el.className === 'string' ? el.className.split(' ')[0] : '';
      const text = (el.textContent ?? '').trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}${cls ? `.${cls}` : ''} "${text}"`;
    };
    const scrollsSideways = (el: PageElement): boolean => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const x = getComputedStyle(p).overflowX;
        if ((x === 'auto' || x === 'scroll') && p.scrollWidth > p.clientWidth) return true;
      }
      return false;
    };
    if (document.documentElement.scrollWidth > width + 1) {
      problems.push({ what: 'the page scrolls sideways', where: `${document.documentElement.scrollWidth} > ${width}` });
    }
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.position === 'fixed') continue;
      if ((r.right > width + 1 || r.left < -1) && !scrollsSideways(el)) {
        problems.push({
          what: `off the screen sideways (${Math.round(r.left)}–${Math.round(r.right)})`,
          where: describe(el),
        });
      }
    }
    // the header: every label on one line and whole
    const header = document.querySelector('header.header');
    if (header) {
      const walker = document.createTreeWalker(header, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const tops = new Set(Array.from(range.getClientRects()).map((c) => Math.round(c.top / 4)));
        if (tops.size > 1)
          problems.push({ what: 'header label on more than one line', where: describe(n.parentElement!) });
      }
      for (const el of Array.from(header.querySelectorAll('button, .header-field span'))) {
        if (el.classList.contains('brand-store')) continue;
        if (el.scrollWidth > el.clientWidth + 1) problems.push({ what: 'header label cut off', where: describe(el) });
      }
      // every part of the header inside it, and inside each box of it that clips (the brand column
      // clips: a badge wrapped onto a third row, or a row pushed above its top, is cut off unseen)
      const hr = header.getBoundingClientRect();
      for (const el of Array.from(header.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.top < hr.top - 1 || r.bottom > hr.bottom + 1) {
          problems.push({
            what: `outside the header (${Math.round(r.top)}–${Math.round(r.bottom)})`,
            where: describe(el),
          });
          continue;
        }
        for (let p = el.parentElement; p && p !== header; p = p.parentElement) {
          const style = getComputedStyle(p);
          if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
          const pr = p.getBoundingClientRect();
          if (r.top < pr.top - 1 || r.bottom > pr.bottom + 1 || r.left < pr.left - 1 || r.right > pr.right + 1) {
            problems.push({ what: `cut off by ${describe(p)}`, where: describe(el) });
            break;
          }
        }
      }
    }
    return problems;
  });
}

/** Buttons, links styled as buttons, inputs and selects a finger must hit: at least 44 × 44 px. */
export async function smallTargets(page: Page): Promise<LayoutProblem[]> {
  return page.evaluate(() => {
    const { document, innerHeight } = globalThis as unknown as PageGlobals;
    const problems: { what: string; where: string }[] = [];
    const targets = document.querySelectorAll(
      'button, a.btn, input:not([type=hidden]):not([type=file]):not([type=checkbox]):not([type=radio]), select, [role=button]',
    );
    for (const el of Array.from(targets)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.bottom < 0 || r.top > innerHeight) continue; // scrolled away: checked where it shows
      // a helper nobody can reach (hidden from assistive tech and out of the tab order), such as the
      // Reports day box's native calendar input that only its button opens, is not a target
      if (el.getAttribute('aria-hidden') === 'true' && el.getAttribute('tabindex') === '-1') continue;
      if (r.width < 43.5 || r.height < 43.5) {
        const id = el.getAttribute('data-testid');
        problems.push({
          what: `touch target ${Math.round(r.width)}×${Math.round(r.height)}`,
          where: `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`,
        });
      }
    }
    return problems;
  });
}

/** The element is wholly inside the viewport and is what a tap at its centre reaches. */
export async function expectReachable(locator: Locator, name: string): Promise<void> {
  await expect(locator, `${name} is shown`).toBeVisible();
  const verdict = await locator.evaluate((node) => {
    const { document, innerWidth, innerHeight } = globalThis as unknown as PageGlobals;
    const el = node as unknown as PageElement;
    const r = el.getBoundingClientRect();
    const inside = r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      inside,
      box: `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)} in ${innerWidth}×${innerHeight}`,
      covered:
        hit && (hit === el || el.contains(hit))
          ? null
          : hit
            ? (hit.getAttribute('data-testid') ?? hit.className)
            : 'nothing',
    };
  });
  expect(verdict.inside, `${name} is inside the viewport (${verdict.box})`).toBe(true);
  expect(verdict.covered, `${name} is not covered`).toBeNull();
}

/**
 * Each corner of the element (`inset` px inside it: past a button's rounded corner) and its centre hit
 * the element itself: nothing (a toast, a badge, another panel) covers any part of it.
 */
export async function expectUncovered(target: Locator, name: string, inset = 10): Promise<void> {
  await expect(target).toBeVisible();
  const points = await target.evaluate((node, d) => {
    const { document, innerWidth, innerHeight } = globalThis as unknown as PageGlobals;
    const el = node as unknown as PageElement;
    const r = el.getBoundingClientRect();
    const at: [string, number, number][] = [
      ['top left', r.left + d, r.top + d],
      ['top right', r.right - d, r.top + d],
      ['bottom left', r.left + d, r.bottom - d],
      ['bottom right', r.right - d, r.bottom - d],
      ['centre', r.left + r.width / 2, r.top + r.height / 2],
    ];
    return at.map(([where, x, y]) => {
      const hit = document.elementFromPoint(x, y);
      const inView = x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight;
      return {
        where,
        ok: inView && !!hit && (hit === el || el.contains(hit)),
        hit: hit?.getAttribute('data-testid') ?? hit?.className ?? null,
      };
    });
  }, inset);
  for (const p of points) expect(p.ok, `${name}: its ${p.where} is not covered (hit: ${String(p.hit)})`).toBe(true);
}

/**
 * Texts matching `selector` that the page cuts: wider or taller than their box (an ellipsis, a clamped
 * line). Each as `"text" (shown W×H of needed W×H)`; an empty list when every one is whole.
 */
export async function clippedTexts(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const { document } = globalThis as unknown as PageGlobals;
    const cut: string[] = [];
    for (const el of Array.from(document.querySelectorAll(sel))) {
      if (el.clientWidth === 0 && el.clientHeight === 0) continue; // not shown
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
        cut.push(
          `"${(el.textContent ?? '').trim()}" (shown ${el.clientWidth}×${el.clientHeight} of needed ${el.scrollWidth}×${el.scrollHeight})`,
        );
    }
    return cut;
  }, selector);
}

/** Each corner of the QR (1 px inside it) hits the QR itself: nothing covers a finder square or the quiet zone. */
export async function expectQrUncovered(qr: Locator): Promise<void> {
  await expectUncovered(qr, 'the QR', 1);
}

/** Runs every page-wide check and fails with the list of what is wrong. */
export async function expectGoodLayout(page: Page, screen: string): Promise<void> {
  const problems = [...(await layoutProblems(page)), ...(await smallTargets(page))];
  expect(
    problems.map((p) => `${p.what}: ${p.where}`),
    `${screen}: layout problems`,
  ).toEqual([]);
}
