/**
 * Page model of the till, shared by the browser-mode and Electron specs. It speaks only in
 * data-testids listed in docs/testing.md.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class PosPage {
  constructor(readonly page: Page) {}

  id(testId: string): Locator {
    return this.page.getByTestId(testId);
  }

  tile(sku: string): Locator {
    return this.page.locator(`[data-testid="product-tile"][data-sku="${sku}"]`);
  }

  line(sku: string): Locator {
    return this.page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`);
  }

  async ready(): Promise<void> {
    await this.id('product-tile').first().waitFor();
  }

  async search(query: string): Promise<void> {
    await this.id('product-search').fill(query);
  }

  /** Types a query and adds the first result with Enter, as a clerk at the keyboard does. */
  async addBySearch(query: string, sku: string): Promise<void> {
    await this.search(query);
    await expect(this.tile(sku).first()).toBeVisible();
    await this.id('product-search').press('Enter');
    await expect(this.line(sku)).toBeVisible();
  }

  /** A keyboard-wedge scanner: digits a few milliseconds apart, then Enter. */
  async scan(code: string): Promise<void> {
    await this.page.keyboard.type(code, { delay: 4 });
    await this.page.keyboard.press('Enter');
  }

  async qty(sku: string): Promise<number> {
    return Number(await this.line(sku).getByTestId('line-qty').inputValue());
  }

  async total(): Promise<string> {
    return (await this.id('cart-total').innerText()).trim();
  }

  async checkout(): Promise<string> {
    await this.id('checkout').click();
    await expect(this.id('order-number')).toBeVisible();
    return (await this.id('order-number').innerText()).trim();
  }

  async payCash(tendered: string | 'exact'): Promise<void> {
    await this.id('pay-cash').click();
    if (tendered === 'exact') await this.id('cash-exact').click();
    else await this.id('cash-tendered').fill(tendered);
  }

  async complete(): Promise<void> {
    await this.id('cash-complete').click();
    await expect(this.id('receipt')).toBeVisible();
  }

  async newSale(): Promise<void> {
    await this.id('new-sale').click();
    await this.ready();
  }
}
