// Typed calls to the back end. The token names the session kept in the back end; the
// webview holds no credential. Every failure is an `IpcError` the screens switch on.
import { invoke, Channel } from '@tauri-apps/api/core';
import type {
  AppEvent, AppInfo, IpcError, LoginInfo, OrderView, ProductView, RedemptionView, SaleView,
  ShiftView, Topups, VoucherView, AccountCheck, CommissionRow, DashboardView, AnalyticsView,
  SavedFile, ReconcileView, UserView, AuditView, ReceiptSettingsView, SetupView, CheckView,
  ActivationView, PrintersFound, TestPrintView, BackupView, UpdateView, RecoveryView,
} from './ipc';

let token = '';

/** The session token, or null before anyone logged in (set-up of a new terminal). */
function maybeToken(): string | null {
  return token || null;
}

export function setToken(t: string): void {
  token = t;
}

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** Anything thrown, as an IpcError (a transport failure becomes `failed`). */
export function asError(e: unknown): IpcError {
  if (isIpcError(e)) return e;
  return { kind: 'failed', code: 'ui.transport', message: String(e) };
}

async function call<R>(cmd: string, args: Record<string, unknown> = {}): Promise<R> {
  try {
    return await invoke<R>(cmd, { token, ...args });
  } catch (e) {
    throw asError(e);
  }
}

export const api = {
  info: () => call<AppInfo>('app_info'),
  subscribe(onEvent: (e: AppEvent) => void): Promise<void> {
    const ch = new Channel<AppEvent>();
    ch.onmessage = onEvent;
    return call<void>('subscribe', { onEvent: ch });
  },
  login: (user: string, pin: string) => call<LoginInfo>('login', { user, pin }),
  logout: () => call<void>('logout'),
  search: (q: string, limit = 20) => call<ProductView[]>('search', { q, limit }),
  browse: (kinds: string[], limit = 60) => call<ProductView[]>('browse', { kinds, limit }),
  favourites: () => call<ProductView[]>('favourites'),
  topups: (number: string, kinds: string[]) => call<Topups>('topups', { number, kinds }),
  checkAccount: (sku: string, account: string, zone?: string | null) =>
    call<AccountCheck>('check_account', { sku, account, zone: zone ?? null }),
  sell: (sku: string, account: string, zone: string | null, payment: string, confirmRepeat?: string | null) =>
    call<SaleView>('sell', { sku, account, zone, payment, confirmRepeat: confirmRepeat ?? null }),
  acknowledge: (key: string) => call<boolean>('acknowledge', { key }),
  order: (key: string) => call<OrderView>('order', { key }),
  pending: () => call<OrderView[]>('pending'),
  owed: () => call<OrderView[]>('owed'),
  deliver: (key: string) => call<SaleView>('deliver', { key }),
  setAside: (key: string, reason: string) => call<void>('set_aside', { key, reason }),
  reprint: (key: string) => call<SaleView>('reprint', { key }),
  redeemPrepare: (code: string) => call<VoucherView>('redeem_prepare', { code }),
  redeem: (code: string) => call<RedemptionView>('redeem', { code }),
  redeemCancel: (requestId: string) => call<RedemptionView>('redeem_cancel', { requestId }),
  shiftOpen: (float: string) => call<ShiftView>('shift_open', { float }),
  shiftX: () => call<ShiftView>('shift_x'),
  shiftClose: (counted: string) => call<ShiftView>('shift_close', { counted }),
  sync: () => call<AppInfo>('sync_catalog'),
  commission: (by: string, from?: string, to?: string) =>
    call<CommissionRow[]>('commission_report', { by, from: from ?? null, to: to ?? null }),

  // the owner's back office
  dashboard: () => call<DashboardView>('owner_dashboard'),
  analytics: (from: string, to: string) => call<AnalyticsView>('owner_analytics', { from, to }),
  exportCsv: (from: string, to: string) => call<SavedFile>('owner_export_csv', { from, to }),
  reconcile: (day: string) => call<ReconcileView>('owner_reconcile', { day }),
  shifts: (from: string, to: string) => call<ShiftView[]>('owner_shifts', { from, to }),
  users: () => call<UserView[]>('owner_users'),
  addUser: (id: string, name: string, role: string, pin: string) =>
    call<UserView>('owner_user_add', { id, name, role, pin }),
  changeUser: (id: string, action: string, pin?: string) =>
    call<UserView[]>('owner_user_change', { id, action, pin: pin ?? null }),
  orders: () => call<OrderView[]>('owner_orders'),
  reveal: (key: string) => call<OrderView>('owner_reveal', { key }),
  audit: (f: { actor?: string; action?: string; text?: string; from?: string; to?: string }) =>
    call<AuditView[]>('owner_audit', {
      actor: f.actor ?? null, action: f.action ?? null, text: f.text ?? null, from: f.from || null, to: f.to || null,
    }),
  receipt: (footer?: string, logo?: boolean) =>
    call<ReceiptSettingsView>('receipt_settings', { footer: footer ?? null, logo: logo ?? null }),
  saveReceipt: (footer: string, logo: boolean) => call<ReceiptSettingsView>('receipt_save', { footer, logo }),
  async uploadLogo(bytes: Uint8Array): Promise<ReceiptSettingsView> {
    try {
      return await invoke<ReceiptSettingsView>('receipt_logo', bytes, { headers: { 'x-token': token } });
    } catch (e) {
      throw asError(e);
    }
  },

  // the installer's set-up (no login on a new terminal) and diagnostics
  setupNeeded: () => call<boolean>('setup_needed'),
  setupState: () => call<SetupView>('setup_state', { token: maybeToken() }),
  setupLanguage: (lang: string) => call<string>('setup_language', { token: maybeToken(), lang }),
  checkPlatform: (url: string) => call<CheckView[]>('setup_check_platform', { token: maybeToken(), url }),
  activate: (url: string, code: string) => call<ActivationView>('setup_activate', { token: maybeToken(), url, code }),
  findPrinters: (subnet: string, port: number) =>
    call<PrintersFound>('setup_find_printers', { token: maybeToken(), subnet, port }),
  setPrinter: (target: string, profile: string) => call<void>('setup_printer', { token: maybeToken(), target, profile }),
  testPrint: (target: string, profile: string, drawer = false) =>
    call<TestPrintView>('setup_test_print', { token: maybeToken(), target, profile, drawer }),
  createOwner: (id: string, name: string, pin: string) => call<LoginInfo>('setup_owner', { id, name, pin }),
  doctor: () => call<CheckView[]>('diag_doctor', { token: maybeToken() }),
  bundle: () => call<SavedFile>('diag_bundle', { token: maybeToken() }),
  report: () => call<string>('diag_report', { token: maybeToken() }),
  backups: () => call<BackupView[]>('owner_backups'),
  backupNow: () => call<BackupView[]>('owner_backup_now'),
  restore: (name: string) => call<BackupView[]>('owner_restore', { name }),
  updateStatus: () => call<UpdateView>('update_status'),
  updateChannel: (channel: string) => call<UpdateView>('update_set_channel', { channel }),
  updateCheck: () => call<UpdateView>('update_check'),
  updateInstall: () => call<UpdateView>('update_install'),

  // the counter did not open at start: why, and (a lost database) this terminal's backups
  recoveryInfo: () => call<RecoveryView | null>('recovery_info'),
  recoveryRestore: (name: string) => call<void>('recovery_restore', { name }),
};
