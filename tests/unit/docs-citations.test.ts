/**
 * The repository documents itself: every document a comment or a page cites is in the repository.
 * Scans src/, tests/, bench/, scripts/, docs/ and the top-level files for
 * - the design notes and protocol notes that lived outside the repository (refused by name);
 * - paths to Markdown files (from the root or from the citing file's folder) that do not exist, and
 *   anchors that name no heading of the file;
 * - section citations (`docs/protocols.md §2.4`, or a bare `§2.4`) that are not a numbered heading of
 *   docs/protocols.md (or of the Markdown file named before them on the line);
 * - relative links in Markdown pages whose target does not exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const TREES = ['src', 'tests', 'bench', 'scripts', 'docs'];
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', 'results', '.cache', 'test-results', 'playwright-report']);
const TEXT = /\.(?:ts|tsx|mts|cts|js|mjs|cjs|md|html|css|sh)$/;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(path, out);
    } else if (TEXT.test(name)) out.push(path);
  }
}

function sources(): string[] {
  const files: string[] = [];
  for (const tree of TREES) if (existsSync(join(ROOT, tree))) walk(join(ROOT, tree), files);
  for (const name of readdirSync(ROOT)) {
    if (TEXT.test(name) && statSync(join(ROOT, name)).isFile()) files.push(join(ROOT, name));
  }
  return files;
}

/** GitHub's heading anchor: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

interface Page {
  anchors: Set<string>;
  /** the numbers of numbered headings (`### 2.4 …` → `2.4`) */
  sections: Set<string>;
}

const pages = new Map<string, Page>();
function page(path: string): Page {
  let p = pages.get(path);
  if (!p) {
    p = { anchors: new Set(), sections: new Set() };
    const seen = new Map<string, number>();
    let fenced = false;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      const h = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
      if (!h) continue;
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      p.anchors.add(n === 0 ? base : `${base}-${n}`);
      const num = /^(\d+(?:\.\d+)*)\.?\s/.exec(h[1]!);
      if (num) p.sections.add(num[1]!);
    }
    pages.set(path, p);
  }
  return p;
}

/** The file a Markdown path names: from the repository's root, or from the citing file's folder. */
function target(ref: string, from: string): string | null {
  for (const base of [ROOT, dirname(from)]) {
    const path = resolve(base, ref);
    if (path.startsWith(ROOT) && existsSync(path)) return path;
  }
  return null;
}

const URL_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)'"`>]+/gi;
const MD_REF = /(?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w.-]+\.md(?:#[^\s)'"`,;:]+)?/g;
const SECTION = /§\s?(\d+(?:\.\d+)*)/g;
/** Built from parts, so that this file does not cite them itself. */
const OUTSIDE = new RegExp(`\\b(?:${['PROTOCOLS', 'DESIGN'].join('|')})(?:\\.md\\b|\\s*§)`, 'g');

interface Problem {
  file: string;
  line: number;
  text: string;
}

function scan(check: (file: string, line: string, lineNo: number, problems: Problem[]) => void): Problem[] {
  const problems: Problem[] = [];
  for (const file of sources()) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => check(file, line, i + 1, problems));
  }
  return problems;
}

const at = (file: string, line: number, text: string): Problem => ({ file: relative(ROOT, file), line, text });

describe('the repository documents itself', () => {
  it('cites no document outside the repository', () => {
    const problems = scan((file, line, n, out) => {
      for (const m of line.matchAll(OUTSIDE)) out.push(at(file, n, m[0]));
    });
    expect(problems).toEqual([]);
  });

  it('every Markdown file it names exists, with the heading an anchor names', () => {
    const problems = scan((file, raw, n, out) => {
      const line = raw.replace(URL_TEXT, '');
      for (const m of line.matchAll(MD_REF)) {
        const [ref, anchor] = m[0].split('#') as [string, string | undefined];
        const path = target(ref, file);
        if (!path) out.push(at(file, n, `${m[0]}: no such file`));
        else if (anchor !== undefined && !page(path).anchors.has(decodeURIComponent(anchor)))
          out.push(at(file, n, `${m[0]}: no such heading`));
      }
    });
    expect(problems).toEqual([]);
  });

  it('every section cited (§) is a numbered heading of docs/protocols.md or of the page named before it', () => {
    const protocols = join(ROOT, 'docs/protocols.md');
    expect(page(protocols).sections.size).toBeGreaterThan(20);
    const problems = scan((file, raw, n, out) => {
      const line = raw.replace(URL_TEXT, '');
      for (const m of line.matchAll(SECTION)) {
        const before = [...line.slice(0, m.index).matchAll(MD_REF)].pop();
        const doc = before ? target(before[0].split('#')[0]!, file) : protocols;
        if (!doc || !page(doc).sections.has(m[1]!))
          out.push(at(file, n, `${m[0]}: not a section of ${before ? before[0] : 'docs/protocols.md'}`));
      }
    });
    expect(problems).toEqual([]);
  });

  it('relative links in the Markdown pages lead to a file and, with an anchor, to its heading', () => {
    const problems = scan((file, line, n, out) => {
      if (!file.endsWith('.md')) return;
      for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
        const [ref, anchor] = link.split('#') as [string, string | undefined];
        const path = ref === '' ? file : existsSync(resolve(dirname(file), ref)) ? resolve(dirname(file), ref) : null;
        if (!path) out.push(at(file, n, `${link}: no such file`));
        else if (anchor !== undefined && path.endsWith('.md') && !page(path).anchors.has(decodeURIComponent(anchor)))
          out.push(at(file, n, `${link}: no such heading`));
      }
    });
    expect(problems).toEqual([]);
  });
});
