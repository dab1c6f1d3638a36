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
