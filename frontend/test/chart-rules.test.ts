// The builder's chart rules against the cases the AI is tested against too
// (tests/ai/fixtures/chart_cases.json, run by tests/ai/test_chart_rules.py).
import { describe, expect, test } from 'vitest';
import cases from '../../tests/ai/fixtures/chart_cases.json';
import { chartFits, chartForShape, chartShape, defaultChart, ruleHolds, shapeProblem, type ChartShape } from '../src/model.js';
import { CHART_TYPES, type ChartType, type QuerySpec } from '../src/types.js';
import { index } from './catalog.js';

describe('the shared chart cases', () => {
  test('name every chart type', () => {
    expect([...cases.charts].sort()).toEqual([...CHART_TYPES].sort());
  });

  for (const c of cases.cases) {
    test(c.name, () => {
      const shape = c.shape as ChartShape;
      expect(chartForShape(shape)).toBe(c.chart);
      const fitting = CHART_TYPES.filter((chart) => shapeProblem(shape, chart) === null);
      expect([...fitting].sort()).toEqual([...c.fits].sort());
    });
  }
});

describe('a query spec as the rules see it', () => {
  const spec = (dimensions: QuerySpec['dimensions'], measures = 1, table = 'employees'): QuerySpec => ({
    table,
    measures: [{ agg: 'count' }, { agg: 'avg', column: 'salary' }].slice(0, measures) as QuerySpec['measures'],
    dimensions,
  });

  test('a breakdown by city or country goes on a map', () => {
    expect(defaultChart(index, spec([{ column: 'location' }]))).toBe('map');
    expect(defaultChart(index, spec([{ column: 'country' }]))).toBe('map');
    expect(chartFits(index, spec([{ column: 'department' }]), 'map')).toBe(false);
  });

  test('over time split by a category is a line per group', () => {
    expect(defaultChart(index, spec([{ column: 'hire_date', grain: 'year' }, { column: 'department' }]))).toBe('line');
    expect(defaultChart(index, spec([{ column: 'hire_date', grain: 'month' }]))).toBe('line');
  });

  test('each kind of first breakdown', () => {
    expect(chartShape(index, spec([]))).toEqual({ measures: 1, dims: 0 });
    expect(chartShape(index, spec([{ column: 'hire_date' }])).first).toBe('time');
    expect(chartShape(index, spec([{ column: 'remote' }])).first).toBe('boolean');
    expect(chartShape(index, spec([{ column: 'rating' }])).first).toBe('number');
    expect(chartShape(index, spec([{ column: 'department' }])).first).toBe('category');
    // A related table's column, one hop along the foreign key.
    expect(chartShape(index, spec([{ column: 'employees.location' }], 1, 'sales')).first).toBe('place');
  });

  test('the builder does not count groups, so a category gets upright bars', () => {
    expect(chartShape(index, spec([{ column: 'department' }])).categories).toBeNull();
    expect(defaultChart(index, spec([{ column: 'department' }]))).toBe('bar');
  });

  test('no measure: a table; two numbers and no breakdown: a table, not one KPI', () => {
    expect(defaultChart(index, spec([{ column: 'department' }], 0))).toBe('table');
    expect(defaultChart(index, spec([], 2))).toBe('table');
    expect(defaultChart(index, spec([], 1))).toBe('kpi');
  });

  test('the default always fits', () => {
    const specs = [[], [{ column: 'location' }], [{ column: 'remote' }], [{ column: 'hire_date', grain: 'year' as const }]];
    for (const dims of specs) {
      for (const measures of [1, 2]) {
        const s = spec(dims, measures);
        expect(chartFits(index, s, defaultChart(index, s) as ChartType)).toBe(true);
      }
    }
  });

  test('an unknown condition in the rules is an error, not a silent match', () => {
    expect(() => ruleHolds({ colour: 'red' } as never, { measures: 1, dims: 0 })).toThrow(/colour/);
  });
});
