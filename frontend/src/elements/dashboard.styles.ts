// The look of <pb-dashboard>, apart from its logic.

import { css } from 'lit';

export const dashboardStyles = css`
  :host {
    display: block;
    container-type: inline-size;
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
    margin-bottom: 10px;
  }
  .title {
    /* 120px, not 220px: in the demo at 1400px wide (about 1,100px for the editor) the full
       toolbar (title, save state, undo, redo, Refresh, Ask AI, History, Add text, Add chart)
       then fits on one line; the title takes what is left and a long one is cut with an
       ellipsis, rather than pushing "Add chart" onto a line of its own. */
    flex: 1 1 120px;
    min-width: 0;
    font-size: 20px;
    font-weight: 700;
    border: 1px solid transparent;
    background: transparent;
    border-radius: 8px;
    padding: 4px 8px;
    margin-left: -4px;
    color: var(--pb-text);
    text-overflow: ellipsis;
  }
  .title:hover {
    border-color: var(--pb-border);
  }
  .title:focus {
    border-color: var(--pb-accent);
    background: var(--pb-surface);
    outline: none;
    box-shadow: var(--pb-focus);
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    font-size: 12.5px;
    color: var(--pb-muted);
    /* Steady while "Saving…" turns to "Saved" (the time of the save is in its tooltip). */
    min-width: 76px;
  }
  /* Not the save state's width (kept steady while it changes): beside the buttons, as they are. */
  .status.view-only {
    min-width: 0;
    padding: 0 4px;
  }
  .status svg {
    width: 14px;
    height: 14px;
  }
  .status.error {
    color: var(--pb-danger);
  }
  .status.saved svg {
    color: var(--pb-success);
  }
  .spin {
    width: 12px;
    height: 12px;
    border: 2px solid var(--pb-border);
    border-top-color: var(--pb-accent);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  .filters {
    margin: 0 0 8px;
  }
  .notice {
    display: flex;
    gap: 10px;
    align-items: flex-start;
    padding: 10px 12px;
    border-radius: 10px;
    background: var(--pb-warning-soft);
    border: 1px solid var(--pb-border);
    margin-bottom: 10px;
    font-size: 13.5px;
  }
  .undo {
    display: inline-flex;
    gap: 4px;
  }
  .body.with-history {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 300px;
    gap: 12px;
    align-items: start;
  }
  @container (max-width: 720px) {
    .body.with-history {
      grid-template-columns: minmax(0, 1fr);
    }
    .body.with-history pb-history {
      order: -1;
    }
  }
  .notice.preview {
    background: var(--pb-accent-soft);
    align-items: center;
    flex-wrap: wrap;
  }
  .notice.preview svg {
    width: 18px;
    height: 18px;
    flex: none;
  }
  .notice p {
    margin: 0;
    flex: 1;
  }
  .empty {
    display: grid;
    justify-items: center;
    text-align: center;
    gap: 12px;
    padding: 48px 20px;
    border: 2px dashed var(--pb-border);
    border-radius: 14px;
    background: var(--pb-surface);
  }
  .empty h2 {
    margin: 0;
    font-size: 20px;
  }
  .empty p {
    margin: 0;
    color: var(--pb-muted);
    max-width: 52ch;
  }
  .empty .icon {
    width: 56px;
    height: 56px;
    border-radius: 16px;
    display: grid;
    place-items: center;
    background: var(--pb-accent-soft);
    color: var(--pb-accent);
  }
  .empty .icon svg {
    width: 28px;
    height: 28px;
  }
  .steps {
    display: flex;
    gap: 18px;
    flex-wrap: wrap;
    justify-content: center;
    color: var(--pb-muted);
    font-size: 13px;
  }
  .steps b {
    color: var(--pb-text);
  }
  .starters {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
    justify-content: center;
    max-width: 760px;
  }
  .starter {
    display: inline-flex;
    gap: 8px;
    align-items: center;
    border: 1px solid var(--pb-border);
    background: var(--pb-surface);
    border-radius: 999px;
    padding: 6px 12px;
    cursor: pointer;
    color: var(--pb-text);
  }
  .starter:hover {
    border-color: var(--pb-accent);
    color: var(--pb-accent);
  }
  .starter svg {
    width: 16px;
    height: 16px;
  }
  .skeleton.head {
    height: 30px;
    width: 40%;
    margin-bottom: 16px;
  }
  .skel-grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
    gap: 12px;
  }
  .skel-grid .skeleton {
    height: 220px;
    border-radius: var(--pb-radius);
  }
  .failed {
    padding: 32px;
    text-align: center;
    display: grid;
    gap: 12px;
    justify-items: center;
  }
  /* Below 1,150px (the editor beside the demo's sidebar in a 1280px window is about 1,000px)
     the quiet buttons (Dashboards, Refresh, History) keep their icons and tooltips only, so the
     title is read in full and "Add chart" stays on its line; Ask AI, Add text and Add chart
     keep their words. */
  @container (max-width: 1150px) {
    .bar .btn.compact .label {
      display: none;
    }
  }
  @media (max-width: 520px) {
    .title {
      font-size: 17px;
    }
    .bar .btn .label {
      display: none;
    }
  }
`;
