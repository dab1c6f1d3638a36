// The chat's first suggestions: no question twice, even when two tables give the same words.
import { expect, test } from 'vitest';
import { starterQuestions } from '../src/chat-model.js';
import { CatalogIndex } from '../src/model.js';
import type { Catalog, CatalogTable } from '../src/types.js';

const withAmountAndDate = (name: string): CatalogTable => ({
  name,
  columns: [
    { name: 'id', type: 'integer', semantic_type: 'identifier' },
    { name: 'amount', type: 'number' },
    { name: 'paid_on', type: 'date' },
  ],
});

test('two tables with an amount and a date give one "Total amount by month"', () => {
  const catalog: Catalog = {
    sources: [{ id: 'demo', name: 'Demo', dialect: 'postgresql', tables: [withAmountAndDate('invoices'), withAmountAndDate('refunds')] }],
  };
  const ideas = starterQuestions(new CatalogIndex(catalog));
  expect(ideas.filter((q) => q === 'Total amount by month')).toHaveLength(1);
  expect(new Set(ideas).size).toBe(ideas.length);
});

test('the questions keep the case of the labels the admin gave (SKU, Net MRR), as the builder does', () => {
  const catalog: Catalog = {
    sources: [
      {
        id: 'shop',
        name: 'Shop',
        dialect: 'postgresql',
        tables: [
          {
            name: 'orders',
            display_name: 'EU Orders',
            columns: [
              { name: 'id', type: 'integer', semantic_type: 'identifier' },
              { name: 'net_mrr', type: 'number', display_name: 'Net MRR', semantic_type: 'currency' },
              { name: 'store_city', type: 'string', display_name: 'Store City', semantic_type: 'city' },
              { name: 'sku', type: 'string', display_name: 'SKU', semantic_type: 'category' },
              { name: 'ordered_on', type: 'date' },
            ],
          },
        ],
      },
    ],
  };
  const ideas = starterQuestions(new CatalogIndex(catalog));
  expect(ideas).toContain('Average net MRR by store city as a map');
  expect(ideas).toContain('Total net MRR by month');
  expect(ideas).toContain('Number of EU orders by SKU');
  expect(ideas).toContain('Build me a dashboard about EU orders');
});
