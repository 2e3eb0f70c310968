// Typed calls to the back end. The token names the session kept in the back end; the
// webview holds no credential. Every failure is an `IpcError` the screens switch on.
import { invoke, Channel } from '@tauri-apps/api/core';
import type {
  AppEvent, AppInfo, IpcError, LoginInfo, OrderView, ProductView, RedemptionView, SaleView,
  ShiftView, Topups, VoucherView, AccountCheck, CommissionRow,
} from './ipc';

let token = '';

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
};
