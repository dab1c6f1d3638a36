// The entry of /embed/plotboard.js. `import.meta.url` here is the script's own URL: the editor's
// default server-url, and the base every lazily loaded chunk resolves against.

import { setScriptBase } from './elements/editor.js';

// Not `new URL('..', import.meta.url)` with the literal: Vite's build reads that as an asset to
// bundle and resolves '..' (frontend/) as a package, so once `npm run build:lib` (or `npm pack`)
// has made frontend/dist, it inlined dist/index.js as a data: URL and every request failed
// ("Failed to construct 'URL': Invalid URL"). Through a variable it stays this script's folder.
const scriptUrl: string = import.meta.url;
setScriptBase(new URL('..', scriptUrl).href);

export { PlotboardEditor } from './elements/editor.js';
export { buildChart } from './chart-options.js';
export type * from './types.js';
