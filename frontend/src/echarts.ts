// ECharts, only the parts plotboard draws with (the map parts load with the world outline).
// The tooltip (with its axis pointer) is a chunk of its own (echarts-tooltip.ts): nothing on the
// first paint needs it. It is requested as soon as this script runs, so it is almost always
// registered before the first answer arrives; a chart drawn before that takes it up then.

import { BarChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, ScatterChart, GridComponent, LegendComponent, LabelLayout, CanvasRenderer]);

let tooltipLoading: Promise<void> | null = null;
/** True once the tooltip is registered: options set from then on show it. */
export let tooltipReady = false;

/** Register the tooltip (once; a failed load is tried again on the next call). */
export function loadTooltip(): Promise<void> {
  tooltipLoading ??= import('./echarts-tooltip.js').then(
    () => {
      tooltipReady = true;
    },
    (err: unknown) => {
      tooltipLoading = null;
      throw err;
    },
  );
  return tooltipLoading;
}

loadTooltip().catch(() => undefined); // charts draw without tooltips; tried again per chart

export { echarts };
