// Exporting a tile: its data as CSV, its picture as PNG. Everything happens in the browser.

import { emptyLabel, type ChartModel, type ValueList } from './chart-options.js';
import { formatCell, formatMeasure, formatPercent } from './format.js';
import type { Cell, ResultColumn } from './types.js';

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

/** A number as a CSV file should hold it: without the binary noise that sums of decimals
 * carry (5652046.800000001 → 5652046.8). Rounded like the tile shows it (2 decimals), keeping at
 * least 6 significant digits so that small values and ratios stay useful. */
export function csvNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (Math.abs(value) < 1) return String(Number(value.toPrecision(6)));
  const digits = Math.floor(Math.log10(Math.abs(value))) + 1;
  return String(Number(value.toFixed(Math.max(2, 6 - digits))));
}

/** The result as CSV. With the result's `columns`, empty values that stand for rows the user
 * may not see are written in words, as the tile shows them. A measure's number format stays a
 * number a spreadsheet can add up: its decimals round the value and its unit goes into the
 * header ("Revenue (EUR)", "Share (%)"). */
export function toCsv(headers: string[], rows: Cell[][], columns: ResultColumn[] = []): string {
  const empties = columns.map((c) => emptyLabel(c));
  const cell = (value: Cell, i: number): string => {
    const empty = empties[i];
    if (value === null && empty) return csvCell(empty);
    const decimals = columns[i]?.format?.decimals;
    if (typeof value === 'number' && decimals != null) return String(Number(value.toFixed(decimals)));
    return typeof value === 'number' ? csvNumber(value) : csvCell(value);
  };
  const unit = (i: number): string => {
    const format = columns[i]?.format;
    if (format?.type === 'currency' && format.currency) return ` (${format.currency})`;
    return format?.type === 'percent' ? ' (%)' : '';
  };
  const lines = [headers.map((h, i) => csvCell(h + unit(i))).join(','), ...rows.map((row) => row.map(cell).join(','))];
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
    ctx.fillText(model.text ?? formatMeasure(model.value, model.format, 'kpi'), width / 2, 140);
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
      columns.forEach((c, i) => {
        const cell = row[i] ?? null;
        const text = cell === null && c.empty ? c.empty : formatCell(cell, c.type, c.grain, c.format);
        ctx.fillText(clip(ctx, text, colWidth - 10), 24 + i * colWidth, y);
      });
    }
  }
  return canvas.toDataURL('image/png');
}

const TITLE_BAND = 52;
const VALUE_ROW = 22;
const MAX_LISTED = 30;

/** A chart's picture (a PNG data URL drawn at `scale`) with the tile title above it and, when
 * given (a map), its values listed below: an exported image says what it shows. */
export async function titledPng(
  image: string,
  title: string,
  colors: Colors,
  font: string,
  values?: ValueList,
  scale = 2,
): Promise<string> {
  const picture = new Image();
  await new Promise<void>((resolve, reject) => {
    picture.onload = () => resolve();
    picture.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
    picture.src = image;
  });
  const width = picture.width / scale;
  const chartHeight = picture.height / scale;
  const items = values?.items ?? [];
  const listed = items.slice(0, MAX_LISTED);
  const canvas = document.createElement('canvas');
  const measuring = canvas.getContext('2d')!;
  measuring.font = `13px ${font}`;
  // As many columns as the longest "name  value" allows, at most three.
  const widest = Math.max(0, ...listed.map(([n, v]) => measuring.measureText(n).width + measuring.measureText(v).width));
  const perRow = Math.max(1, Math.min(3, Math.floor((width - 48) / (widest + 44))));
  const lines = 1 + Math.ceil(listed.length / perRow) + (items.length > listed.length ? 1 : 0);
  const listHeight = listed.length ? 14 + lines * VALUE_ROW + 10 : 0;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round((TITLE_BAND + chartHeight + listHeight) * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = colors.surface;
  ctx.fillRect(0, 0, width, TITLE_BAND + chartHeight + listHeight);
  ctx.fillStyle = colors.text;
  ctx.font = `600 18px ${font}`;
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(clip(ctx, title, width - 48), 24, 34);
  ctx.drawImage(picture, 0, TITLE_BAND, width, chartHeight);
  if (listed.length) {
    const top = TITLE_BAND + chartHeight + 14;
    const colWidth = (width - 48) / perRow;
    ctx.strokeStyle = colors.line;
    ctx.beginPath();
    ctx.moveTo(24, top - 6);
    ctx.lineTo(width - 24, top - 6);
    ctx.stroke();
    ctx.font = `600 13px ${font}`;
    ctx.fillStyle = colors.muted;
    ctx.fillText(clip(ctx, values?.measure ?? '', width - 48), 24, top + 14);
    ctx.font = `13px ${font}`;
    listed.forEach(([name, value], i) => {
      const x = 24 + (i % perRow) * colWidth;
      const y = top + (1 + Math.floor(i / perRow)) * VALUE_ROW + 14;
      ctx.textAlign = 'right';
      ctx.fillStyle = colors.text;
      ctx.fillText(value, x + colWidth - 16, y);
      const valueWidth = ctx.measureText(value).width;
      ctx.textAlign = 'left';
      ctx.fillStyle = colors.muted;
      ctx.fillText(clip(ctx, name, colWidth - valueWidth - 28), x, y);
    });
    if (items.length > listed.length) {
      ctx.fillStyle = colors.muted;
      ctx.fillText(`and ${items.length - listed.length} more`, 24, top + (lines - 1) * VALUE_ROW + 14);
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
