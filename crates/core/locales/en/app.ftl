# CardCat POS — counter / CLI texts (owned by the app).
# Message ids are the dotted keys with '.' replaced by '-' (e.g. "shift.opened" -> shift-opened).
# Every id here must also exist in the other language's app.ftl.

## errors of the counter service
auth-login_needed = Log in first with your user ID and PIN
catalog-empty = There is no product catalog on this terminal yet; sync the catalog (needs the network)
printer-not_set = No receipt printer is set on this terminal; ask the owner or installer to set one
file-error = { $reason ->
    [not_found] File { $path } was not found: check the file name and its folder
    [denied] No permission to read or write { $path }: ask the installer to check the file's permissions
    [directory] { $path } is a folder, not a file: choose the file inside it
    [not_text] { $path } is not a text file (UTF-8 is needed): write it again from the example file
    [too_large] File { $path } is far too large for this kind of file: check that it is the right file
    [full] The disk is full, { $path } cannot be written: free some space and try again
   *[other] Cannot read or write { $path } ({ $error }): check the disk and the file's permissions
}
internal-task = A background task failed: { $error }. Try again; if it keeps failing, call support
input-payment = Unknown payment method "{ $value }"; choose cash, WeChat, Alipay or card
input-amount = "{ $value }" is not an amount; type it like 50 or 50.00
input-cash_amount = Cash amount "{ $value }" is not possible: it cannot be negative or above 100000
input-order_key = "{ $value }" is not an order number; check the number on the receipt
input-role = Unknown role "{ $value }"; choose cashier, owner or installer
input-group_by = Unknown grouping "{ $value }"; group by day, product or cashier
input-date = "{ $value }" is not a date; type a real date like 2026-11-29
input-date_range = The start date { $from } is after the end date { $to }; swap them
input-limit = "{ $value }" results is not possible; show 1 to 200
input-profile = Unknown printer model "{ $value }"; pick one from the model list
input-width = Paper width "{ $value }" is not possible; it is 58 or 80 mm
input-subnet = "{ $value }" is not a network range; write it like 192.168.1.0/24 (at most /22)
input-host = "{ $value }" is not a valid IP address
input-voucher_code = Type or scan a voucher code
input-override_pair = An owner's override needs both the owner's user ID and PIN
input-quantity = Quantity "{ $value }" is not possible; it is 1 to 99

## printing
print-no_printer = No printer is set; no receipt was printed
print-printed = Receipt printed
print-queued = Receipt not printed ({ $reason }); it is queued and prints when the printer is back. The sale is not affected.
print-uncertain = The connection broke while printing ({ $reason }); the receipt may have printed. It is not re-sent by itself: check the printer before printing it again.
print-failed = The receipt cannot be printed ({ $reason }); the sale is not affected and it can be reprinted later
print-printer_unreachable = the printer cannot be reached
print-earlier_jobs_waiting = earlier receipts are still waiting to print
print-job_state-queued = queued
print-job_state-sending = sending
print-job_state-printed = printed
print-job_state-uncertain = to confirm
printer-no_live_status = This connection does not report live status
printer-no_status_answer = no answer to the status request
printer-usb_device_file = USB device file
receipt-default_footer = Thank you!
receipt-default_store_name = Convenience Store
receipt-installer = Installer

## sample receipts
sample-store_name = CardCat Convenience
sample-cashier = Wang
sample-topup_product = China Mobile top-up 50
sample-pin_product = NetEase card 50
sample-direct_product = Tencent Video VIP month
sample-voucher_title = HEYTEA drink voucher

## doctor
doctor-database_ok = database intact ({ $path }, schema { $schema })
doctor-database_fix = Ask the owner to restore the database from the latest backup; do not sell until then
doctor-writable_ok = database takes writes
doctor-writable_fail = the database cannot be written ({ $path }: { $error })
doctor-writable_fix = Check the disk space and the data file's permissions; sales cannot be taken until then
doctor-keyring_ok = OS keyring available ({ $backend })
doctor-keyring_fix = Log in to the desktop session and unlock the OS keyring, then check again
doctor-catalog = offline catalog: { $n } products, last sync { $last }
doctor-catalog_fix = Connect to the network and sync the catalog
doctor-printer = receipt printer { $target } ({ $profile }): { $status }
doctor-printer_fix = Check the printer's power, paper roll and cable, then print a test page
doctor-platform_ok = platform reachable: { $url } ({ $ms } ms, catalog version { $version })
doctor-platform_fix = Check the network; the catalog and search work offline, but top-ups need the network
doctor-clock = this clock is { $skew } s off the platform's (allowed ±{ $allowed } s)
doctor-clock_fix = Set this terminal's system time (turn on automatic time); otherwise the platform refuses orders
doctor-signed_ok = signed request accepted by the platform
doctor-signed_fix = The platform does not accept this terminal's key; ask the owner or installer to pair it again
doctor-pair_fix = Ask the owner or installer to activate this terminal with a pairing code
time-never = never
time-seconds_ago = { $secs } s ago

## orders
order-copy_mark = {" "}[REPRINT]
order-in_progress_advice = In progress: keep this order number. It is checked automatically with the same number; do not sell it again.
redemption-state-verifying = redeeming
redemption-state-unknown = outcome pending
redemption-state-redeemed = redeemed
redemption-state-cancelled = cancelled
redemption-state-failed = failed
voucher-status-unused = unused
voucher-status-redeemed = redeemed
voucher-status-cancelled = voided
voucher-status-expired = expired
search-tier-barcode = barcode
search-tier-exact = exact
search-tier-prefix = prefix
search-tier-substring = substring
search-tier-fuzzy = close match (one typo)

## shifts and reports
shift-opened_title = Shift opened
shift-x_title = X report (mid-shift)
shift-z_title = Z report (close)
shift-summary = float { $float }  sales { $sales_n } { $sales }  pending { $pending_n } { $pending }  refunds { $refunds_n } { $refunds }  commission { $commission }  redemptions { $redemptions_n } { $redemptions }
shift-expected_cash = expected cash { $amount }
shift-counted = counted { $counted }  over/short { $over_short }
report-col_group = group
report-col_orders = n
report-col_sales = sales
report-col_cost = cost
report-col_commission = commission
reconcile-summary = { $date } reconciliation: { $matched } matched, { $diffs } differences; local cost { $local_cost } commission { $local_commission }; platform cost { $platform_cost } commission { $platform_commission }
reconcile-still_open = still open, not compared yet: { $n }
reconcile-amount_mismatch = amount mismatch { $key }: local { $local_cost }/{ $local_commission }, platform { $platform_cost }/{ $platform_commission }
reconcile-missing_on_platform = missing on the platform { $key }: local { $local_cost }/{ $local_commission }
reconcile-missing_locally = missing locally { $key }: platform { $platform_cost }/{ $platform_commission }

## command line
cli-error_prefix = error:
cli-arg_invalid = the value of { $arg } is not valid
cli-arg_unknown = unknown option { $arg }
cli-arg_unknown_command = unknown command { $arg }
cli-arg_missing = a required option is missing: { $arg }
cli-arg_other = the options are not right
cli-arg_help = add -h to see how to use it
cli-login_needed = Log in first with your user ID and PIN
cli-activated = Terminal activated: { $terminal } (store { $store_id } { $store }); secret stored in the OS keyring ({ $keyring })
cli-sync_full = full sync
cli-sync_delta = delta sync
cli-sync_done_full = Sync done: full, { $n } products, { $changes } delta changes, catalog version { $version }, { $ms } ms
cli-sync_done = Sync done: { $n } products, { $changes } delta changes, catalog version { $version }, { $ms } ms
cli-search_none = No products match: { $query }
cli-search_hit = { $sku } { $name }  price { $price }  face { $face }  commission { $commission }  [{ $kind }|{ $tier }]
cli-unavailable = unavailable
cli-catalog_info = { $n } products, catalog version { $version }, last successful sync { $last }
cli-catalog_last_error = , last error: { $error }
cli-order_head = Order { $key }{ $copy }
cli-order_line1 = {"  "}{ $product } ×{ $qty }  account { $account }
cli-order_line2 = {"  "}{ $price } ({ $payment })  commission { $commission }  cashier { $cashier }
cli-order_state = {"  "}state { $state }
cli-needs_attention = {" "}(needs attention)
cli-order_reason = {"  "}reason { $reason }
cli-order_pin = {"  "}card { $card }  PIN { $pin }
cli-no_open_orders = No open orders
cli-resume_report = checked { $checked }, changed { $changed }, re-sent under the same key { $resent }, still open { $open }, needing attention { $attention }
cli-platform_unreachable_note = {" "}(platform unreachable)
cli-redeem_cancelled = Redemption { $id } cancelled ({ $code } { $title })
cli-redeem_query = { $id } { $code } { $title } { $value } { $state }
cli-voucher_info = Voucher { $code }: { $title } ({ $merchant }) value { $value }, status { $status }
cli-redeemed = Redeemed: { $title } { $value }, request { $id } (can be cancelled for 10 minutes)
cli-redeem_pending = Redemption outcome pending, request { $id }; it is checked with the same number
cli-user_added = Added { $role } { $id } ({ $name })
cli-user_locked = locked
cli-emulator_failed = The virtual printer cannot start: { $error }
cli-emulator_started = Virtual printer at { $target } ({ $mm } mm), receipts saved to { $dir }; Ctrl-C to stop
cli-emulator_started_paper_out = Virtual printer at { $target } ({ $mm } mm, simulating paper out), receipts saved to { $dir }; Ctrl-C to stop
cli-find_scanned = Scanned { $subnet } port { $port }
cli-find_none = No network printer found; check the printer is on and on the same network as this terminal
cli-printer_set = Printer set: { $target } ({ $name })
cli-test_page_printed = Test page printed (printer status: { $status })
cli-queue_report = printed { $printed }, waiting { $waiting }, to confirm { $uncertain }

## developer demo
demo-sandbox = Sandbox platform listening at
demo-pairing_code = Pairing code:
demo-sync = Catalog sync
demo-search = Search
demo-churn = The platform changed 100 prices and availabilities; delta sync to catalog version
demo-doctor = Doctor
demo-printer = Counter: virtual receipt printer at
demo-owner_name = Boss
demo-cashier_name = Wang
demo-sale_topup = mobile top-up
demo-sale_pin = PIN card (PIN shown and printed once)
demo-sale_direct = video membership direct top-up
demo-sale_invalid = invalid account: failed slip
demo-sale_lost_answer = platform committed but the answer was lost: in progress, resolved by the same number
demo-redemption = redemption
demo-receipts = Receipts (bytes the printer received, and previews):
demo-serving = The sandbox keeps serving; Ctrl-C to stop

## owed deliveries
cli-owed_head = Not handed over: { $n } results have not reached the customer
cli-owed_line = { $time } { $product } account { $account } { $state } (order { $key })
cli-nothing_owed = Nothing is owed to a customer
cli-set_aside = Set aside: { $key }

## store health and pairing
store-damaged_read_only = This terminal's database is damaged ({ $detail }); it can only look things up, not sell. Ask the owner to restore the latest backup
store-read_only = This terminal's database cannot be written ({ $detail }); it can only look things up, not sell. Check the disk space and the data file's permissions
store-missing = This terminal was activated, but its database { $path } is missing or empty; a new one is not created by itself, so no books are lost. Ask the owner to restore a backup, or the installer to choose "new store data" to start over
terminal-repair_blocked = { $open } orders are still open and { $owed } results have not reached the customer; the terminal cannot be paired again until they are settled
terminal-other_store = This pairing code belongs to another store ({ $new }); this terminal belongs to store { $old }. The pairing did not take effect. To move the terminal, the owner chooses "move to another store" (the old store's books are archived first), then uses a new code

## the desktop app
app-error_internal = Something went wrong on this terminal and this step did not finish; try again, and call support if it keeps failing
app-demo_not_built = This build has no demo mode; use the developer demo build, or pair the terminal first
app-advice_pending = Sent to the carrier and being topped up. It usually arrives within minutes and the carrier sends a text. Please do not top up this number again elsewhere meanwhile.
app-advice_unknown = We have no answer from the carrier yet. That is not a failure: the system keeps checking. Please do not top up again elsewhere; no money is lost, and a top-up that does not arrive is refunded. Keep the receipt with the order number, and come back with it if nothing has arrived by this time tomorrow.
app-advice_succeeded = Topped up. The carrier sends a text when it arrives.
app-advice_pin = The card PIN is out. Each PIN works once; the customer should keep the receipt safe.
app-advice_failed = This one did not go through and the money is returned: hand cash back now; other payments are refunded the same way.
owner-uncategorised = Other
owner-diff_mismatch = Amounts differ
owner-diff_missing_on_platform = Not on the platform
owner-diff_missing_locally = Not on this terminal
backup-not_a_backup = This file is not a CardCat backup (or it is damaged): nothing was changed. Choose a backup from the backup folder
backup-too_new = This backup was made by a newer CardCat (database version { $found }; this program knows up to { $known }): nothing was changed. Update CardCat first, then restore it
backup-other_store = This backup belongs to store { $backup }, this terminal to store { $this }: it cannot be restored. Choose one of this store's backups.
backup-store_present = This terminal's database is still here, so it is not restored this way: the owner logs in and restores from Back office → Backups
backup-restoring = A backup is being restored: wait a few seconds, then go on
backup-other_terminal = This backup comes from another terminal of this store, { $backup } (this one is { $this }): its PIN codes and open orders belong to that terminal, so it cannot be restored here. Choose one of this terminal's backups.
backup-restore_blocked = { $open } orders are still open and { $owed } results not handed over: finish them before restoring a backup.
cli-backup_saved = Backed up to { $path }
cli-backup_none = No backups yet
cli-backup_line = { $day }  store { $store }  schema { $schema }  { $orders } orders  { $kb } KB  { $path }
cli-backup_restored = Restored from the backup: store { $store }, { $orders } orders. The database as it was is saved in the backup folder.
cli-backup_restored_lost = The lost database was brought back from this terminal's backup: store { $store }, { $orders } orders. Check orders made after the backup against the platform's order records
input-backup_name = The backup "{ $value }" is not in this terminal's backup list. Choose one from the list.
update-blocked_orders = { $open } orders or redemptions do not have their final result yet. The update installs once they do: try again in a moment.
update-blocked_shift = The shift is being closed. The update installs after the Z report: try again in a moment.
update-already_installing = An update is already installing. The counter restarts by itself when it is done.
update-installing = An update is installing. The counter restarts by itself in a moment; then sell again.
update-demo = The demo does not look for updates.
update-check_failed = The update server cannot be reached. Check the network, then try again.
update-bad_signature = The update's signature does not match: it was discarded and nothing was installed. Call CardCat support.
update-install_failed = The update did not install; the counter carries on as before. Try again later or call CardCat support.
update-none_pending = Check for an update first.
input-update_channel = "{ $value }" is not an update channel. Choose stable or beta.
input-provision_missing = Provisioning file, line { $line }: "{ $key }" is missing. Add it as in the example file and run again; nothing on this terminal was changed.
input-provision_unknown = Provisioning file, line { $line }: "{ $key }" is not a known setting. Check its spelling against the example file; nothing on this terminal was changed.
input-provision_type = Provisioning file, line { $line }: the value has the wrong type (text in quotes, numbers and true/false without). Nothing on this terminal was changed.
input-provision_syntax = Provisioning file, line { $line }: this is not written correctly. Compare it with the example file; nothing on this terminal was changed.
input-provision_value = Provisioning file, line { $line }: the value of "{ $key }" cannot be used. Compare it with the example file; nothing on this terminal was changed.
cli-provision_pin = Type the owner's PIN (4 to 8 digits), then Enter:
provision-paired_elsewhere = This terminal is paired with { $have }, but the provisioning file names { $file }. Nothing was changed. To move the terminal to the other platform, the owner pairs it again in the set-up wizard.
cli-provisioned = Set up: store { $store }; paired now: { $paired }; printer { $printer }, test page: { $printed }; owner created: { $owner }
cli-update_status = Update channel: { $channel }; server: { $endpoint }. Now: { $now }
cli-update_may_install = an update may install.
cli-update_channel_set = The updater now follows the { $channel } channel.
cli-yes = yes
cli-no = no
cli-kiosk_state = "{ $value }" is not understood: kiosk mode is either on or off
cli-kiosk_on = Kiosk mode on: the counter starts full screen at login and again after a crash ({ $path })
cli-kiosk_off = Kiosk mode off: the counter no longer starts at login
