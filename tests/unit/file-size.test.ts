/**
 * No source file of src/ (ts, tsx, css) is over 500 lines unless it is listed here with the reason
 * (issue 11): a file that long does several things, and is hard to review and to merge into. A file
 * listed for good must still be over the limit (a list that outlives its reasons hides new ones).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');
const LIMIT = 500;

/** Over the limit for a stated reason, one line each. */
const ALLOWED: Record<string, string> = {
  'src/renderer/src/i18n/en.ts': 'one dictionary per language is easier to translate whole',
  'src/renderer/src/i18n/zh-cn.ts': 'one dictionary per language is easier to translate whole',
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(?:tsx?|css)$/.test(name) ? [path] : [];
  });
}

/** Lines as `wc -l` counts them, plus a last line without its line break. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

describe('the size of the files of src', () => {
  const sizes = new Map(
    sources(SRC).map((f) => [relative(ROOT, f).split('\\').join('/'), lineCount(readFileSync(f, 'utf8'))] as const),
  );
  const over = [...sizes].filter(([, n]) => n > LIMIT);

  it(`has no file over ${LIMIT} lines but those listed with a reason`, () => {
    const unexplained = over.filter(([f]) => !(f in ALLOWED)).map(([f, n]) => `${f}: ${n} lines`);
    expect(unexplained).toEqual([]);
  });

  it('lists for good only files that are still over the limit, each with its reason', () => {
    for (const [file, reason] of Object.entries(ALLOWED)) {
      expect(sizes.get(file), `${file} is listed but not in src`).toBeDefined();
      expect(sizes.get(file)!, `${file} is listed but no longer over ${LIMIT} lines`).toBeGreaterThan(LIMIT);
      expect(reason.trim().length, `${file}: the reason`).toBeGreaterThan(10);
    }
  });

  it('reads every kind of file it judges, and counts lines as wc -l does (a test of the test)', () => {
    for (const f of ['src/renderer/src/styles.css', 'src/renderer/src/app.tsx', 'src/shared/contract.ts']) {
      expect(sizes.get(f), f).toBeGreaterThan(0);
    }
    expect([lineCount(''), lineCount('a'), lineCount('a\n'), lineCount('a\nb'), lineCount('a\n\nb\n')]).toEqual([
      0, 1, 1, 2, 3,
    ]);
  });
});
