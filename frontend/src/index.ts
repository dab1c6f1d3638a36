// The entry of /embed/plotboard.js. `import.meta.url` here is the script's own URL: the editor's
// default server-url, and the base every lazily loaded chunk resolves against.

import { setScriptBase } from './elements/editor.js';

setScriptBase(new URL('..', import.meta.url).href);

export { PlotboardEditor } from './elements/editor.js';
export { buildChart } from './chart-options.js';
export type * from './types.js';
