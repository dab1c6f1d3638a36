// Exporting a tile: its data as CSV, its picture as PNG. Everything happens in the browser.

import type { ChartModel } from './chart-options.js';
import { formatCell, formatNumber, formatPercent } from './format.js';
import type { Cell } from './types.js';

export function fileName(title: string, extension: string): string {
  const base = title.trim().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').toLowerCase();
  return `${base || 'chart'}.${extension}`;
}

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quote when needed; and keep spreadsheet programs from running formulas a value starts with.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(headers: string[], rows: Cell[][]): string {
  const lines = [headers.map(csvCell).join(','), ...rows.map((row) => row.map(csvCell).join(','))];
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export function download(name: string, data: Blob | string): void {
  const url = typeof data === 'string' ? data : URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (typeof data !== 'string') setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface Colors {
  text: string;
  muted: string;
  line: string;
  surface: string;
}

/** A PNG of a KPI or a table, drawn on a canvas (ECharts tiles export their own canvas). */
export function drawPng(title: string, model: ChartModel, colors: Colors, font: string): string {
  const scale = 2;
  const width = 720;
  const rowHeight = 28;
  const rows = model.kind === 'table' ? model.rows.slice(0, 40) : [];
  const height = model.kind === 'table' ? 70 + rowHeight * (rows.length + 1) + 10 : 260;
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = colors.surface;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = colors.text;
  ctx.font = `600 18px ${font}`;
  ctx.fillText(title, 24, 38);
  if (model.kind === 'kpi') {
    ctx.textAlign = 'center';
    ctx.font = `700 56px ${font}`;
    ctx.fillText(formatNumber(model.value), width / 2, 140);
    ctx.font = `14px ${font}`;
    ctx.fillStyle = colors.muted;
    ctx.fillText(model.period ? `${model.label} · ${model.period}` : model.label, width / 2, 175);
    if (model.change) {
      ctx.fillText(`${formatPercent(model.change.ratio)} vs ${model.change.previous}`, width / 2, 205);
    }
  } else if (model.kind === 'table') {
    const columns = model.columns;
    const colWidth = (width - 48) / Math.max(1, columns.length);
    let y = 70;
    ctx.font = `600 13px ${font}`;
    ctx.fillStyle = colors.muted;
    columns.forEach((c, i) => ctx.fillText(clip(ctx, c.label, colWidth - 10), 24 + i * colWidth, y));
    ctx.font = `13px ${font}`;
    for (const row of rows) {
      y += rowHeight;
      ctx.strokeStyle = colors.line;
      ctx.beginPath();
      ctx.moveTo(24, y - 19);
      ctx.lineTo(width - 24, y - 19);
      ctx.stroke();
      ctx.fillStyle = colors.text;
      columns.forEach((c, i) =>
        ctx.fillText(clip(ctx, formatCell(row[i] ?? null, c.type, c.grain), colWidth - 10), 24 + i * colWidth, y),
      );
    }
  }
  return canvas.toDataURL('image/png');
}

function clip(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let out = text;
  while (out.length > 1 && ctx.measureText(`${out}…`).width > width) out = out.slice(0, -1);
  return `${out}…`;
}
