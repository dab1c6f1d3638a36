// <pb-chart>: draws an ECharts option on a canvas and keeps it sized to its box.

import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { echarts, loadTooltip, tooltipReady } from '../echarts.js';

/** A click on the chart: which mark (series -1: the category under the pointer). */
export interface ChartPoint {
  seriesIndex: number;
  dataIndex: number;
  clientX: number;
  clientY: number;
}

@customElement('pb-chart')
export class PbChart extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      width: 100%;
      height: 100%;
      min-height: 80px;
    }
    /* Only the canvas box: ECharts adds its own divs inside it (the tooltip is one), and a
       bare "div" rule would stretch the tooltip over the whole chart. */
    .canvas {
      position: absolute;
      inset: 0;
    }
  `;

  @property({ attribute: false }) option: EChartsCoreOption | null = null;

  private chart: EChartsType | null = null;
  private observer: ResizeObserver | null = null;
  private frame = 0;

  override render() {
    return html`<div class="canvas" part="canvas" role="img" aria-label=${this.getAttribute('aria-label') ?? 'Chart'}></div>`;
  }

  protected override firstUpdated(): void {
    // Draw only once the box has a size: a chart laid out in a 0×0 box (a grid still placing
    // its items) has no valid transform, and a map would fail on it.
    this.observer = new ResizeObserver(() => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => {
        if (!this.hasSize()) return;
        if (this.chart) {
          const yAxis = this.valueAxis();
          if (yAxis) this.chart.setOption({ yAxis });
          this.chart.resize();
        } else this.apply();
      });
    });
    this.observer.observe(this);
    this.apply();
    // Fetched while the tile's query runs; a chart drawn before it arrived takes it up then.
    if (!tooltipReady) {
      loadTooltip().then(
        () => {
          const tooltip = (this.option as { tooltip?: unknown } | null)?.tooltip;
          if (this.chart && tooltip !== undefined) this.chart.setOption({ tooltip });
        },
        () => undefined, // no tooltips; the chart itself is drawn
      );
    }
  }

  /** A vertical value axis gets as many numbers as its height holds: a short plot (under filter
   * chips in the chat's card) printed ECharts' usual six over one another ("21M18M15M"). */
  private valueAxis(): { splitNumber: number } | null {
    const axis = (this.option as { yAxis?: { type?: string; splitNumber?: number } } | null)?.yAxis;
    if (axis?.type !== 'value' || axis.splitNumber) return null;
    return { splitNumber: Math.max(1, Math.min(5, Math.floor((this.clientHeight - 80) / 24))) };
  }

  private hasSize(): boolean {
    return this.clientWidth > 0 && this.clientHeight > 0;
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('option')) this.apply();
  }

  private apply(): void {
    if (!this.option || !this.hasSize()) return;
    if (!this.chart) {
      const box = this.renderRoot.querySelector('.canvas') as HTMLDivElement;
      this.chart = echarts.init(box, undefined, { renderer: 'canvas' });
      this.listen(this.chart);
    }
    this.chart.setOption(this.option, { notMerge: true, lazyUpdate: false });
    const yAxis = this.valueAxis();
    if (yAxis) this.chart.setOption({ yAxis });
    this.dataset.rendered = 'true';
    this.dispatchEvent(new CustomEvent('chart-rendered', { bubbles: true, composed: true }));
  }

  /** Clicks on a mark (a bar, slice, point, bubble) go up as `chart-point`, with the series and
   * data index and where the pointer was; a click in a bar or line chart's plot area but off any
   * mark names the category under the pointer (series -1), so thin lines are easy to hit. */
  private listen(chart: EChartsType): void {
    const send = (seriesIndex: number, dataIndex: number, event: MouseEvent | undefined) => {
      const box = this.getBoundingClientRect();
      const detail: ChartPoint = {
        seriesIndex,
        dataIndex,
        clientX: event?.clientX ?? box.left + box.width / 2,
        clientY: event?.clientY ?? box.top + box.height / 2,
      };
      this.dispatchEvent(new CustomEvent<ChartPoint>('chart-point', { detail, bubbles: true, composed: true }));
    };
    let markClicked = false;
    chart.on('click', (p) => {
      const params = p as { componentType?: string; name?: string; seriesIndex?: number; dataIndex?: number; event?: { event?: MouseEvent } };
      if (params.componentType === 'geo' && params.name) {
        // A shaded country: the map series drawn on the outline has it as a data item.
        const series = ((this.option as { series?: Array<{ type?: string; data?: Array<{ name?: string }> }> } | null)?.series ?? []);
        const at = series.findIndex((x) => x.type === 'map');
        const index = at >= 0 ? (series[at]!.data ?? []).findIndex((d) => d.name === params.name) : -1;
        if (index >= 0) send(at, index, params.event?.event);
        markClicked = true;
        return;
      }
      if (params.seriesIndex === undefined || params.dataIndex === undefined) return;
      markClicked = true;
      send(params.seriesIndex, params.dataIndex, params.event?.event);
    });
    const axisClick = (x: number, y: number, event: MouseEvent | undefined) => {
      const point = [x, y];
      if (!chart.containPixel('grid', point)) return;
      const option = this.option as { xAxis?: { type?: string }; yAxis?: { type?: string } } | null;
      const at = chart.convertFromPixel('grid', point) as number[] | number;
      if (!Array.isArray(at)) return;
      const index = option?.xAxis?.type === 'category' ? at[0] : option?.yAxis?.type === 'category' ? at[1] : undefined;
      if (index === undefined || !Number.isFinite(index)) return;
      send(-1, Math.round(index), event);
    };
    // ECharts' own handler of this click ran first (it listens since init): when it found a
    // mark, that was the click; otherwise (the plot's background, a line between its points)
    // the category under the pointer.
    chart.getZr().on('click', (e) => {
      if (markClicked) {
        markClicked = false;
        return;
      }
      axisClick(e.offsetX, e.offsetY, e.event as MouseEvent | undefined);
    });
  }

  /** Hide the tooltip (a menu opened over the chart). */
  hideTooltip(): void {
    this.chart?.dispatchAction({ type: 'hideTip' });
  }

  /** The chart as a PNG data URL (twice the screen resolution), or null before it is drawn. */
  toPng(background: string): string | null {
    if (!this.chart) return null;
    return this.chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
    cancelAnimationFrame(this.frame);
    this.chart?.dispose();
    this.chart = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the DOM: start again.
    if (this.hasUpdated && !this.observer) {
      void this.updateComplete.then(() => this.firstUpdated());
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-chart': PbChart;
  }
}
