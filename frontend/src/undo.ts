// Undo and redo of the dashboard editor (issue 13 item 1): every change (tiles added, edited,
// moved, resized, removed; filters; title) is a step from one content to another. Undo and redo
// are themselves ordinary changes, saved by the autosave as new versions, so they work across
// saves and go through the same 409 handling as any save.
//
// When the dashboard changed under a step since it was made (a 409 merged another tab's work),
// the step is applied as a three-way merge: only this step's own change is taken back, and the
// other tab's work stays.

import { mergeDashboards } from './merge.js';
import type { Dashboard, DashboardFilter, Tile } from './types.js';

export interface Content {
  title: string;
  tiles: Tile[];
  filters: DashboardFilter[];
}

interface Step {
  before: Content;
  after: Content;
  /** Steps of one kind made in quick succession (typing a title) are one step. */
  kind: string;
  at: number;
  /** What the step did, for the buttons' labels: "remove “Revenue”". */
  label: string;
}

export const UNDO_LIMIT = 100;
const COALESCE_MS = 1500;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function contentOf(d: Content): Content {
  return copy({ title: d.title, tiles: d.tiles, filters: d.filters });
}

export class UndoHistory {
  private done: Step[] = [];
  private undone: Step[] = [];

  constructor(
    private readonly newId: () => string,
    private readonly limit = UNDO_LIMIT,
  ) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** What Undo / Redo would take back or do again. */
  get undoLabel(): string {
    return this.done.at(-1)?.label ?? '';
  }

  get redoLabel(): string {
    return this.undone.at(-1)?.label ?? '';
  }

  /** A change was made: remember it (and forget what was undone). */
  record(before: Content, after: Content, label: string, kind = '', now = Date.now()): void {
    if (same(before, after)) return;
    const last = this.done.at(-1);
    if (kind && last && last.kind === kind && now - last.at < COALESCE_MS && same(last.after, before)) {
      last.after = contentOf(after);
      last.at = now;
    } else {
      this.done.push({ before: contentOf(before), after: contentOf(after), kind, at: now, label });
      if (this.done.length > this.limit) this.done.shift();
    }
    this.undone = [];
  }

  /** The content after undoing the last step, given the content now; null when nothing to undo. */
  undo(now: Content): Content | null {
    const step = this.done.pop();
    if (!step) return null;
    this.undone.push(step);
    return this.apply(step.after, step.before, now);
  }

  redo(now: Content): Content | null {
    const step = this.undone.pop();
    if (!step) return null;
    this.done.push({ ...step, kind: '' });
    return this.apply(step.before, step.after, now);
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }

  /** Go from `from` to `to`; when `now` is no longer `from`, only that difference is applied. */
  private apply(from: Content, to: Content, now: Content): Content {
    if (same(now, from)) return contentOf(to);
    const shape = (c: Content): Dashboard => ({ ...c, id: '', version: 0, created_at: '', updated_at: '' });
    const { merged } = mergeDashboards(shape(from), shape(to), shape(now), this.newId);
    return contentOf(merged);
  }
}
