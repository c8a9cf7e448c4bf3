/**
 * Generators for the benchmarks: a large, realistic convenience-store catalogue (Chinese and English
 * names built from brand / flavour / product / size word lists, unique SKUs, valid unique EAN-13
 * barcodes) and the queries that search it.
 */
import { performance } from 'node:perf_hooks';
import { pinyinKeys } from '../src/main/core/catalogue/pinyin';
import { createCore, type Core } from '../src/main/core/core';
import { importCatalogue, type CatalogueFile } from '../src/main/core/catalogue/seed';
import { forceGc, pick, rng, tempDir, type TempDir } from './stats';

type Pair = readonly [zh: string, en: string];

const BRANDS: readonly Pair[] = [
  ['康师傅', 'Master Kong'],
  ['统一', 'Uni-President'],
  ['农夫山泉', 'Nongfu Spring'],
  ['蒙牛', 'Mengniu'],
  ['伊利', 'Yili'],
  ['旺旺', 'Want Want'],
  ['乐事', "Lay's"],
  ['娃哈哈', 'Wahaha'],
  ['百事', 'Pepsi'],
  ['可口可乐', 'Coca-Cola'],
  ['青岛', 'Tsingtao'],
  ['雪花', 'Snow'],
  ['奥利奥', 'Oreo'],
  ['达利园', 'Daliyuan'],
  ['三只松鼠', 'Three Squirrels'],
  ['良品铺子', 'Bestore'],
  ['白象', 'Baixiang'],
  ['今麦郎', 'Jinmailang'],
  ['光明', 'Bright'],
  ['君乐宝', 'Junlebao'],
  ['维达', 'Vinda'],
  ['清风', 'Breeze'],
  ['心相印', 'Hearttex'],
  ['舒肤佳', 'Safeguard'],
  ['高露洁', 'Colgate'],
  ['佳洁士', 'Crest'],
  ['立白', 'Liby'],
  ['蓝月亮', 'Blue Moon'],
  ['双汇', 'Shuanghui'],
  ['思念', 'Synear'],
  ['三全', 'Sanquan'],
  ['湾仔码头', 'Wanchai Ferry'],
  ['元气森林', 'Genki Forest'],
  ['东方树叶', 'Oriental Leaf'],
  ['红牛', 'Red Bull'],
  ['王老吉', 'Wanglaoji'],
  ['加多宝', 'JDB'],
  ['盼盼', 'Panpan'],
  ['好丽友', 'Orion'],
  ['徐福记', 'Hsu Fu Chi'],
  ['洽洽', 'ChaCha'],
  ['卫龙', 'Weilong'],
  ['雀巢', 'Nestle'],
  ['德芙', 'Dove'],
  ['益达', 'Extra'],
  ['金龙鱼', 'Arawana'],
  ['海天', 'Haday'],
  ['老干妈', 'Lao Gan Ma'],
  ['燕京', 'Yanjing'],
  ['百威', 'Budweiser'],
  ['哈尔滨', 'Harbin'],
  ['五粮液', 'Wuliangye'],
  ['牛栏山', 'Niulanshan'],
  ['南孚', 'Nanfu'],
  ['得力', 'Deli'],
  ['小浣熊', 'Little Raccoon'],
];

const FLAVOURS: readonly Pair[] = [
  ['原味', 'Original'],
  ['香辣', 'Spicy'],
  ['番茄', 'Tomato'],
  ['红烧牛肉', 'Braised beef'],
  ['鸡肉', 'Chicken'],
  ['草莓', 'Strawberry'],
  ['巧克力', 'Chocolate'],
  ['香草', 'Vanilla'],
  ['柠檬', 'Lemon'],
  ['海盐', 'Sea salt'],
  ['黑椒', 'Black pepper'],
  ['蜂蜜', 'Honey'],
  ['抹茶', 'Matcha'],
  ['芒果', 'Mango'],
  ['椰子', 'Coconut'],
  ['红枣', 'Red date'],
  ['麻辣', 'Mala'],
  ['老坛酸菜', 'Pickled cabbage'],
  ['烧烤', 'BBQ'],
  ['无糖', 'Sugar-free'],
  ['低脂', 'Low-fat'],
  ['薄荷', 'Mint'],
  ['葡萄', 'Grape'],
  ['蓝莓', 'Blueberry'],
  ['桃子', 'Peach'],
  ['经典', 'Classic'],
  ['清爽', 'Fresh'],
  ['浓香', 'Rich'],
  ['家庭装', 'Family pack'],
  ['迷你', 'Mini'],
];

interface CategorySpec {
  code: string;
  zh: string;
  en: string;
  color: string;
  nouns: readonly Pair[];
  sizes: readonly string[];
  units: readonly string[];
  price: readonly [minFen: number, maxFen: number];
}

const CATEGORIES: readonly CategorySpec[] = [
  {
    code: 'drinks',
    zh: '饮料',
    en: 'Drinks',
    color: '#1e88e5',
    nouns: [
      ['矿泉水', 'Mineral water'],
      ['绿茶', 'Green tea'],
      ['果汁', 'Juice'],
      ['可乐', 'Cola'],
      ['苏打水', 'Soda water'],
      ['咖啡', 'Coffee'],
      ['奶茶', 'Milk tea'],
      ['功能饮料', 'Energy drink'],
      ['凉茶', 'Herbal tea'],
      ['气泡水', 'Sparkling water'],
    ],
    sizes: ['330ml', '500ml', '550ml', '600ml', '1.5L', '250ml', '6×330ml'],
    units: ['瓶', '罐', '箱'],
    price: [150, 4800],
  },
  {
    code: 'snacks',
    zh: '零食',
    en: 'Snacks',
    color: '#f4511e',
    nouns: [
      ['薯片', 'Potato chips'],
      ['饼干', 'Biscuits'],
      ['瓜子', 'Sunflower seeds'],
      ['坚果', 'Mixed nuts'],
      ['巧克力', 'Chocolate bar'],
      ['糖果', 'Candy'],
      ['果冻', 'Jelly'],
      ['辣条', 'Spicy strips'],
      ['牛肉干', 'Beef jerky'],
      ['口香糖', 'Chewing gum'],
      ['蛋黄派', 'Custard pie'],
    ],
    sizes: ['40g', '70g', '104g', '160g', '200g', '500g'],
    units: ['袋', '盒', '包'],
    price: [100, 3900],
  },
  {
    code: 'instant',
    zh: '方便食品',
    en: 'Instant food',
    color: '#fb8c00',
    nouns: [
      ['方便面', 'Instant noodles'],
      ['桶面', 'Cup noodles'],
      ['自热火锅', 'Self-heating hotpot'],
      ['火腿肠', 'Ham sausage'],
      ['八宝粥', 'Eight-treasure congee'],
      ['午餐肉', 'Luncheon meat'],
      ['酸辣粉', 'Hot and sour noodles'],
      ['螺蛳粉', 'Luosifen'],
    ],
    sizes: ['105g', '120g', '5连包', '360g', '280g'],
    units: ['袋', '桶', '罐', '盒'],
    price: [250, 3500],
  },
  {
    code: 'dairy',
    zh: '乳品烘焙',
    en: 'Dairy & bakery',
    color: '#8e24aa',
    nouns: [
      ['纯牛奶', 'Whole milk'],
      ['酸奶', 'Yogurt'],
      ['面包', 'Bread'],
      ['蛋糕', 'Cake'],
      ['奶酪棒', 'Cheese stick'],
      ['豆奶', 'Soy milk'],
      ['吐司', 'Toast'],
      ['牛角包', 'Croissant'],
    ],
    sizes: ['250ml', '200g', '1L', '12×250ml', '400g', '80g'],
    units: ['盒', '瓶', '袋', '箱'],
    price: [200, 6900],
  },
  {
    code: 'alcohol',
    zh: '酒水',
    en: 'Beer & spirits',
    color: '#c62828',
    nouns: [
      ['啤酒', 'Beer'],
      ['白酒', 'Baijiu'],
      ['红酒', 'Red wine'],
      ['黄酒', 'Rice wine'],
      ['精酿啤酒', 'Craft beer'],
      ['米酒', 'Sweet rice wine'],
    ],
    sizes: ['330ml', '500ml', '750ml', '6×500ml', '100ml', '2L'],
    units: ['瓶', '罐', '箱'],
    price: [350, 9900],
  },
  {
    code: 'household',
    zh: '日用百货',
    en: 'Household',
    color: '#00897b',
    nouns: [
      ['抽纸', 'Tissues'],
      ['卷纸', 'Toilet rolls'],
      ['洗衣液', 'Laundry liquid'],
      ['垃圾袋', 'Bin bags'],
      ['电池', 'Batteries'],
      ['雨伞', 'Umbrella'],
      ['打火机', 'Lighter'],
      ['洗洁精', 'Dish soap'],
      ['湿巾', 'Wet wipes'],
    ],
    sizes: ['3包', '10卷', '2kg', '30只', '4节', '1个', '80片'],
    units: ['包', '提', '瓶', '卷', '个'],
    price: [200, 5900],
  },
  {
    code: 'care',
    zh: '个人护理',
    en: 'Personal care',
    color: '#3949ab',
    nouns: [
      ['牙膏', 'Toothpaste'],
      ['洗发水', 'Shampoo'],
      ['沐浴露', 'Body wash'],
      ['香皂', 'Soap'],
      ['牙刷', 'Toothbrush'],
      ['护手霜', 'Hand cream'],
      ['卫生巾', 'Sanitary pads'],
      ['剃须刀', 'Razor'],
    ],
    sizes: ['120g', '400ml', '750ml', '100g', '2支', '50g', '10片'],
    units: ['支', '瓶', '块', '盒', '包'],
    price: [500, 8900],
  },
  {
    code: 'frozen',
    zh: '冷冻冷藏',
    en: 'Frozen & chilled',
    color: '#0097a7',
    nouns: [
      ['水饺', 'Dumplings'],
      ['汤圆', 'Tangyuan'],
      ['冰淇淋', 'Ice cream'],
      ['雪糕', 'Ice bar'],
      ['速冻包子', 'Frozen buns'],
      ['馄饨', 'Wontons'],
      ['鸡翅', 'Chicken wings'],
    ],
    sizes: ['500g', '1kg', '75g', '90g', '320g', '6只'],
    units: ['袋', '支', '盒', '包'],
    price: [300, 6900],
  },
];

/** EAN-13 check digit of the first 12 digits. */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

/**
 * The i-th generated barcode: prefix 69 (China) + 10 digits that are a bijection of i (so all are
 * unique, but not sequential) + the check digit. 7919 is prime and coprime with 10^10.
 */
export function barcodeOf(i: number): string {
  const body = (BigInt(i) * 7919n + 1_234_567n) % 10_000_000_000n;
  const first12 = `69${body.toString().padStart(10, '0')}`;
  return first12 + String(ean13CheckDigit(first12));
}

export const skuOf = (categoryCode: string, i: number): string =>
  `${categoryCode.slice(0, 3).toUpperCase()}-${String(i).padStart(6, '0')}`;

/** `n` products across 8 categories, deterministic for a given seed. */
export function generateCatalogue(n: number, seed = 20261126): CatalogueFile {
  const random = rng(seed);
  const categories = CATEGORIES.map((c, sort) => ({ code: c.code, nameZh: c.zh, nameEn: c.en, color: c.color, sort }));
  const products: CatalogueFile['products'] = [];
  for (let i = 1; i <= n; i++) {
    const cat = pick(random, CATEGORIES);
    const [brandZh, brandEn] = pick(random, BRANDS);
    const [flavourZh, flavourEn] = pick(random, FLAVOURS);
    const [nounZh, nounEn] = pick(random, cat.nouns);
    const size = pick(random, cat.sizes);
    const [min, max] = cat.price;
    const raw = min + Math.floor(random() * (max - min));
    products.push({
      sku: skuOf(cat.code, i),
      // a few products (loose goods) have no barcode, as in a real shop
      barcode: i % 97 === 0 ? null : barcodeOf(i),
      nameZh: `${brandZh}${flavourZh}${nounZh} ${size}`,
      nameEn: `${brandEn} ${flavourEn} ${nounEn} ${size}`,
      category: cat.code,
      priceFen: random() < 0.7 ? Math.max(10, Math.round(raw / 10) * 10) : raw,
      unit: pick(random, cat.units),
    });
  }
  return { categories, products };
}

export type QueryKind =
  | 'pinyin initials (brand prefix)'
  | 'pinyin initials (mid-name)'
  | 'Chinese word'
  | 'English word'
  | 'SKU (exact)'
  | 'barcode (exact)'
  | 'no match (full scan)';

/** A mix of realistic queries per kind, drawn from the generated catalogue. */
export function searchQueries(file: CatalogueFile, seed = 7): Record<QueryKind, string[]> {
  const random = rng(seed);
  const initials = (zh: string) => pinyinKeys(zh).initials;
  const brands = [...BRANDS].sort(() => random() - 0.5).slice(0, 6);
  const nouns = CATEGORIES.flatMap((c) => c.nouns);
  const withCode = file.products.filter((p) => p.barcode !== null);
  return {
    // typing the start of a brand: many prefix hits, the scan stops after `limit` of them
    'pinyin initials (brand prefix)': brands.map(([zh]) => initials(zh).slice(0, 4)).filter((q) => q.length >= 2),
    // initials of a product word in the middle of names: mostly "contains" hits, the whole index is scanned
    'pinyin initials (mid-name)': [...nouns]
      .sort(() => random() - 0.5)
      .map(([zh]) => initials(zh).slice(0, 4))
      .filter((q) => q.length >= 2)
      .slice(0, 6),
    'Chinese word': ['牛奶', '方便面', '薯片', '矿泉水', '啤酒', '牙膏'],
    'English word': ['milk', 'noodles', 'chips', 'beer', 'shampoo', 'chocolate'],
    'SKU (exact)': Array.from({ length: 6 }, () => pick(random, file.products).sku),
    'barcode (exact)': Array.from({ length: 6 }, () => pick(random, withCode).barcode as string),
    'no match (full scan)': ['zzqxw', 'xyzzy', '6999999999999', '不存在的商品'],
  };
}

export interface BigCatalogue {
  core: Core;
  file: CatalogueFile;
  tmp: TempDir;
  generateMs: number;
  importMs: number;
  reloadMs: number;
  heapDeltaMb: number;
  close: () => void;
}

/** A fresh core (no demo seed) holding `n` generated products, with its search index rebuilt. */
export async function openBigCatalogue(n: number): Promise<BigCatalogue> {
  const tmp = tempDir('catalogue');
  let t = performance.now();
  const file = generateCatalogue(n);
  const generateMs = performance.now() - t;
  const core = await createCore({
    dataDir: tmp.dir,
    mode: 'browser',
    seed: false,
    timeZone: 'Asia/Shanghai',
    // the aged store is sold on by the benchmarks without opening a drawer
    newStoreRequiresDrawer: false,
  });
  try {
    t = performance.now();
    importCatalogue(core.store, file, Date.now(), pinyinKeys);
    const importMs = performance.now() - t;
    forceGc();
    const heapBefore = process.memoryUsage().heapUsed;
    t = performance.now();
    core.catalog.reload();
    const reloadMs = performance.now() - t;
    forceGc();
    const heapDeltaMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
    if (core.catalog.size !== n) throw new Error(`expected ${n} products in the index, found ${core.catalog.size}`);
    return {
      core,
      file,
      tmp,
      generateMs,
      importMs,
      reloadMs,
      heapDeltaMb,
      close: () => {
        core.close();
        tmp.cleanup();
      },
    };
  } catch (err) {
    core.close();
    tmp.cleanup();
    throw err;
  }
}
