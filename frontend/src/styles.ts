// Theming. The host page themes the editor with the documented custom properties
// (--plotboard-*); inside, every part reads the resolved --pb-* values. Custom properties
// cross shadow boundaries, so setting them on <plotboard-editor> is enough.

import { css } from 'lit';

/** Defaults for both themes; `theme="dark"` on the editor switches them. */
export const themeTokens = css`
  :host {
    --pb-font: var(--plotboard-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
    --pb-font-size: var(--plotboard-font-size, 14px);
    --pb-radius: var(--plotboard-radius, 10px);
    --pb-accent: var(--plotboard-accent, #3b5bdb);
    --pb-accent-contrast: var(--plotboard-accent-contrast, #ffffff);
    --pb-accent-soft: var(--plotboard-accent-soft, #edf2ff);
    --pb-bg: var(--plotboard-background, #f5f6fa);
    --pb-surface: var(--plotboard-surface, #ffffff);
    --pb-surface-2: var(--plotboard-surface-alt, #f1f3f7);
    --pb-text: var(--plotboard-text, #1d2330);
    --pb-muted: var(--plotboard-muted, #5c6578);
    --pb-border: var(--plotboard-border, #dfe3ea);
    --pb-danger: var(--plotboard-danger, #c92a2a);
    --pb-danger-soft: var(--plotboard-danger-soft, #fff0f0);
    --pb-success: var(--plotboard-success, #2b8a3e);
    --pb-warning-soft: var(--plotboard-warning-soft, #fff8e1);
    --pb-land: var(--plotboard-map-land, #dde3ec);
    --pb-chart-colors: var(--plotboard-chart-colors, #3b5bdb, #12b886, #f59f00, #e64980, #15aabf, #7950f2, #82c91e, #fd7e14, #868e96, #0ca678);
    --pb-shadow: 0 1px 2px rgba(16, 24, 40, 0.06), 0 1px 3px rgba(16, 24, 40, 0.08);
    --pb-shadow-lg: 0 12px 32px rgba(16, 24, 40, 0.18);
    --pb-focus: 0 0 0 3px color-mix(in srgb, var(--pb-accent) 35%, transparent);
    color-scheme: light;
  }
  :host([theme='dark']) {
    --pb-accent: var(--plotboard-accent, #748ffc);
    --pb-accent-contrast: var(--plotboard-accent-contrast, #0b1020);
    --pb-accent-soft: var(--plotboard-accent-soft, #232c4d);
    --pb-bg: var(--plotboard-background, #12151c);
    --pb-surface: var(--plotboard-surface, #1b1f29);
    --pb-surface-2: var(--plotboard-surface-alt, #242936);
    --pb-text: var(--plotboard-text, #e7eaf0);
    --pb-muted: var(--plotboard-muted, #a3acbd);
    --pb-border: var(--plotboard-border, #333a4a);
    --pb-danger: var(--plotboard-danger, #ff8787);
    --pb-danger-soft: var(--plotboard-danger-soft, #3a1f24);
    --pb-success: var(--plotboard-success, #69db7c);
    --pb-warning-soft: var(--plotboard-warning-soft, #3a3220);
    --pb-land: var(--plotboard-map-land, #2f3647);
    --pb-chart-colors: var(--plotboard-chart-colors, #748ffc, #38d9a9, #ffd43b, #f783ac, #3bc9db, #b197fc, #a9e34b, #ffa94d, #adb5bd, #20c997);
    --pb-shadow: 0 1px 2px rgba(0, 0, 0, 0.4);
    --pb-shadow-lg: 0 12px 32px rgba(0, 0, 0, 0.5);
    color-scheme: dark;
  }
`;

/** Controls every part shares: buttons, inputs, menus, skeletons. */
export const shared = css`
  :host {
    font-family: var(--pb-font);
    font-size: var(--pb-font-size);
    color: var(--pb-text);
    line-height: 1.45;
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 34px;
    padding: 6px 12px;
    border-radius: 8px;
    border: 1px solid var(--pb-border);
    background: var(--pb-surface);
    color: var(--pb-text);
    cursor: pointer;
    white-space: nowrap;
    transition: background 0.12s, border-color 0.12s, box-shadow 0.12s;
  }
  .btn:hover {
    background: var(--pb-surface-2);
  }
  .btn:focus-visible,
  .icon-btn:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  [tabindex]:focus-visible {
    outline: none;
    box-shadow: var(--pb-focus);
    border-color: var(--pb-accent);
  }
  .btn[disabled] {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .btn.primary {
    background: var(--pb-accent);
    border-color: var(--pb-accent);
    color: var(--pb-accent-contrast);
    font-weight: 600;
  }
  .btn.primary:hover {
    background: color-mix(in srgb, var(--pb-accent) 88%, black);
  }
  .btn.on {
    background: var(--pb-accent-soft);
    border-color: var(--pb-accent);
    color: var(--pb-accent);
  }
  .btn.ghost {
    background: transparent;
    border-color: transparent;
  }
  .btn.ghost:hover {
    background: var(--pb-surface-2);
  }
  .btn.danger {
    color: var(--pb-danger);
  }
  .icon-btn {
    display: inline-grid;
    place-items: center;
    width: 30px;
    height: 30px;
    border-radius: 7px;
    border: 1px solid transparent;
    background: transparent;
    color: var(--pb-muted);
    cursor: pointer;
    padding: 0;
  }
  .icon-btn:hover {
    background: var(--pb-surface-2);
    color: var(--pb-text);
  }
  .icon-btn svg,
  .btn svg {
    width: 16px;
    height: 16px;
    flex: none;
  }
  input[type='text'],
  input[type='number'],
  input[type='date'],
  input[type='search'],
  select {
    min-height: 34px;
    padding: 5px 9px;
    border: 1px solid var(--pb-border);
    border-radius: 8px;
    background: var(--pb-surface);
    color: var(--pb-text);
    min-width: 0;
  }
  label.field {
    display: grid;
    gap: 4px;
    font-size: 13px;
    color: var(--pb-muted);
  }
  .muted {
    color: var(--pb-muted);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .skeleton {
    background: linear-gradient(90deg, var(--pb-surface-2) 0%, var(--pb-border) 50%, var(--pb-surface-2) 100%);
    background-size: 200% 100%;
    animation: pb-shimmer 1.3s ease-in-out infinite;
    border-radius: 6px;
  }
  @keyframes pb-shimmer {
    from {
      background-position: 100% 0;
    }
    to {
      background-position: -100% 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }
  }
  .menu {
    position: absolute;
    z-index: 30;
    min-width: 190px;
    padding: 4px;
    border-radius: 9px;
    border: 1px solid var(--pb-border);
    background: var(--pb-surface);
    box-shadow: var(--pb-shadow-lg);
    display: grid;
  }
  .menu button {
    text-align: left;
    background: none;
    border: 0;
    padding: 7px 10px;
    border-radius: 6px;
    cursor: pointer;
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .menu button:hover,
  .menu button:focus-visible {
    background: var(--pb-surface-2);
    outline: none;
  }
  .menu hr {
    border: 0;
    border-top: 1px solid var(--pb-border);
    margin: 4px 0;
    width: 100%;
  }
  .menu svg {
    width: 15px;
    height: 15px;
    color: var(--pb-muted);
  }
`;

/** The resolved chart colours of an element, for ECharts (which draws on a canvas). */
export function chartTheme(el: Element): {
  text: string;
  muted: string;
  line: string;
  surface: string;
  land: string;
  palette: string[];
} {
  const style = getComputedStyle(el);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const palette = read('--pb-chart-colors', '#3b5bdb,#12b886,#f59f00,#e64980')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  return {
    text: read('--pb-text', '#1d2330'),
    muted: read('--pb-muted', '#5c6578'),
    line: read('--pb-border', '#dfe3ea'),
    surface: read('--pb-surface', '#ffffff'),
    land: read('--pb-land', '#dde3ec'),
    palette,
  };
}
