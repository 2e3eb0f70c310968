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

export type BucketView = { key: string, label: string, orders: number, sales: string, cost: string, commission: string, };

export type AnalyticsView = { from: string, to: string, totals: BucketView, byDay: Array<BucketView>, byHour: Array<BucketView>, byProduct: Array<BucketView>, byCategory: Array<BucketView>, byCashier: Array<BucketView>, };

export type LastReconcileView = { atMs: bigint, day: string, matched: number, diffs: number, };

export type DashboardView = { day: string, today: BucketView, openOrders: number, owed: number, products: number, catalogVersion: bigint | null, lastSyncMs: bigint | null, lastSyncError: string | null, lastReconcile: LastReconcileView | null, printWaiting: number, eventsWaiting: number, 
/**
 * A newer version the updater found (installed from the update page).
 */
updateAvailable: string | null, };

export type SideView = { amount: string, commission: string, };

export type DiffView = { key: string, status: string, statusLabel: string, product: string | null, local: SideView | null, platform: SideView | null, };

export type ReconcileView = { day: string, matched: number, open: Array<string>, diffs: Array<DiffView>, localAmount: string, localCommission: string, platformAmount: string, platformCommission: string, };

export type UserView = { id: string, name: string, role: string, roleLabel: string, locked: boolean, active: boolean, };

export type AuditView = { atMs: bigint, actor: string, action: string, 
/**
 * The action's name for people (its code when this program does not know it).
 */
label: string, subject: string, before: string | null, after: string | null, };

export type CheckView = { id: string, ok: boolean, text: string, fix: string | null, };

export type SetupView = { lang: string, activated: boolean, storeName: string | null, platformUrl: string | null, hasUsers: boolean, printerTarget: string | null, printerProfile: string | null, 
/**
 * The printer sweep's range and port unless the installer changes them.
 */
sweepSubnet: string, sweepPort: number, keyring: CheckView, profiles: Array<ProfileView>, };

export type ProfileView = { id: string, name: string, widthMm: number, };

export type FoundPrinterView = { target: string, status: string | null, network: boolean, };

export type PrintersFound = { subnet: string, found: Array<FoundPrinterView>, };

export type ActivationView = { storeName: string, terminalId: string, keyring: string, };

export type TestPrintView = { status: string | null, ready: boolean, preview: ReceiptPreview | null, };

export type WidthPreviewView = { widthMm: number, preview: ReceiptPreview, };

export type ReceiptSettingsView = { footer: string, logo: boolean, hasImage: boolean, previews: Array<WidthPreviewView>, };

export type SavedFile = { path: string, bytes: number, };

export type BackupView = { name: string, day: string, bytes: number, storeId: string | null, schema: number | null, orders: number | null, };

export type RecoveryView = { lang: string, message: string, 
/**
 * The database is lost (this terminal was activated): a backup can bring it back.
 */
lost: boolean, backups: Array<BackupView>, };

export type ChannelOption = { 
/**
 * `stable` or `beta`.
 */
id: string, label: string, };

export type AvailableUpdate = { version: string, notes: string | null, date: string | null, 
/**
 * Downloaded and its signature verified already.
 */
downloaded: boolean, };

export type UpdateView = { currentVersion: string, channel: string, channels: Array<ChannelOption>, 
/**
 * Set after a check: `None` means up to date (or not checked yet, see `checked`).
 */
available: AvailableUpdate | null, checked: boolean, mayInstall: boolean, blocker: string | null, };

