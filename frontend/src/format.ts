// Formatting numbers and date periods the way a reader expects them.

import type { Cell, Grain, NumberFormat } from './types.js';

const full = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, {
  style: 'percent',
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compactKpi = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 2 });

/** `full`: 1,234.57; `compact`: 12K (axes); `kpi`: a big number that reads at a glance. */
export function formatNumber(value: number, style: 'full' | 'compact' | 'kpi' = 'full'): string {
  if (!Number.isFinite(value)) return '–';
  if (style === 'compact' && Math.abs(value) >= 10_000) return compact.format(value);
  if (style === 'kpi') {
    if (Math.abs(value) >= 1_000_000) return compactKpi.format(value);
    if (Math.abs(value) >= 1000) return whole.format(value);
  }
  return full.format(value);
}

const formatters = new Map<string, Intl.NumberFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let hit = formatters.get(key);
  if (!hit) {
    try {
      hit = new Intl.NumberFormat(undefined, options);
    } catch {
      // An unknown currency code: the plain number still reads.
      hit = new Intl.NumberFormat(undefined, { maximumFractionDigits: options.maximumFractionDigits ?? 2 });
    }
    formatters.set(key, hit);
  }
  return hit;
}

/** A measure's value in its number format (spec v2), for charts, tables, tooltips and exports.
 * `percent` values are percent points, as a share's 0–100: 42.5 reads "42.5%". Without a
 * format, `formatNumber`'s style applies; `compact` is the axis style (short whatever the
 * format: 12K, €12K, 40%). */
export function formatMeasure(
  value: number,
  format: NumberFormat | undefined,
  style: 'full' | 'compact' | 'kpi' = 'full',
): string {
  if (!Number.isFinite(value)) return '–';
  if (!format) return formatNumber(value, style);
  const short = style === 'compact' || format.type === 'compact' || (style === 'kpi' && Math.abs(value) >= 1_000_000);
  const digits = format.decimals;
  const fraction: Intl.NumberFormatOptions =
    digits != null && !(short && Math.abs(value) >= 1000)
      ? { minimumFractionDigits: digits, maximumFractionDigits: digits }
      : { minimumFractionDigits: 0, maximumFractionDigits: short ? 1 : style === 'kpi' && Math.abs(value) >= 1000 ? 0 : 2 };
  const notation: Intl.NumberFormatOptions = short && Math.abs(value) >= 1000 ? { notation: 'compact' } : {};
  switch (format.type) {
    case 'percent':
      return `${numberFormat({ ...fraction, ...notation }).format(value)}%`;
    case 'currency':
      return numberFormat({ style: 'currency', currency: format.currency ?? 'USD', ...fraction, ...notation }).format(value);
    default:
      return numberFormat({ ...fraction, ...notation }).format(value);
  }
}

export function formatPercent(ratio: number): string {
  return percent.format(ratio);
}

const ISO_DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?/;

/** A period label for a truncated date: "Mar 2024", "Q1 2024", "2024", "Mar 4, 2024". */
export function formatPeriod(value: Cell, grain: Grain | undefined): string {
  if (value === null || value === undefined) return '(empty)';
  const text = String(value);
  const match = ISO_DATE.exec(text);
  if (!match) return text;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d ?? '1')));
  switch (grain) {
    case 'year':
      return y!;
    case 'quarter':
      return `Q${Math.floor((Number(m) - 1) / 3) + 1} ${y}`;
    case 'month':
      return date.toLocaleDateString(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
    case 'week':
      return `Week of ${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })}`;
    default:
      return date.toLocaleDateString(undefined, {
        month: 'short',
        day: 'numeric',
        year: 'numeric',
        timeZone: 'UTC',
      });
  }
}

/** Any cell as text for a table or a tooltip (in the measure's number format, if any). */
export function formatCell(value: Cell, type: string | undefined, grain?: Grain, format?: NumberFormat): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return formatMeasure(value, format);
  if (format && (type === 'number' || type === 'integer') && Number.isFinite(Number(value))) return formatMeasure(Number(value), format);
  if (type === 'date' || type === 'datetime' || grain) return formatPeriod(value, grain);
  return value;
}

/** A display text for a category (dimension) value. */
export function formatCategory(value: Cell, grain?: Grain, type?: string): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (grain || type === 'date' || type === 'datetime') return formatPeriod(value, grain);
  if (type === 'boolean' && (value === 0 || value === 1)) return value ? 'Yes' : 'No';
  return String(value);
}

export function toNumber(value: Cell): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null || value === undefined || value === '') return NaN;
  return Number(value);
}

/** A relative time for "Saved 2 minutes ago". */
export function timeAgo(iso: string, now = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.round((now - then) / 1000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (Math.abs(seconds) < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return rtf.format(-minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return rtf.format(-hours, 'hour');
  const days = Math.round(hours / 24);
  if (Math.abs(days) < 30) return rtf.format(-days, 'day');
  return new Date(then).toLocaleDateString();
}
