// The public events fire under their original name and their kebab-case name, with one detail.
import { describe, expect, test } from 'vitest';
import { emit } from '../src/context.js';
import { PLOTBOARD_EVENTS, kebabAlias, type PlotboardEditorEventMap } from '../src/events.js';

describe('public events', () => {
  test('plotboard:<name> is fired again as plotboard-<name>, same detail, bubbling and composed', () => {
    const target = new EventTarget();
    const seen: [string, unknown, boolean, boolean][] = [];
    for (const name of ['plotboard:ready', 'plotboard-ready', 'plotboard:error', 'plotboard-error']) {
      target.addEventListener(name, (e) => {
        const event = e as CustomEvent;
        seen.push([name, event.detail, event.bubbles, event.composed]);
      });
    }
    const detail = { view: 'list' };
    emit(target, 'plotboard:ready', detail);
    expect(seen).toEqual([
      ['plotboard:ready', detail, true, true],
      ['plotboard-ready', detail, true, true],
    ]);
  });

  test("the editor's inner events keep one name", () => {
    const target = new EventTarget();
    const names: string[] = [];
    for (const name of ['navigate', 'plotboard-navigate']) target.addEventListener(name, () => names.push(name));
    emit(target, 'navigate', { view: 'list' });
    expect(names).toEqual(['navigate']);
    expect(kebabAlias('tile-remove')).toBeNull();
  });

  test('the kebab names framework wrappers bind are the aliases of the five public events', () => {
    const public_ = [
      'plotboard:ready',
      'plotboard:dashboard-saved',
      'plotboard:view-changed',
      'plotboard:error',
      'plotboard:token-expired',
    ];
    expect(public_.map(kebabAlias)).toEqual(Object.values(PLOTBOARD_EVENTS));
    // Both names are in the typed event map (a compile-time check as much as a runtime one).
    const names: (keyof PlotboardEditorEventMap)[] = [...Object.values(PLOTBOARD_EVENTS), 'plotboard:ready'];
    expect(names).toHaveLength(6);
  });
});
