// The entry of the npm package `@plotboard/editor` (vite.lib.config.ts): importing it defines
// <plotboard-editor>. Unlike the server's script (index.ts), the package is bundled into the
// host app, so the editor cannot tell plotboard's URL from its own: set `server-url`.

export { PlotboardEditor } from './elements/editor.js';
export { buildChart } from './chart-options.js';
export {
  PLOTBOARD_EVENTS,
  type PlotboardDashboardSavedDetail,
  type PlotboardEditorEventMap,
  type PlotboardErrorDetail,
  type PlotboardEventDetails,
  type PlotboardEventName,
  type PlotboardReadyDetail,
  type PlotboardTokenExpiredDetail,
  type PlotboardViewChangedDetail,
} from './events.js';
export type * from './types.js';
