// The look of <pb-builder>, apart from its logic.

import { css } from 'lit';

export const builderStyles = css`
  dialog {
    width: min(1080px, calc(100vw - 24px));
    max-height: calc(100vh - 24px);
    height: min(760px, calc(100vh - 24px));
    padding: 0;
    border: 1px solid var(--pb-border);
    border-radius: 14px;
    background: var(--pb-bg);
    color: var(--pb-text);
    box-shadow: var(--pb-shadow-lg);
    overflow: hidden;
  }
  dialog[open] {
    display: flex;
    flex-direction: column;
  }
  dialog::backdrop {
    background: rgba(15, 20, 30, 0.45);
  }
  .top,
  .bottom {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 16px;
    background: var(--pb-surface);
  }
  .top {
    border-bottom: 1px solid var(--pb-border);
  }
  .top h2 {
    margin: 0;
    font-size: 17px;
    flex: 1;
  }
  .bottom {
    border-top: 1px solid var(--pb-border);
    justify-content: flex-end;
  }
  .bottom .hint {
    flex: 1;
    font-size: 13px;
    color: var(--pb-muted);
  }
  .main {
    flex: 1;
    min-height: 0;
    display: grid;
    /* minmax(0, 1fr), not 1fr: a 1fr column is at least as wide as its content's minimum, so
       a long title (the input's text, the preview tile's heading) widened the right-hand
       panel past the dialog's edge and cut the chart types and the preview. */
    grid-template-columns: minmax(300px, 420px) minmax(0, 1fr);
  }
  form {
    overflow: auto;
    padding: 14px 16px 20px;
    display: grid;
    /* One column no wider than the form (here and in each section): a row of selects with
       long options shrinks them, rather than widening the column past the edge. */
    grid-template-columns: minmax(0, 1fr);
    gap: 18px;
    align-content: start;
    border-right: 1px solid var(--pb-border);
    background: var(--pb-surface);
  }
  section {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 8px;
  }
  h3 {
    margin: 0;
    font-size: 13px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--pb-muted);
    display: flex;
    gap: 8px;
    align-items: center;
  }
  h3 .n {
    display: inline-grid;
    place-items: center;
    width: 20px;
    height: 20px;
    border-radius: 50%;
    background: var(--pb-accent-soft);
    color: var(--pb-accent);
    font-size: 11px;
  }
  .tables {
    display: grid;
    gap: 6px;
  }
  .source-group {
    display: grid;
    gap: 6px;
  }
  .source-group + .source-group {
    margin-top: 6px;
  }
  .source-name {
    margin: 0;
    font-size: 12px;
    font-weight: 600;
    color: var(--pb-muted);
  }
  .table-card {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 2px 10px;
    padding: 9px 11px;
    border: 1px solid var(--pb-border);
    border-radius: 9px;
    cursor: pointer;
    align-items: start;
  }
  .table-card:hover {
    border-color: var(--pb-accent);
  }
  .table-card.on {
    border-color: var(--pb-accent);
    background: var(--pb-accent-soft);
  }
  .table-card input {
    margin-top: 3px;
  }
  .table-card .name {
    font-weight: 600;
  }
  .table-card .desc {
    grid-column: 2;
    font-size: 12.5px;
    color: var(--pb-muted);
  }
  .row {
    display: flex;
    gap: 6px;
    align-items: center;
  }
  .row select {
    flex: 1;
    min-width: 0;
  }
  .add {
    justify-self: start;
    background: none;
    border: 0;
    color: var(--pb-accent);
    cursor: pointer;
    padding: 2px 0;
    display: inline-flex;
    gap: 4px;
    align-items: center;
    font-weight: 600;
  }
  .add svg {
    width: 14px;
    height: 14px;
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(78px, 1fr));
    gap: 6px;
  }
  .chart-opt {
    display: grid;
    justify-items: center;
    gap: 4px;
    padding: 8px 4px 6px;
    border: 1px solid var(--pb-border);
    border-radius: 9px;
    background: var(--pb-surface);
    cursor: pointer;
    font-size: 12px;
    position: relative;
    color: var(--pb-text);
  }
  .chart-opt svg {
    width: 22px;
    height: 22px;
  }
  .chart-opt[aria-checked='true'] {
    border-color: var(--pb-accent);
    background: var(--pb-accent-soft);
    color: var(--pb-accent);
    font-weight: 600;
  }
  .chart-opt:disabled {
    opacity: 0.38;
    cursor: not-allowed;
  }
  .chart-opt .rec {
    position: absolute;
    top: -7px;
    right: 4px;
    font-size: 10px;
    background: var(--pb-accent);
    color: var(--pb-accent-contrast);
    border-radius: 999px;
    padding: 0 5px;
  }
  .preview {
    display: flex;
    flex-direction: column;
    gap: 10px;
    padding: 16px;
    min-height: 0;
    min-width: 0;
  }
  .preview pb-tile {
    flex: 1;
    min-height: 260px;
  }
  .preview .title-input {
    font-size: 16px;
    font-weight: 600;
    width: 100%;
  }
  .sql {
    font-size: 12px;
    color: var(--pb-muted);
  }
  .two {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 8px;
  }
  /* Spec v2 controls: the mode switch, columns to list, a measure's extras, formulas. */
  .mode {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 6px;
  }
  .mode-opt {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0 8px;
    padding: 8px 10px;
    border: 1px solid var(--pb-border);
    border-radius: 9px;
    cursor: pointer;
    font-size: 13px;
  }
  .mode-opt.on {
    border-color: var(--pb-accent);
    background: var(--pb-accent-soft);
  }
  .mode-opt span {
    grid-column: 2;
    color: var(--pb-muted);
    font-size: 12px;
  }
  .checks {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .check {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    padding: 4px 10px 4px 6px;
    border: 1px solid var(--pb-border);
    border-radius: 999px;
    font-size: 12.5px;
    cursor: pointer;
  }
  .check.on {
    border-color: var(--pb-accent);
    background: var(--pb-accent-soft);
  }
  .extras {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 10px;
    padding-left: 2px;
  }
  .mini {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 12px;
    color: var(--pb-muted);
  }
  .mini select,
  .mini input {
    font-size: 12.5px;
    padding: 3px 6px;
    max-width: 150px;
  }
  .mini input[type='number'] {
    width: 90px;
  }
  /* "% within each department": the group's name is the point, give it room. */
  .mini select.show-as {
    max-width: 240px;
  }
  .calc {
    display: grid;
    gap: 6px;
    padding: 8px 10px;
    border: 1px dashed var(--pb-border);
    border-radius: 9px;
  }
  .calc textarea {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 12.5px;
    width: 100%;
    box-sizing: border-box;
    resize: vertical;
  }
  .calc textarea[aria-invalid='true'] {
    border-color: var(--pb-danger);
  }
  .grow {
    flex: 1;
  }
  .suggest {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .chip {
    border: 1px solid var(--pb-border);
    background: var(--pb-surface);
    border-radius: 6px;
    padding: 2px 7px;
    font-size: 12px;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    cursor: pointer;
    color: var(--pb-text);
  }
  .chip.fn {
    color: var(--pb-accent);
  }
  .expr-error {
    margin: 0;
    color: var(--pb-danger);
    font-size: 12.5px;
  }
  .date-row {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: center;
  }
  .date-row select {
    flex: 1 1 auto;
    min-width: 0;
  }
  .date-row input[type='number'] {
    width: 64px;
  }
  .mini.inline {
    flex-basis: 100%;
  }
  .small {
    font-size: 12px;
    margin: 0;
  }
  @media (max-width: 760px) {
    .bottom .hint {
      display: none;
    }
    .bottom {
      justify-content: stretch;
    }
    .bottom .btn {
      flex: 1;
    }
    .main {
      grid-template-columns: minmax(0, 1fr);
      overflow: auto;
    }
    form {
      overflow: visible;
      border-right: 0;
    }
    .preview pb-tile {
      min-height: 280px;
    }
  }
  .filter-group {
    display: flex;
    align-items: center;
    gap: 6px;
    margin: 4px 0;
    padding: 6px 8px;
    border: 1px dashed var(--pb-border, #d0d5dd);
    border-radius: 6px;
    font-size: 13px;
  }
  .filter-group .text {
    flex: 1;
  }
`;
