// Undo and redo of editor changes, including after another tab's work was merged in.
import { describe, expect, test } from 'vitest';
import { UndoHistory, contentOf, type Content } from '../src/undo.js';
import type { Tile } from '../src/types.js';

const tile = (id: string, title: string, x = 0): Tile => ({
  id,
  title,
  query: { table: 'sales', measures: [{ agg: 'count' }] },
  chart: { type: 'bar' },
  layout: { x, y: 0, w: 6, h: 4 },
});
const start: Content = { title: 'Sales', tiles: [tile('a', 'Revenue')], filters: [] };
let n = 0;
const history = () => new UndoHistory(() => `new${++n}`);

describe('undo and redo', () => {
  test('take back and do again every kind of change, in order', () => {
    const h = history();
    const added = { ...start, tiles: [...start.tiles, tile('b', 'Headcount', 6)] };
    h.record(start, added, 'add “Headcount”', '', 0);
    const moved = { ...added, tiles: [added.tiles[0]!, tile('b', 'Headcount', 0)] };
    h.record(added, moved, 'move “Headcount”', '', 10_000);
    const filtered = { ...moved, filters: [{ id: 'f', column: 'region', op: 'eq' as const, value: 'North' }] };
    h.record(moved, filtered, 'change the filters', '', 20_000);
    expect(h.undoLabel).toBe('change the filters');
    let now = h.undo(filtered)!;
    expect(now).toEqual(moved);
    now = h.undo(now)!;
    expect(now).toEqual(added);
    now = h.undo(now)!;
    expect(now).toEqual(start);
    expect(h.canUndo).toBe(false);
    expect(h.undo(now)).toBeNull();
    now = h.redo(now)!;
    expect(now).toEqual(added);
    expect(h.redoLabel).toBe('move “Headcount”');
  });

  test('typing a title is one step, and a new change forgets what was undone', () => {
    const h = history();
    let now = start;
    for (const [i, title] of ['S', 'Sa', 'Sal'].entries()) {
      const next = { ...now, title };
      h.record(now, next, 'rename', 'title', 100 * i);
      now = next;
    }
    expect(h.undo(now)).toEqual(start);
    expect(h.canRedo).toBe(true);
    h.record(start, { ...start, title: 'Other' }, 'rename', 'title', 10_000);
    expect(h.canRedo).toBe(false);
  });

  test('a step made before another tab’s merged work takes back only itself', () => {
    const h = history();
    const removed = { ...start, tiles: [] };
    h.record(start, removed, 'remove “Revenue”');
    // Another tab renamed the dashboard and added a tile; the 409 merge kept both.
    const merged = { ...removed, title: 'Sales (renamed elsewhere)', tiles: [tile('z', 'Theirs', 6)] };
    const undone = h.undo(merged)!;
    expect(undone.title).toBe('Sales (renamed elsewhere)');
    expect(undone.tiles.map((t) => t.id).sort()).toEqual(['a', 'z']);
  });

  test('no-op changes are not steps, and the oldest steps go past the limit', () => {
    const h = new UndoHistory(() => 'x', 2);
    h.record(start, contentOf(start), 'nothing');
    expect(h.canUndo).toBe(false);
    let now = start;
    for (const title of ['1', '2', '3']) {
      const next = { ...now, title };
      h.record(now, next, 'rename');
      now = next;
    }
    now = h.undo(h.undo(now)!)!;
    expect(now.title).toBe('1');
    expect(h.canUndo).toBe(false);
  });
});
