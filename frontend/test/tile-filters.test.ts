// A tile's own filters, in the words the tile shows.
import { expect, test } from 'vitest';
import { tileFilterTexts } from '../src/tile-filters.js';

test('each kind of filter reads as short words', () => {
  const query = {
    filters: [
      { column: 'department', op: 'in', value: ['Sales', 'Support'] },
      { column: 'location', op: 'not_in', value: ['Paris', 'Tokyo', 'Berlin', 'Sydney', 'Mumbai'] },
      { column: 'amount', op: 'gte', value: 1000 },
      { column: 'is_remote', op: 'eq', value: true },
      { column: 'sale_date', op: 'last', value: { n: 6, unit: 'month' } },
      { column: 'hire_date', op: 'between', value: ['2020-01-01', '2020-12-31'] },
      { column: 'email', op: 'is_null' },
      { column: 'sale_date', op: 'this', value: 'year', anchor: 'latest' },
      { column: 'sale_date', op: 'last', value: { n: 3, unit: 'month' }, anchor: 'today' },
    ],
  };
  expect(tileFilterTexts(query, (c) => c.replace('_', ' '))).toEqual([
    'department: Sales, Support',
    'location: not Paris, Tokyo, Berlin +2',
    'amount ≥ 1000',
    'is remote = yes',
    'sale date: last 6 months',
    'hire date: Jan 1, 2020–Dec 31, 2020',
    'email is empty',
    'sale date: the latest year in the data',
    'sale date: last 3 months',
  ]);
  expect(tileFilterTexts(null)).toEqual([]);
  expect(tileFilterTexts({})).toEqual([]);
});

test('a relative filter says the days the answer resolved it to, matched by its index', () => {
  const query = {
    filters: [
      { column: 'department', op: 'in', value: ['Sales'] },
      { column: 'sale_date', op: 'last', value: { n: 6, unit: 'month' } },
      { column: 'hire_date', op: 'this', value: 'year', anchor: 'latest' },
    ],
  };
  const resolved = [
    { filter: 1, from: '2026-06-01', to: '2026-11-30' },
    { filter: 2, from: null, to: null }, // nothing visible to count back from: no range to say
  ];
  expect(tileFilterTexts(query, undefined, resolved)).toEqual([
    'department: Sales',
    'sale_date: last 6 months (Jun 1, 2026–Nov 30, 2026)',
    'hire_date: the latest year in the data',
  ]);
  // Counted back from the latest date, with the days it resolved to: one pair of brackets.
  const latest = { filters: [{ column: 'sale_date', op: 'this', value: 'year', anchor: 'latest' }] };
  expect(tileFilterTexts(latest, undefined, [{ filter: 0, from: '2025-01-01', to: '2025-12-31' }])).toEqual([
    'sale_date: the latest year in the data (Jan 1, 2025–Dec 31, 2025)',
  ]);
});
