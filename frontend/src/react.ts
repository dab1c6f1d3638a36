// `@plotboard/editor/react`: <PlotboardEditor> for React, made with @lit/react. Attributes are
// props (`authToken`, `serverUrl`, `theme`, `dashboardId`, `aiChat`) and the events are
// `onReady`, `onDashboardSaved`, `onViewChanged`, `onError`, `onTokenExpired`, each with its
// typed `detail`.

import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { PlotboardEditor as PlotboardEditorElement } from './elements/editor.js';
import {
  PLOTBOARD_EVENTS,
  type PlotboardDashboardSavedDetail,
  type PlotboardErrorDetail,
  type PlotboardReadyDetail,
  type PlotboardTokenExpiredDetail,
  type PlotboardViewChangedDetail,
} from './events.js';

export type {
  PlotboardDashboardSavedDetail,
  PlotboardErrorDetail,
  PlotboardReadyDetail,
  PlotboardTokenExpiredDetail,
  PlotboardViewChangedDetail,
} from './events.js';
export { PlotboardEditorElement };

export const PlotboardEditor = createComponent({
  tagName: 'plotboard-editor',
  elementClass: PlotboardEditorElement,
  react: React,
  events: {
    onReady: PLOTBOARD_EVENTS.ready as EventName<CustomEvent<PlotboardReadyDetail>>,
    onDashboardSaved: PLOTBOARD_EVENTS.dashboardSaved as EventName<CustomEvent<PlotboardDashboardSavedDetail>>,
    onViewChanged: PLOTBOARD_EVENTS.viewChanged as EventName<CustomEvent<PlotboardViewChangedDetail>>,
    onError: PLOTBOARD_EVENTS.error as EventName<CustomEvent<PlotboardErrorDetail>>,
    onTokenExpired: PLOTBOARD_EVENTS.tokenExpired as EventName<CustomEvent<PlotboardTokenExpiredDetail>>,
  },
  displayName: 'PlotboardEditor',
});

/** The props of <PlotboardEditor> (element properties, event handlers, and React's own). */
export type PlotboardEditorProps = React.ComponentProps<typeof PlotboardEditor>;
