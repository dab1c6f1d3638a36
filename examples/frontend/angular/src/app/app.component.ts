// Angular: the element needs CUSTOM_ELEMENTS_SCHEMA; properties bind with [serverUrl], events
// under their kebab-case names, (plotboard-ready).
import { CUSTOM_ELEMENTS_SCHEMA, Component, signal } from '@angular/core';
import type { PlotboardDashboardSavedDetail, PlotboardErrorDetail, PlotboardReadyDetail } from '@plotboard/editor';
import { readConfig } from './config';

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <p id="status">{{ status() }}</p>
    <plotboard-editor
      [serverUrl]="config.serverUrl"
      [authToken]="config.authToken"
      theme="light"
      (plotboard-ready)="onReady($event)"
      (plotboard-dashboard-saved)="onSaved($event)"
      (plotboard-error)="onError($event)"
    ></plotboard-editor>
  `,
})
export class AppComponent {
  readonly config = readConfig();
  readonly status = signal('loading');

  onReady(e: Event): void {
    this.status.set(`ready: ${(e as CustomEvent<PlotboardReadyDetail>).detail.view}`);
  }
  onSaved(e: Event): void {
    const { title, version } = (e as CustomEvent<PlotboardDashboardSavedDetail>).detail;
    this.status.set(`saved: ${title} v${version}`);
  }
  onError(e: Event): void {
    this.status.set(`error: ${(e as CustomEvent<PlotboardErrorDetail>).detail.message}`);
  }
}
