// The look of <pb-chat>: a side drawer beside the dashboard on wide editors, a bottom sheet
// (a modal dialog, so it sits above the host page) on narrow ones.

import { css } from 'lit';

export const chatStyles = css`
  :host {
    display: block;
    min-width: 0;
  }
  :host(:not([open])) {
    display: none;
  }
  :host([mode='sheet']) {
    height: 0;
  }
  aside {
    height: 100%;
  }
  .panel {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
    background: var(--pb-surface);
    border: 1px solid var(--pb-border);
    border-radius: var(--pb-radius);
    box-shadow: var(--pb-shadow);
    overflow: hidden;
  }
  dialog {
    width: 100%;
    max-width: 100%;
    height: min(92dvh, 100%);
    max-height: 92dvh;
    margin: auto 0 0;
    padding: 0;
    border: 0;
    border-radius: 16px 16px 0 0;
    background: var(--pb-surface);
    color: var(--pb-text);
    box-shadow: var(--pb-shadow-lg);
    overflow: hidden;
  }
  dialog[open] {
    display: flex;
    flex-direction: column;
  }
  dialog .panel {
    border: 0;
    border-radius: 0;
    box-shadow: none;
  }
  dialog::backdrop {
    background: rgba(15, 20, 30, 0.45);
  }
  header {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 8px 8px 8px 14px;
    border-bottom: 1px solid var(--pb-border);
  }
  header h2 {
    margin: 0;
    font-size: 15px;
    flex: 1;
    display: flex;
    align-items: center;
    gap: 7px;
  }
  header h2 svg {
    width: 17px;
    height: 17px;
    color: var(--pb-accent);
  }
  .small {
    min-height: 28px;
    padding: 3px 9px;
    font-size: 13px;
  }
  .log {
    flex: 1;
    min-height: 0;
    overflow: auto;
    padding: 14px 12px;
    display: flex;
    flex-direction: column;
    gap: 14px;
    overscroll-behavior: contain;
  }
  .intro {
    display: grid;
    justify-items: center;
    text-align: center;
    gap: 8px;
    margin: auto 0;
    padding: 12px 4px;
  }
  .intro p {
    margin: 0;
    max-width: 34ch;
  }
  .badge {
    width: 44px;
    height: 44px;
    border-radius: 14px;
    display: grid;
    place-items: center;
    background: var(--pb-accent-soft);
    color: var(--pb-accent);
  }
  .badge svg {
    width: 24px;
    height: 24px;
  }
  .ideas {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    justify-content: center;
    margin-top: 6px;
  }
  .intro .ideas {
    flex-direction: column;
    align-items: stretch;
  }
  .idea {
    border: 1px solid var(--pb-border);
    background: var(--pb-surface);
    color: var(--pb-text);
    border-radius: 999px;
    padding: 5px 12px;
    cursor: pointer;
    font-size: 13px;
    text-align: left;
  }
  .intro .idea {
    border-radius: 10px;
    padding: 8px 12px;
  }
  .idea:hover,
  .idea:focus-visible {
    border-color: var(--pb-accent);
    color: var(--pb-accent);
    outline: none;
  }
  .user {
    align-self: flex-end;
    max-width: 85%;
    background: var(--pb-accent);
    color: var(--pb-accent-contrast);
    padding: 7px 12px;
    border-radius: 14px 14px 4px 14px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .assistant {
    display: grid;
    /* One column no wider than the panel: an auto track grows to its widest item's
       min-content (a long filter chip), and then the preview and the chips overflow it. */
    grid-template-columns: minmax(0, 1fr);
    gap: 8px;
    min-width: 0;
  }
  .bubble {
    justify-self: start;
    max-width: 100%;
    background: var(--pb-surface-2);
    padding: 7px 12px;
    border-radius: 14px 14px 14px 4px;
    overflow-wrap: anywhere;
  }
  .bubble p {
    margin: 0;
  }
  .error .bubble {
    background: var(--pb-danger-soft);
    display: flex;
    gap: 8px;
    align-items: flex-start;
  }
  .error .bubble svg {
    width: 16px;
    height: 16px;
    color: var(--pb-danger);
    flex: none;
    margin-top: 2px;
  }
  .note {
    font-size: 12.5px;
    color: var(--pb-muted);
    margin: 0;
  }
  .note.understood strong {
    color: var(--pb-text);
    font-weight: 600;
  }
  ul.note.assumptions {
    padding-left: 18px;
  }
  .alternatives {
    align-items: center;
  }
  .note.fallback {
    background: var(--pb-warning-soft);
    color: var(--pb-text);
    border-radius: 8px;
    padding: 5px 9px;
    justify-self: start;
  }
  .card {
    display: grid;
    gap: 8px;
    padding: 8px;
    border: 1px solid var(--pb-border);
    border-radius: 12px;
    background: var(--pb-surface);
    grid-template-columns: minmax(0, 1fr);
    min-width: 0;
  }
  .preview {
    height: 230px;
  }
  .preview.map {
    height: 260px;
  }
  /* A table (a listing above all) shows a few rows under its header, chips and pager. */
  .preview.table {
    height: 360px;
  }
  /* A long title wraps inside the answer (it ran past the chat, which then scrolled sideways). */
  .folded {
    justify-self: start;
    max-width: 100%;
    white-space: normal;
    text-align: start;
    justify-content: flex-start;
  }
  .folded svg {
    flex: none;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: center;
  }
  .chips .from {
    font-size: 12.5px;
    color: var(--pb-muted);
  }
  .chip {
    display: inline-flex;
    align-items: center;
    border: 1px solid var(--pb-border);
    border-radius: 999px;
    background: var(--pb-surface);
    font-size: 12.5px;
    max-width: 100%;
  }
  .chip button {
    border: 0;
    background: none;
    cursor: pointer;
    color: inherit;
    padding: 3px 10px;
    border-radius: 999px;
    display: inline-flex;
    align-items: center;
    gap: 5px;
    min-width: 0;
  }
  .chip .what {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .chip button:focus-visible {
    outline: none;
    box-shadow: var(--pb-focus);
  }
  .chip svg {
    width: 13px;
    height: 13px;
    flex: none;
  }
  .chip .x {
    padding: 3px 7px 3px 2px;
    color: var(--pb-muted);
  }
  .chip .x:hover {
    color: var(--pb-danger);
  }
  .chip.measure {
    background: var(--pb-accent-soft);
    border-color: color-mix(in srgb, var(--pb-accent) 35%, var(--pb-border));
  }
  .chip.filter {
    background: var(--pb-surface-2);
  }
  .chip.on {
    border-color: var(--pb-accent);
    box-shadow: var(--pb-focus);
  }
  .chip.add {
    border-style: dashed;
    color: var(--pb-muted);
  }
  .editor {
    display: grid;
    gap: 8px;
    padding: 10px;
    border: 1px solid var(--pb-border);
    border-radius: 10px;
    background: var(--pb-surface-2);
  }
  .editor .head {
    display: flex;
    align-items: center;
    gap: 8px;
    font-size: 13px;
    font-weight: 600;
  }
  .editor .head span {
    flex: 1;
  }
  .editor .row {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
  }
  .editor select,
  .editor input {
    flex: 1 1 130px;
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(96px, 1fr));
    gap: 6px;
  }
  .chart-opt {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 6px 8px;
    border: 1px solid var(--pb-border);
    border-radius: 8px;
    background: var(--pb-surface);
    color: var(--pb-text);
    cursor: pointer;
    font-size: 12.5px;
    text-align: left;
  }
  .chart-opt svg {
    width: 16px;
    height: 16px;
    flex: none;
  }
  .chart-opt[aria-checked='true'] {
    border-color: var(--pb-accent);
    background: var(--pb-accent-soft);
    color: var(--pb-accent);
  }
  .chart-opt[disabled] {
    opacity: 0.4;
    cursor: not-allowed;
  }
  .actions {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
  }
  .gallery {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    gap: 8px;
  }
  .gallery .item {
    display: grid;
    gap: 4px;
    min-width: 0;
  }
  .gallery pb-tile {
    height: 160px;
    min-width: 0;
  }
  .gallery .btn {
    justify-self: start;
  }
  .thinking {
    align-self: flex-start;
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--pb-muted);
    font-size: 13px;
    background: var(--pb-surface-2);
    padding: 8px 12px;
    border-radius: 14px 14px 14px 4px;
  }
  .dots {
    display: inline-flex;
    gap: 4px;
  }
  .dots i {
    width: 6px;
    height: 6px;
    border-radius: 50%;
    background: var(--pb-accent);
    animation: pb-dot 1s ease-in-out infinite;
  }
  .dots i:nth-child(2) {
    animation-delay: 0.15s;
  }
  .dots i:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes pb-dot {
    0%,
    100% {
      opacity: 0.3;
      transform: translateY(0);
    }
    50% {
      opacity: 1;
      transform: translateY(-3px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .dots i {
      animation: none;
    }
  }
  form {
    display: flex;
    gap: 8px;
    align-items: flex-end;
    padding: 10px;
    border-top: 1px solid var(--pb-border);
    background: var(--pb-surface);
  }
  textarea {
    flex: 1;
    resize: none;
    min-height: 40px;
    max-height: 120px;
    padding: 9px 11px;
    border: 1px solid var(--pb-border);
    border-radius: 10px;
    background: var(--pb-surface);
    line-height: 1.35;
  }
  .send {
    width: 40px;
    height: 40px;
    padding: 0;
    border-radius: 10px;
  }
`;
