// Plain HTML: import the package once (it defines <plotboard-editor>), then use the element.
import '@plotboard/editor';
import { readConfig } from './config';

const { serverUrl, authToken } = readConfig();
const editor = document.querySelector('plotboard-editor')!; // typed: PlotboardEditor
const status = document.getElementById('status')!;

editor.addEventListener('plotboard-ready', (e) => {
  status.textContent = `ready: ${e.detail.view}`; // e.detail is PlotboardReadyDetail
});
editor.addEventListener('plotboard-error', (e) => {
  status.textContent = `error: ${e.detail.message}`;
});
editor.addEventListener('plotboard-dashboard-saved', (e) => {
  status.textContent = `saved: ${e.detail.title} v${e.detail.version}`;
});
editor.serverUrl = serverUrl;
editor.authToken = authToken; // in your app: from your backend, which mints it for the user
