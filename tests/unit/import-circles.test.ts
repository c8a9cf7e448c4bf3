/**
 * No import circles in src/: every relative import (type-only ones too, `export … from` and
 * `import()`) is an arrow from one file to another, and no file may reach itself by following them.
 * Read with TypeScript's own import scanner (`ts.preProcessFile`), without type-checking.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

/**
 * Circles known when this test was written, each to be broken by its owner: remove it here when it
 * is gone (the test fails until then, so the list only shrinks).
 */
const KNOWN: readonly (readonly string[])[] = [
  // worker-tasks runs catalogue and reconciliation tasks; both take the `Tasks` type from it
  ['src/main/core/catalog-admin.ts', 'src/main/core/reconciliation.ts', 'src/main/core/worker-tasks.ts'],
];

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (EXTENSIONS.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The file a relative specifier names, or null (a stylesheet, JSON, a file outside the scan). */
function resolveImport(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    ...EXTENSIONS.map((e) => base + e),
    ...EXTENSIONS.map((e) => base.replace(/\.[cm]?js$/, e)),
    ...EXTENSIONS.map((e) => join(base, `index${e}`)),
  ];
  return candidates.find((c) => EXTENSIONS.some((e) => c.endsWith(e)) && existsSync(c) && statSync(c).isFile()) ?? null;
}

function importGraph(files: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const to = new Set<string>();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveImport(file, fileName);
      if (target) to.add(target);
    }
    graph.set(file, to);
  }
  return graph;
}

/** Strongly connected components of more than one file, or of one file importing itself (Tarjan). */
function circles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) found.push(scc);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found.map((scc) => scc.map((f) => relative(ROOT, f).split('\\').join('/')).sort());
}

const key = (files: readonly string[]) => [...files].sort().join(' ↔ ');

describe('the import graph of src/', () => {
  const graph = importGraph(sourceFiles(SRC));

  it('reads the imports it should (a sanity check of the scanner)', () => {
    expect(graph.size).toBeGreaterThan(100);
    const contract = join(SRC, 'shared/contract.ts');
    expect([...graph.get(contract)!].map((f) => relative(SRC, f))).toContain('shared/methods.ts');
    // a type-only import is an arrow too
    const api = join(SRC, 'shared/api.ts');
    expect([...graph.get(api)!].map((f) => relative(SRC, f))).toContain('shared/contract.ts');
  });

  it('has no import circle but the known ones, and each known one is still there', () => {
    const found = circles(graph).map(key).sort();
    const known = KNOWN.map(key).sort();
    expect(
      found.filter((c) => !known.includes(c)),
      'new import circles',
    ).toEqual([]);
    expect(
      known.filter((c) => !found.includes(c)),
      'known circles that are gone: remove them from KNOWN',
    ).toEqual([]);
  });

  it('finds a planted circle', () => {
    const a = join(SRC, 'a.ts');
    const b = join(SRC, 'b.ts');
    const c = join(SRC, 'c.ts');
    const planted = new Map([
      [a, new Set([b])],
      [b, new Set([a, c])],
      [c, new Set([c])],
    ]);
    expect(circles(planted).map(key).sort()).toEqual(['src/a.ts ↔ src/b.ts', 'src/c.ts']);
  });
});
