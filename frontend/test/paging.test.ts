// Paging a list of records (spec v2 `select`): the query a page asks for and what it shows.
import { describe, expect, test } from 'vitest';
import { PAGE_SIZE, pageQuery, pageRange, pageSize, pageView } from '../src/paging.js';
import type { QuerySpec } from '../src/types.js';

// As the AI writes "list the employees in Paris": no limit, no offset.
const aiListing: QuerySpec = { table: 'employees', select: ['full_name', 'location'], filters: [{ column: 'location', op: 'eq', value: 'Paris' }] };
// As the builder writes a listing a page at a time.
const builderListing: QuerySpec = { table: 'sales', select: ['sale_id', 'amount'], limit: 10, offset: 0 };
// "The 10 most recent sales": a ranking cut, never paged.
const topTen: QuerySpec = { table: 'sales', select: ['sale_id', 'sold_at'], order_by: [{ by: 'sold_at', desc: true }], limit: 10 };

const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => [from + i]);

describe('pageQuery', () => {
  test('a listing without a limit asks for one page, not every row', () => {
    const size = pageSize(aiListing);
    expect(size).toBe(PAGE_SIZE);
    const first = pageQuery(aiListing, 0, size!);
    expect(first.offset).toBe(0);
    // One page, and one row more only to tell whether a next page exists.
    expect(first.limit).toBe(PAGE_SIZE + 1);
    expect(pageQuery(aiListing, 1, size!)).toMatchObject({ offset: 50, limit: 51 });
    expect(pageQuery(aiListing, 3, size!)).toMatchObject({ offset: 150, limit: 51 });
    // The rest of the spec is kept, and the spec itself is not changed.
    expect(first.filters).toEqual(aiListing.filters);
    expect(aiListing.limit).toBeUndefined();
    expect(aiListing.offset).toBeUndefined();
  });

  test("the builder's listing pages by its own page size", () => {
    const size = pageSize(builderListing)!;
    expect(size).toBe(10);
    expect(pageQuery(builderListing, 0, size)).toMatchObject({ offset: 0, limit: 11 });
    expect(pageQuery(builderListing, 2, size)).toMatchObject({ offset: 20, limit: 11 });
  });

  test('a ranking cut does not page', () => {
    expect(pageSize(topTen)).toBeNull();
    expect(pageSize({ ...topTen, limit: 200 })).toBeNull();
  });
});

describe('pageView', () => {
  test('152 rows by 50: three full pages and a last one of 2', () => {
    const first = pageView(rows(51), 0, 50);
    expect(first.rows).toHaveLength(50);
    expect(pageRange(first)).toBe('Rows 1–50');
    expect([first.hasPrevious, first.hasNext]).toEqual([false, true]);
    const second = pageView(rows(51, 50), 1, 50);
    expect(pageRange(second)).toBe('Rows 51–100');
    expect([second.hasPrevious, second.hasNext]).toEqual([true, true]);
    const last = pageView(rows(2, 150), 3, 50);
    expect(last.rows).toEqual([[150], [151]]);
    expect(pageRange(last)).toBe('Rows 151–152');
    expect([last.hasPrevious, last.hasNext]).toEqual([true, false]);
  });

  test('a last page that is full has no Next', () => {
    const last = pageView(rows(50, 50), 1, 50);
    expect(pageRange(last)).toBe('Rows 51–100');
    expect(last.hasNext).toBe(false);
  });

  test('rows that fit on one page need no pager', () => {
    const only = pageView(rows(7), 0, 50);
    expect(pageRange(only)).toBe('Rows 1–7');
    expect([only.hasPrevious, only.hasNext]).toEqual([false, false]);
  });

  test('an empty page past the end says so', () => {
    const none = pageView([], 2, 50);
    expect(pageRange(none)).toBe('No more rows');
    expect(none.hasNext).toBe(false);
  });
});
