// The "Break down by" list: dates and categories first; ids and amounts apart ("More columns").
import { expect, test } from 'vitest';
import { breakdownChoices, breakdownGroups, breakdownRank, CatalogIndex } from '../src/model.js';
import type { Catalog } from '../src/types.js';
import { index } from './catalog.js';

const refs = (choices: { ref: string }[]) => choices.map((c) => c.ref);

test('sales: the date and the employee\'s categories come first; ids and the amount are apart', () => {
  const { main, more } = breakdownChoices(index.choices('sales'));
  expect(refs(main)[0]).toBe('sale_date');
  expect(refs(main)).not.toContain('id');
  expect(refs(main)).not.toContain('employee_id');
  expect(refs(main)).not.toContain('amount');
  expect(refs(more)).toEqual(expect.arrayContaining(['id', 'employee_id', 'amount', 'employees.salary']));
  // The related table's columns: categories and places before a person's name.
  const related = refs(main.filter((c) => c.group));
  expect(related.indexOf('employees.department')).toBeLessThan(related.indexOf('employees.full_name'));
  expect(related).toContain('employees.rating'); // a small number that is a group
  // Nothing is lost: every groupable column is somewhere.
  expect(main.length + more.length).toBe(index.choices('sales').length);
});

test('employees: dates, then categories, places and flags, then names', () => {
  const { main } = breakdownChoices(index.choices('employees').filter((c) => !c.group));
  expect(refs(main)).toEqual(['hire_date', 'department', 'location', 'country', 'remote', 'rating', 'full_name']);
});

test('the catalog\'s semantic types win over the column\'s type and name', () => {
  expect(breakdownRank({ name: 'region_code', type: 'integer', semantic_type: 'region' })).toBe(1);
  expect(breakdownRank({ name: 'fiscal_year', type: 'integer' })).toBe(1);
  expect(breakdownRank({ name: 'price', type: 'number', semantic_type: 'currency' })).toBeNull();
  expect(breakdownRank({ name: 'quantity', type: 'integer' })).toBeNull();
  expect(breakdownRank({ name: 'comment', type: 'string', semantic_type: 'text' })).toBeNull();
  expect(breakdownRank({ name: 'contact', type: 'string', semantic_type: 'email' })).toBeNull();
  expect(breakdownRank({ name: 'sku', type: 'string', semantic_type: 'identifier' })).toBeNull();
  expect(breakdownRank({ name: 'status', type: 'string', semantic_type: 'category' })).toBe(1);
  expect(breakdownRank({ name: 'work_email', type: 'string' })).toBeNull();
  expect(breakdownRank({ name: 'full_name', type: 'string' })).toBe(2);
});

test('a table of only ids and amounts still offers them (under More)', () => {
  const catalog: Catalog = {
    sources: [{ id: 's', name: 'S', dialect: 'sqlite', tables: [{ name: 't', columns: [
      { name: 'id', type: 'integer' }, { name: 'total', type: 'number' },
    ] }] }],
  };
  const { main, more } = breakdownChoices(new CatalogIndex(catalog).choices('t'));
  expect(main).toEqual([]);
  expect(refs(more)).toEqual(['id', 'total']);
});

test('every group is a table, every option its friendly name in one form', () => {
  // The list mixed "Sale date" (own columns, under no heading), "Department" (under
  // "Employees") and "Employees › Email" (under "More columns"): three forms in one list.
  const catalog: Catalog = {
    sources: [{ id: 's', name: 'S', dialect: 'sqlite', tables: [
      { name: 'employees', display_name: 'Staff', columns: [
        { name: 'employee_id', type: 'integer' },
        { name: 'dept', type: 'string', display_name: 'Department', semantic_type: 'category' },
        { name: 'email', type: 'string' },
        { name: 'salary', type: 'number' },
      ] },
      { name: 'sales', columns: [
        { name: 'sale_id', type: 'integer' },
        { name: 'sale_date', type: 'date' },
        { name: 'sales_region', type: 'string', display_name: 'Region' },
        { name: 'amount', type: 'number' },
        { name: 'employee_id', type: 'integer' },
      ], relations: [{ columns: ['employee_id'], ref_table: 'employees', ref_columns: ['employee_id'] }] },
    ] }],
  };
  const idx = new CatalogIndex(catalog);
  const groups = breakdownGroups(idx, 'sales', idx.choices('sales'));
  expect(groups.map((g) => g.label)).toEqual([
    'Sales', 'Staff', 'More Sales columns (ids, amounts)', 'More Staff columns (ids, amounts)',
  ]);
  expect(groups.map((g) => g.more)).toEqual([false, false, true, true]);
  expect(groups[0]!.options).toEqual([{ ref: 'sale_date', label: 'Sale date' }, { ref: 'sales_region', label: 'Region' }]);
  expect(groups[1]!.options).toEqual([{ ref: 'employees.dept', label: 'Department' }]);
  expect(groups[3]!.options.map((o) => o.label)).toEqual(['Email', 'Salary']);
  for (const o of groups.flatMap((g) => g.options)) expect(o.label).not.toContain('›');
  // Nothing lost, nothing twice.
  const refs = groups.flatMap((g) => g.options.map((o) => o.ref));
  expect(new Set(refs).size).toBe(refs.length);
  expect(refs.length).toBe(idx.choices('sales').length);
});
