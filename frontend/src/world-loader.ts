// The world outline (world.ts, its own ~70 KB chunk) is loaded once, by whoever needs it
// first: a map tile when it draws, or the dashboard as soon as it knows it holds a map tile,
// so the chunk is fetched and evaluated while the catalog and the tiles' data are on the way.

export type World = typeof import('./world.js');

let worldLoading: Promise<World> | null = null;

export function loadWorld(): Promise<World> {
  worldLoading ??= import('./world.js').catch((err: unknown) => {
    worldLoading = null; // a later map tile tries again
    throw err;
  });
  return worldLoading;
}

/** Start loading the outline now if one of these tiles is a map (errors wait for the tile). */
export function preloadWorldFor(tiles: ReadonlyArray<{ chart?: { type?: string } | null }>): boolean {
  if (!tiles.some((t) => t.chart?.type === 'map')) return false;
  loadWorld().catch(() => undefined);
  return true;
}
