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
