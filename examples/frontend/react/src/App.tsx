// React: the wrapper from `@plotboard/editor/react` (made with @lit/react) takes the element's
// properties as props and its events as onReady, onDashboardSaved, onError, onTokenExpired.
import { useState } from 'react';
import { PlotboardEditor } from '@plotboard/editor/react';
import { readConfig } from './config';

const { serverUrl, authToken } = readConfig();

export function App() {
  const [status, setStatus] = useState('loading');
  return (
    <main>
      <p id="status">{status}</p>
      <PlotboardEditor
        serverUrl={serverUrl}
        authToken={authToken}
        theme="light"
        onReady={(e) => setStatus(`ready: ${e.detail.view}`)}
        onDashboardSaved={(e) => setStatus(`saved: ${e.detail.title} v${e.detail.version}`)}
        onError={(e) => setStatus(`error: ${e.detail.message}`)}
      />
    </main>
  );
}
