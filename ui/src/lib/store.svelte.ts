// The app's shared state (Svelte 5 runes).
import type { AppInfo, LoginInfo, OrderView } from './ipc';

export const app = $state({
  info: null as AppInfo | null,
  user: null as LoginInfo | null,
  online: true,
  syncing: null as { done: number; total: number } | null,
  pending: [] as OrderView[],
  /** order key → latest state word from the event stream */
  states: {} as Record<string, string>,
  toast: '' as string,
  /** the installer's wizard is showing (a new terminal) */
  setup: false,
  /** the counter, or the owner's back office */
  view: 'counter' as 'counter' | 'office',
});

export function toast(msg: string): void {
  app.toast = msg;
  const mine = msg;
  setTimeout(() => {
    if (app.toast === mine) app.toast = '';
  }, 6000);
}
