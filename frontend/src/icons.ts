// Inline icons (no icon font, nothing fetched). Stroke icons on a 24-unit grid.

import { svg, type SVGTemplateResult } from 'lit';
import type { ChartType } from './types.js';

const icon = (body: SVGTemplateResult): SVGTemplateResult =>
  svg`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;

export const icons = {
  plus: icon(svg`<path d="M12 5v14M5 12h14"/>`),
  back: icon(svg`<path d="M15 18l-6-6 6-6"/>`),
  more: icon(svg`<circle cx="5" cy="12" r="1.4"/><circle cx="12" cy="12" r="1.4"/><circle cx="19" cy="12" r="1.4"/>`),
  edit: icon(svg`<path d="M12 20h9"/><path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z"/>`),
  rename: icon(svg`<path d="M4 7V5h12v2M10 5v14M8 19h4"/><path d="M17 13h4M19 11v8"/>`),
  copy: icon(svg`<rect x="9" y="9" width="12" height="12" rx="2"/><path d="M5 15V5a2 2 0 0 1 2-2h10"/>`),
  trash: icon(svg`<path d="M3 6h18M8 6V4h8v2M6 6l1 14h10l1-14"/>`),
  download: icon(svg`<path d="M12 3v12M7 10l5 5 5-5M5 21h14"/>`),
  image: icon(svg`<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="10" r="2"/><path d="M21 17l-5-5-9 8"/>`),
  refresh: icon(svg`<path d="M20 11a8 8 0 1 0-2.3 5.7"/><path d="M20 4v7h-7"/>`),
  filter: icon(svg`<path d="M3 5h18l-7 8v6l-4 2v-8z"/>`),
  check: icon(svg`<path d="M5 12l5 5 9-10"/>`),
  alert: icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16.5v.5"/>`),
  close: icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`),
  lock: icon(svg`<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>`),
  grip: icon(svg`<circle cx="9" cy="6" r="1"/><circle cx="15" cy="6" r="1"/><circle cx="9" cy="12" r="1"/><circle cx="15" cy="12" r="1"/><circle cx="9" cy="18" r="1"/><circle cx="15" cy="18" r="1"/>`),
  cloud: icon(svg`<path d="M7 18h10a4 4 0 0 0 .6-8A6 6 0 0 0 6 9.5 4.3 4.3 0 0 0 7 18z"/>`),
  dashboard: icon(svg`<rect x="3" y="3" width="8" height="9" rx="1.5"/><rect x="13" y="3" width="8" height="5" rx="1.5"/><rect x="13" y="10" width="8" height="11" rx="1.5"/><rect x="3" y="14" width="8" height="7" rx="1.5"/>`),
  table: icon(svg`<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M3 10h18M9 4v16"/>`),
  history: icon(svg`<path d="M3 12a9 9 0 1 0 3-6.7"/><path d="M3 4v5h5"/><path d="M12 7v5l3 2"/>`),
  undo: icon(svg`<path d="M9 14L4 9l5-5"/><path d="M4 9h10a6 6 0 0 1 0 12h-3"/>`),
  redo: icon(svg`<path d="M15 14l5-5-5-5"/><path d="M20 9H10a6 6 0 0 0 0 12h3"/>`),
  users: icon(svg`<circle cx="9" cy="8" r="3.2"/><path d="M3 20a6 6 0 0 1 12 0"/><path d="M16 4.5a3.2 3.2 0 0 1 0 6.2M21 20a6 6 0 0 0-3.5-5.5"/>`),
  star: icon(svg`<path d="M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z"/>`),
  sparkle: icon(svg`<path d="M12 3l1.8 5.2L19 10l-5.2 1.8L12 17l-1.8-5.2L5 10l5.2-1.8z"/>`),
};

const chartIcon: Record<ChartType, SVGTemplateResult> = {
  bar: icon(svg`<path d="M4 20h16"/><rect x="6" y="11" width="3" height="9"/><rect x="11" y="6" width="3" height="14"/><rect x="16" y="14" width="3" height="6"/>`),
  bar_horizontal: icon(svg`<path d="M4 4v16"/><rect x="4" y="6" width="9" height="3"/><rect x="4" y="11" width="14" height="3"/><rect x="4" y="16" width="6" height="3"/>`),
  bar_stacked: icon(svg`<path d="M4 20h16"/><rect x="6" y="12" width="4" height="8"/><path d="M6 8h4v4H6z" fill="currentColor" opacity=".35"/><rect x="14" y="9" width="4" height="11"/><path d="M14 5h4v4h-4z" fill="currentColor" opacity=".35"/>`),
  line: icon(svg`<path d="M4 20h16"/><path d="M4 15l5-5 4 3 7-7"/>`),
  area: icon(svg`<path d="M4 20h16"/><path d="M4 16l5-6 4 3 7-6v13H4z" fill="currentColor" opacity=".3"/><path d="M4 16l5-6 4 3 7-6"/>`),
  pie: icon(svg`<path d="M12 3v9h9A9 9 0 1 1 12 3z"/><path d="M15 3.5A9 9 0 0 1 20.5 9H15z"/>`),
  donut: icon(svg`<circle cx="12" cy="12" r="8"/><circle cx="12" cy="12" r="3.5"/><path d="M12 4v4.5"/>`),
  kpi: icon(svg`<path d="M4 17l4-4 3 3 5-6"/><path d="M13 10h3v3"/><path d="M4 21h16"/>`),
  table: icons.table,
  scatter: icon(svg`<path d="M4 4v16h16"/><circle cx="9" cy="14" r="1.3"/><circle cx="12" cy="9" r="1.3"/><circle cx="16" cy="12" r="1.3"/><circle cx="18" cy="6" r="1.3"/>`),
  map: icon(svg`<path d="M9 4L3 6v14l6-2 6 2 6-2V4l-6 2z"/><path d="M9 4v14M15 6v14"/>`),
};

export function iconForChart(type: ChartType): SVGTemplateResult {
  return chartIcon[type];
}
