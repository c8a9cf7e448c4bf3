import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/web-app';
import { PosPage } from '../support/pos-page';

/** The clerk is signed in: main asks for the owner's PIN, and the owner types it. */
async function ownerApproves(page: Page): Promise<void> {
  await expect(page.getByTestId('owner-pin-dialog')).toBeVisible();
  await page.getByTestId('owner-pin-input').fill('8888');
  await page.getByTestId('owner-pin-submit').click();
  await expect(page.getByTestId('owner-pin-dialog')).toHaveCount(0);
}

/** Manage → Catalogue, from the sell screen: the catalogue with its stock is the owner's, asked once. */
async function openCatalogue(till: PosPage): Promise<void> {
  await till.id('nav-manage').click();
  await till.id('manage-catalogue').click();
  await ownerApproves(till.page);
  await expect(till.id('catalogue-row').first()).toBeVisible();
}

async function backToSell(till: PosPage): Promise<void> {
  await till.id('catalogue-back').click();
  await till.id('manage-back').click();
  await till.ready();
}

const HEADER = 'sku,barcode,name_zh,name_en,category,price,unit,active,stock';

test.describe('catalogue management in browser mode', () => {
  test('the owner changes a price; the sell grid and the next sale show it', async ({ pos }) => {
    const till = new PosPage(pos);
    await expect(till.tile('DRI-001')).toContainText('¥3.00');
    await openCatalogue(till);
    await till.id('catalogue-search').fill('kkkl');
    const row = pos.locator('[data-testid="catalogue-row"][data-sku="DRI-001"]');
    await expect(till.id('catalogue-row')).toHaveCount(1);
    await row.click();
    await expect(till.id('product-dialog')).toBeVisible();
    await till.id('product-price').fill('3.80');
    await expect(till.id('product-price-note')).toContainText('¥3.80');
    await till.id('product-save').click();
    await ownerApproves(pos);
    await expect(till.id('product-dialog')).toHaveCount(0);
    await expect(row.getByTestId('catalogue-price')).toContainText('¥3.80');

    await backToSell(till);
    await expect(till.tile('DRI-001')).toContainText('¥3.80');
    await till.tile('DRI-001').click();
    await expect(till.line('DRI-001').getByTestId('line-unit-price')).toContainText('¥3.80');
    await expect(till.id('cart-total')).toHaveText('¥3.80');
  });

  test('a CSV with a bad row is refused row by row and nothing is imported; fixed, it applies, and the sell screen has the new products', async ({
    pos,
  }) => {
    const till = new PosPage(pos);
    await openCatalogue(till);
    await pos.locator('[data-testid="catalogue-tab"][data-tab="csv"]').click();

    // export: UTF-8 with a BOM, the documented header
    const download = pos.waitForEvent('download');
    await till.id('export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^counter-pos-catalogue-\d{4}-\d{2}-\d{2}\.csv$/);
    const exported = readFileSync((await file.path())!, 'utf8');
    expect(exported.startsWith(`\uFEFF${HEADER}\r\n`)).toBe(true);
    expect(exported).toContain('DRI-001,6901939621608,可口可乐 330ml,Coca-Cola 330ml,drinks,3.00,瓶,1,0');

    const rows = (price: string) =>
      [
        HEADER,
        'TEA-001,6900000000014,茉莉花茶,Jasmine tea,drinks,5.00,瓶,1,12',
        `TEA-002,,乌龙茶,Oolong tea,drinks,${price},瓶,1,`,
        'DRI-002,6902565477126,百事可乐 330ml,Pepsi 330ml,drinks,3.20,瓶,1,',
      ].join('\r\n') + '\r\n';
    await till
      .id('import-file')
      .setInputFiles({ name: 'catalogue.csv', mimeType: 'text/csv', buffer: Buffer.from(rows('4,50'), 'utf8') });
    const preview = till.id('import-preview');
    await expect(preview).toHaveAttribute('data-state', 'errors');
    // "4,50" splits into two cells: the row has one column too many, on line 3
    const error = pos.locator('[data-testid="import-error"]');
    await expect(error).toHaveCount(1);
    await expect(error).toHaveAttribute('data-line', '3');
    await expect(error).toHaveAttribute('data-kind', 'column_count');
    await expect(till.id('import-apply')).toBeDisabled();
    await expect(till.id('import-count-errors')).toHaveAttribute('data-count', '1');

    // fixed in the file and chosen again
    await till
      .id('import-file')
      .setInputFiles({ name: 'catalogue.csv', mimeType: 'text/csv', buffer: Buffer.from(rows('4.50'), 'utf8') });
    await expect(preview).toHaveAttribute('data-state', 'ok');
    await expect(till.id('import-count-added')).toHaveAttribute('data-count', '2');
    await expect(till.id('import-count-changed')).toHaveAttribute('data-count', '1');
    const change = pos.locator('[data-testid="import-change"][data-sku="DRI-002"]');
    await expect(change.locator('[data-testid="import-field"][data-field="priceFen"]')).toContainText('¥3.20');
    await till.id('import-apply').click();
    await ownerApproves(pos);
    await expect(till.id('import-applied')).toBeVisible();

    await backToSell(till);
    await till.search('mlhc');
    await expect(till.tile('TEA-001')).toContainText('¥5.00');
    await till.search('');
    await expect(till.tile('DRI-002')).toContainText('¥3.20');
    await till.page.locator('body').click({ position: { x: 5, y: 5 } });
    await till.scan('6900000000014');
    await expect(till.line('TEA-001')).toBeVisible();
  });
});
