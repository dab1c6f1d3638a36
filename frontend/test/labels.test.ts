// Measure labels and suggested titles read as a person would write them.
import { expect, test } from 'vitest';
import { CatalogIndex } from '../src/model.js';
import type { Catalog } from '../src/types.js';

const catalog: Catalog = {
  sources: [
    {
      id: 'billing',
      name: 'Billing',
      dialect: 'postgresql',
      tables: [
        {
          name: 'invoices',
          columns: [
            { name: 'invoice_id', type: 'integer' },
            { name: 'country', type: 'string' },
            { name: 'total', type: 'number' },
            { name: 'total_due', type: 'number' },
            { name: 'average_price', type: 'number' },
            { name: 'amount', type: 'number' },
          ],
        },
      ],
    },
  ],
};
const index = new CatalogIndex(catalog);

test('a column named with the aggregate\'s word is not named twice ("Total total")', () => {
  const sum = (column: string) => index.measureLabel('invoices', { agg: 'sum', column });
  expect(sum('total')).toBe('Total');
  expect(sum('total_due')).toBe('Total due');
  expect(sum('amount')).toBe('Total amount');
  expect(index.measureLabel('invoices', { agg: 'avg', column: 'average_price' })).toBe('Average price');
  expect(index.measureLabel('invoices', { agg: 'avg', column: 'total' })).toBe('Average total');
  expect(index.measureLabel('invoices', { agg: 'sum', column: 'total', share: true })).toBe('Total (% of total)');
  const title = index.suggestTitle({
    table: 'invoices',
    measures: [{ agg: 'sum', column: 'total' }],
    dimensions: [{ column: 'country' }],
  });
  expect(title).toBe('Total by country');
});

test('a label the catalog gives keeps its case in measure labels and titles ("Total EUR")', () => {
  const named: Catalog = {
    sources: [
      {
        id: 'shop',
        name: 'Shop',
        dialect: 'postgresql',
        tables: [
          {
            name: 'orders',
            display_name: 'EU orders',
            columns: [
              { name: 'total_eur', type: 'number', display_name: 'Total EUR' },
              { name: 'net_eur', type: 'number', display_name: 'Net EUR' },
              { name: 'store', type: 'string', display_name: 'Store' },
              { name: 'TAX_CODE', type: 'string' },
            ],
          },
        ],
      },
    ],
  };
  const shop = new CatalogIndex(named);
  // The builder said "Total eur": the catalog's capitals were lowered with the first letter.
  expect(shop.measureLabel('orders', { agg: 'sum', column: 'total_eur' })).toBe('Total EUR');
  expect(shop.measureLabel('orders', { agg: 'avg', column: 'net_eur' })).toBe('Average net EUR');
  expect(shop.measureLabel('orders', { agg: 'count_distinct', column: 'total_eur' })).toBe('Distinct total EUR');
  expect(shop.measureLabel('orders', { agg: 'count' })).toBe('Number of EU orders');
  expect(shop.suggestTitle({ table: 'orders', measures: [{ agg: 'sum', column: 'total_eur' }], dimensions: [{ column: 'store' }] })).toBe(
    'Total EUR by store',
  );
  expect(shop.suggestTitle({ table: 'orders', measures: [{ agg: 'sum', column: 'net_eur' }] })).toBe('Total net EUR');
  // A name made from the database's name still reads in sentence case.
  expect(shop.suggestTitle({ table: 'orders', measures: [{ agg: 'count' }], dimensions: [{ column: 'TAX_CODE' }] })).toBe(
    'Number of EU orders by tax code',
  );
});
