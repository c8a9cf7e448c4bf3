/**
 * No file of src/ (main, preload, renderer, shared, sandbox) is in an import circle: what a module
 * imports never leads back to it, type-only imports, re-exports and `import()` included (a circle of
 * types still ties the meaning of two modules together). And heavy
 * work is known to the domains only as core/tasks.ts (what a task and a runner are): the registry of
 * every task, core/worker-tasks.ts, imports the domains, and only core.ts, which wires the core,
 * imports the registry. The core reaches the database through the Store (store/db.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');
const MAIN = join(SRC, 'main');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The files of src a source imports (static, type-only, re-exports and `import()`), resolved as the bundler does. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const out: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = resolve(dirname(file), fileName);
    const found = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx'), base].find(
      (p) => existsSync(p) && statSync(p).isFile(),
    );
    if (found?.startsWith(`${SRC}/`)) out.push(found);
  }
  return out;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
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
      const part: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(part.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the structure of src', () => {
  const graph = new Map(sources(SRC).map((f) => [f, importsOf(f)] as const));
  const name = (f: string) => relative(ROOT, f);

  it('has no import circle', () => {
    expect(circles(graph).map((c) => c.map(name))).toEqual([]);
  });

  it('lets only core.ts import the task registry; the domains know of tasks through core/tasks.ts', () => {
    const registry = join(MAIN, 'core/worker-tasks.ts');
    const importers = [...graph].filter(([, to]) => to.includes(registry)).map(([from]) => name(from));
    // worker-runner.ts, the counter's side, takes the registry's types only (import type): nothing is loaded
    expect(importers).toEqual(['src/main/core/core.ts', 'src/main/core/worker-runner.ts']);
    const runner = readFileSync(join(MAIN, 'core/worker-runner.ts'), 'utf8');
    expect(runner).toMatch(/^import type \{[^}]*\} from '\.\/worker-tasks';$/m);
    // core.ts loads the registry only for the in-place baseline, when asked for
    expect(readFileSync(join(MAIN, 'core/core.ts'), 'utf8')).not.toMatch(/^import [^;]*'\.\/worker-tasks';$/m);
  });

  it('reaches the database through the Store alone in the core, but where a reason is written down', () => {
    // the recovery reads a damaged file row by row and re-enters rows into tables chosen as it runs
    // (data-safety/recovery.ts); the report tables' rebuild runs its SQL as written (reports.ts)
    const allowed = [
      'src/main/core/data-safety/recovery.ts',
      'src/main/core/data-safety/reentry.ts',
      'src/main/core/reports/reports.ts',
    ];
    const raw = [...graph.keys()]
      .filter((f) => f.startsWith(join(MAIN, 'core/')))
      .filter((f) => {
        const text = readFileSync(f, 'utf8');
        return /from 'better-sqlite3'/.test(text) || /\.sqlite\s*[.;),]/.test(text);
      })
      .map(name);
    expect(raw.filter((f) => !allowed.includes(f))).toEqual([]);
  });

  it("has no circle between the core's domains: a domain folder's imports never lead back to it", () => {
    // each folder (and each file) at the top of src/main/core is one node; core.ts and worker-tasks.ts
    // wire every domain and are imported by none
    const CORE = join(MAIN, 'core');
    const nodeOf = (f: string) => relative(CORE, f).split('/')[0]!;
    const domains = new Map<string, string[]>();
    for (const [from, to] of graph) {
      if (!from.startsWith(`${CORE}/`)) continue;
      const a = nodeOf(from);
      const out = domains.get(a) ?? [];
      for (const t of to) if (t.startsWith(`${CORE}/`) && nodeOf(t) !== a) out.push(nodeOf(t));
      domains.set(a, out);
    }
    expect(domains.get('sales')).toContain('payments'); // the graph is read
    expect(circles(domains)).toEqual([]);
  });

  it('reads the imports it judges (a test of the test)', () => {
    const core = graph.get(join(MAIN, 'core/core.ts')) ?? [];
    expect(core.map(name)).toContain('src/main/core/worker-tasks.ts');
    expect(
      circles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['d']],
          ['e', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
