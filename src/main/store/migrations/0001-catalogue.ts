import { sql, type Kysely, type Migration } from 'kysely';

/** Settings, categories and products. */
export const m0001Catalogue: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('categories')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('color', 'text', (c) => c.notNull())
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('products')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('sku', 'text', (c) => c.notNull().unique())
      .addColumn('barcode', 'text', (c) => c.unique())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('pinyin', 'text', (c) => c.notNull())
      .addColumn('pinyin_initials', 'text', (c) => c.notNull())
      .addColumn('category_id', 'integer', (c) => c.notNull().references('categories.id'))
      .addColumn('price_fen', 'integer', (c) => c.notNull().check(sql`price_fen >= 0`))
      .addColumn('unit', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('products_category').on('products').columns(['category_id', 'active']).execute();
  },
};
