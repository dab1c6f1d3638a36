// Which column "Total of…" / "Average of…" is first offered on: the figure people total.
import { expect, test } from 'vitest';
import { figureColumn } from '../src/draft.js';
import { CatalogIndex } from '../src/model.js';
import type { Catalog } from '../src/types.js';

const shop: Catalog = {
  sources: [{
    id: 'shop', name: 'Shop', dialect: 'postgresql',
    tables: [{
      name: 'orders',
      columns: [
        { name: 'order_id', type: 'integer', semantic_type: 'identifier' },
        { name: 'quantity', type: 'integer' },
        { name: 'unit_price', type: 'number' },
        { name: 'amount', type: 'number' },
        { name: 'ordered_on', type: 'date' },
      ],
    }, {
      name: 'payments',
      columns: [
        { name: 'id', type: 'integer', semantic_type: 'identifier' },
        { name: 'attempts', type: 'integer' },
        { name: 'paid', type: 'number', semantic_type: 'currency' },
      ],
    }, {
      name: 'visits',
      columns: [{ name: 'id', type: 'integer', semantic_type: 'identifier' }, { name: 'minutes', type: 'integer' }],
    }],
  }],
};
const index = new CatalogIndex(shop);

test('a total is of the money, not the quantity listed before it nor the unit price', () => {
  expect(figureColumn('sum', index.choices('orders'))?.ref).toBe('amount');
  expect(figureColumn('avg', index.choices('orders'))?.ref).toBe('amount');
});

test('a column marked as money comes first, whatever its name', () => {
  expect(figureColumn('sum', index.choices('payments'))?.ref).toBe('paid');
});

test('with no figure by name, the first number that is no identifier', () => {
  expect(figureColumn('sum', index.choices('visits'))?.ref).toBe('minutes');
  // A second measure skips the one already there.
  expect(figureColumn('avg', index.choices('orders'), (c) => c.ref === 'amount')?.ref).toBe('quantity');
});

test('min and max take the first fitting column that is no identifier', () => {
  expect(figureColumn('max', index.choices('orders'))?.ref).toBe('quantity');
});
