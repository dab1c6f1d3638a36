// A small catalog for the unit tests: employees with places, dates, a flag, numbers and
// categories, and sales pointing to employees.
import { CatalogIndex } from '../src/model.js';
import type { Catalog } from '../src/types.js';

export const catalog: Catalog = {
  sources: [
    {
      id: 'demo',
      name: 'Demo',
      dialect: 'postgresql',
      tables: [
        {
          name: 'employees',
          columns: [
            { name: 'id', type: 'integer', semantic_type: 'identifier' },
            { name: 'full_name', type: 'string' },
            { name: 'department', type: 'string', semantic_type: 'category' },
            { name: 'location', type: 'string', semantic_type: 'city' },
            { name: 'country', type: 'string' },
            { name: 'hire_date', type: 'date' },
            { name: 'remote', type: 'boolean' },
            { name: 'salary', type: 'number' },
            { name: 'rating', type: 'integer' },
          ],
        },
        {
          name: 'sales',
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'employee_id', type: 'integer' },
            { name: 'amount', type: 'number' },
            { name: 'sale_date', type: 'date' },
          ],
          relations: [{ columns: ['employee_id'], ref_table: 'employees', ref_columns: ['id'] }],
        },
      ],
    },
  ],
};

export const index = new CatalogIndex(catalog);
