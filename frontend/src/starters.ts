// Ready-made first charts for an empty dashboard, drawn from what the catalog holds: one click
// and the user sees their data (a total, a map, a trend, a breakdown).

import type { BuiltTile } from './draft.js';
import { isCategory, isIdentifier, isNumeric, isTemporal, locationKind, measureAlias, type CatalogIndex } from './model.js';
import type { Measure, QuerySpec } from './types.js';

export function starterTiles(index: CatalogIndex): BuiltTile[] {
  const out: BuiltTile[] = [];
  for (const { table } of index.tables) {
    const choices = index.choices(table.name);
    const own = choices.filter((c) => !c.group);
    const numeric = own.find((c) => isNumeric(c.column) && !isIdentifier(c.column) && c.column.semantic_type !== 'category');
    const measure: Measure = numeric ? { agg: numeric.column.semantic_type === 'currency' || /amount|revenue|total/i.test(numeric.ref) ? 'sum' : 'avg', column: numeric.ref } : { agg: 'count' };
    const place = choices.find((c) => locationKind(c.column) === 'city') ?? choices.find((c) => locationKind(c.column));
    const date = own.find((c) => isTemporal(c.column));
    const category = own.find((c) => isCategory(c.column) && !locationKind(c.column));
    const add = (query: QuerySpec, type: BuiltTile['chart']['type']) => out.push({ title: index.suggestTitle(query), query, chart: { type } });
    if (!out.length) add({ table: table.name, measures: [{ agg: 'count' }] }, 'kpi');
    if (place && !out.some((t) => t.chart.type === 'map')) {
      add({ table: table.name, measures: [{ agg: 'count' }], dimensions: [{ column: place.ref }] }, 'map');
    }
    if (date && !out.some((t) => t.chart.type === 'line')) {
      const dim = { column: date.ref, grain: 'month' as const };
      add({ table: table.name, measures: [measure], dimensions: [dim], order_by: [{ by: `${date.ref.replace(/\./g, '_')}_month` }] }, 'line');
    }
    if (category && !out.some((t) => t.chart.type === 'bar_horizontal')) {
      add({ table: table.name, measures: [measure], dimensions: [{ column: category.ref }], order_by: [{ by: measureAlias(measure), desc: true }], limit: 10 }, 'bar_horizontal');
    }
    if (out.length >= 4) break;
  }
  return out.slice(0, 4);
}
