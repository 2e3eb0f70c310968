// Generated from src-tauri/src/ipc.rs by ts-rs. Do not edit: run
// `UPDATE_IPC=1 cargo test -p cardcat-app ipc_types` after changing the Rust types.

export type IpcError = { "kind": "login_needed", code: string, message: string, } | { "kind": "forbidden", code: string, message: string, } | { "kind": "input", code: string, message: string, } | { "kind": "offline", code: string, message: string, } | { "kind": "repeat_sale", code: string, message: string, prior: PriorSale, } | { "kind": "owed", code: string, message: string, prior: PriorSale, } | { "kind": "failed", code: string, message: string, };

export type PriorSale = { key: string, sku: string, productName: string, account: string, createdAtMs: bigint, state: string, stateLabel: string, handedOver: boolean, };

export type AppInfo = { lang: string, demo: boolean, activated: boolean, storeName: string | null, terminalId: string | null, products: number, catalogVersion: bigint | null, lastSyncMs: bigint | null, lastSyncError: string | null, };

export type LoginInfo = { token: string, userId: string, name: string, role: string, };

export type Template = { 
/**
 * none | mobile | qq | game_account | email | mobile_or_email
 */
kind: string, zones: Array<string>, };

export type ProductView = { sku: string, name: string, brand: string, category: string, 
/**
 * mobile_topup | data_pack | pin_card | direct_topup | voucher | bundle
 */
kind: string, kindLabel: string, faceValue: string, price: string, commission: string, available: boolean, barcode: string | null, template: Template, 
/**
 * How the query matched (brand, exact, prefix, inside, fuzzy); none when browsing.
 */
tier: string | null, };

export type AccountCheck = { account: string, zone: string | null, carrier: string | null, virtualOperator: boolean, };

export type Topups = { account: AccountCheck, products: Array<ProductView>, };

export type Pin = { cardNo: string, pin: string, expires: string | null, };

export type OrderView = { key: string, sku: string, productName: string, kind: string, account: string, qty: number, price: string, commission: string, payment: string, paymentLabel: string, cashierId: string, 
/**
 * draft | sending | pending | unknown | succeeded | failed | refunded | reversed | cancelled
 */
state: string, stateLabel: string, isFinal: boolean, createdAtMs: bigint, needsAttention: boolean, failure: string | null, platformOrderId: string | null, pins: Array<Pin>, pinsInFull: boolean, copy: boolean, handedOver: boolean, 
/**
 * What the cashier can say to the customer now, in plain words.
 */
advice: string, };

export type PrintView = { 
/**
 * printed | queued | uncertain | failed | no_printer
 */
outcome: string, printed: boolean, message: string, };

export type ReceiptPreview = { 
/**
 * `data:image/png;base64,…`
 */
png: string, text: string, bytes: number, };

export type SaleView = { order: OrderView, print: PrintView | null, preview: ReceiptPreview | null, };

export type VoucherView = { code: string, title: string, merchant: string, value: string, status: string, statusLabel: string, expiresAtMs: bigint, redeemable: boolean, };

export type RedemptionView = { requestId: string, code: string, title: string, value: string, state: string, stateLabel: string, cancelDeadlineMs: bigint | null, error: string | null, print: PrintView | null, };

export type ShiftView = { id: string, cashierId: string, openedAtMs: bigint, closedAtMs: bigint | null, expectedCash: string, overShort: string | null, 
/**
 * The report's lines as the CLI and the receipt word them.
 */
lines: Array<string>, print: PrintView | null, preview: ReceiptPreview | null, };

export type CommissionRow = { key: string, orders: number, sales: string, cost: string, commission: string, };

export type AppEvent = { "type": "order_state", key: string, from: string | null, to: string, to_label: string, is_final: boolean, } | { "type": "sync_progress", phase: string, done: number, total: number, } | { "type": "sync_done", version: bigint, full: boolean, changes: number, } | { "type": "printed", kind: string, order_key: string | null, print: PrintView, } | { "type": "printer_status", target: string, ready: boolean, text: string, };

