/** Pinyin keys of a Chinese product name. Loaded only when a product without precomputed keys is stored. */
import { pinyin } from 'pinyin-pro';

export function pinyinKeys(nameZh: string): { pinyin: string; initials: string } {
  const full = pinyin(nameZh, { toneType: 'none', type: 'array', nonZh: 'removed' });
  const first = pinyin(nameZh, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' });
  return { pinyin: full.join('').toLowerCase(), initials: first.join('').toLowerCase() };
}
