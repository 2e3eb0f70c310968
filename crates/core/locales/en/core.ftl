# CardCat POS — messages of the library crates (core, store, client, printer, engine), English.
# Message ids are the dotted keys/codes with '.' replaced by '-' (e.g. "order.duplicate" -> order-duplicate).
# Every id here must also exist in zh-CN/core.ftl.

## Common

common-unknown = unknown
# List separator (printer status etc.)
list-separator = {", "}

## Accounts (account.*)

account-qq = A QQ number is 5–11 digits and does not start with 0
account-missing = Enter the account to top up
account-zone_missing = Choose the game server/zone
account-unknown_zone = No such server/zone: { $zone }
account-email = Not a valid email address
account-too_long = Account too long ({ $max } characters at most)
account-template-none = No account needed
account-template-mobile = Mobile number
account-template-qq = QQ number
account-template-game_account = Game account + server
account-template-email = Email
account-template-mobile_or_email = Mobile number or email

## Mobile numbers (phone.*) and carriers

phone-empty = Enter a mobile number
phone-not_digits = A mobile number has digits only
phone-wrong_length = A mobile number has 11 digits, this has { $n }
phone-unknown_segment = Not a mainland mobile number segment; check the number
carrier-china_mobile = China Mobile
carrier-china_unicom = China Unicom
carrier-china_telecom = China Telecom
carrier-china_broadnet = China Broadnet

## Money (money.*)

money-not_a_number = Not a valid amount: { $input }
money-too_precise = Amounts have at most two decimals (fen): { $input }
money-overflow = Amount out of range

## Roles and permissions (role.*, action.*, auth.*)

role-cashier = cashier
role-owner = owner
role-installer = installer
action-sell = selling
action-redeem = redeeming vouchers
action-cancel_redemption = cancelling a redemption
action-view_orders = viewing orders
action-resolve_orders = resolving open orders
action-reprint = reprinting receipts
action-shift_open = opening a shift
action-shift_close = closing a shift
action-shift_report = shift reports
action-override_duplicate = allowing a duplicate order
action-reveal_pin = showing a full PIN again
action-view_commission = viewing commission
action-reconcile = reconciliation
action-export_csv = exporting to a spreadsheet
action-manage_users = managing staff accounts
action-activate_terminal = pairing the terminal
action-configure_printer = setting up the printer
action-configure_counter = changing counter rules
action-view_audit = viewing the audit log
action-backup = backing up and restoring the data
audit-act_commission_reconcile = reconciliation
audit-act_order_create = order placed
audit-act_order_duplicate_override = repeat sale allowed by the owner
audit-act_order_handed_over = result handed to the customer
audit-act_order_rejected = order refused
audit-act_order_repeat_confirmed = repeat sale confirmed
audit-act_order_set_aside = result set aside
audit-act_pin_reveal = PIN shown again
audit-act_pin_shown = PIN shown
audit-act_redeem_cancel = redemption cancelled
audit-act_redeem_verify = redemption
audit-act_settings_change = setting changed
audit-act_shift_close = shift closed
audit-act_shift_open = shift opened
audit-act_store_restore = backup restored
audit-act_user_add = user added
audit-act_user_disable = user disabled
audit-act_user_enable = user enabled
audit-act_user_locked = account locked
audit-act_user_reset_pin = PIN reset
audit-act_user_unlock = lockout lifted
audit-act_user_wrong_pin = wrong PIN
action-update = updating the app
update-channel_stable = stable
update-channel_beta = beta (pilot stores)
auth-forbidden = Not allowed: the { $role } role may not do this ({ $action }); ask the owner
auth-bad_login = Wrong user ID or PIN
auth-locked = Too many wrong PINs; this user is locked for { $minutes } more { $minutes ->
        [one] minute
       *[other] minutes
    }. Try again later or ask the owner.
auth-login_required = Log in as the owner or installer first

## Products (product.kind.*), payment methods (payment.*), order states (order.state.*)

product-kind-mobile_topup = Mobile top-up
product-kind-data_pack = Data pack
product-kind-pin_card = PIN card
product-kind-direct_topup = Direct top-up
product-kind-voucher = Voucher
product-kind-bundle = Bundle
payment-cash = Cash
payment-wechat = WeChat Pay
payment-alipay = Alipay
payment-card = Card
order-state-draft = draft
order-state-sending = sending
order-state-pending = pending
order-state-unknown = pending (outcome being confirmed)
order-state-succeeded = succeeded
order-state-failed = failed
order-state-refunded = refunded
order-state-reversed = reversed
order-state-cancelled = cancelled

## Receipts (receipt.*)

receipt-title-topup = Top-up receipt
receipt-title-pin_card = PIN card receipt
receipt-title-direct_topup = Direct top-up receipt
receipt-title-voucher = Voucher receipt
receipt-title-pending = IN PROGRESS - keep this slip
receipt-title-failed = Not completed / refund slip
receipt-title-redemption = Redemption receipt
receipt-title-redemption_cancelled = Redemption cancelled
receipt-title-z_report = Z report (shift close)
receipt-title-x_report = X report (mid-shift)
receipt-title-test_page = Printer test page
receipt-title-code_page_probe = Code page probe (installers)
receipt-reprint = *** REPRINT ***
receipt-time = Time
receipt-terminal = Terminal
receipt-cashier = Cashier
receipt-scan_lookup = Scan to look up this order
receipt-order = Order
receipt-platform_ref = Platform ref
receipt-account = Account
receipt-face_value = Face value (CNY)
receipt-payment = Payment
receipt-total = Total (CNY)
receipt-status = Status
receipt-card_no = Card no.
receipt-pin = PIN
receipt-pin_warning = Keep the PIN safe; it cannot be reissued if disclosed
receipt-pending_note = The platform has not confirmed yet. It is checked automatically with the same order number; do not sell again. Ask with this number.
receipt-reason = Reason
receipt-failed_note = This order did not go through; the money was returned to the customer.
receipt-redemption_id = Request
receipt-voucher_code = Code
receipt-voucher_value = Value (CNY)
receipt-cancel_until = Cancellable until
receipt-shift = Shift
receipt-opened = Opened
receipt-closed = Closed
receipt-sales_by_kind = Sales by kind
receipt-taken_by_payment = Taken by payment
receipt-sales = Sales
receipt-pending = Pending
receipt-refunds = Refunds
receipt-redemptions = Redemptions
receipt-commission = Commission
receipt-float = Float
receipt-expected_cash = Expected cash
receipt-counted_cash = Counted cash
receipt-over_short = Over/short
receipt-profile = Profile
receipt-paper = Paper
receipt-mode = Mode
receipt-amount = Amount
receipt-code_page_note = If a line below prints as garbage, choose another profile mode: Chinese (GB18030), Latin code page or raster.

## Local database (store.*)

store-sqlite = Local database error ({ $detail }); try again, and if it keeps happening ask the installer
store-schema_too_new = The local database (schema { $found }) is newer than this program ({ $known }). Install a newer version of CardCat; nothing was changed.
store-migration = Updating the local database to version { $version } failed ({ $detail }); ask the installer
store-corrupt = A record in the local database is damaged ({ $detail }); ask the owner to restore from a backup
store-integrity = The local database failed its integrity check ({ $detail }); ask the owner to restore from a backup
store-not_a_store = This file is not a CardCat database (or its tables were changed): nothing was changed
store-corrupt_value = A stored record is damaged ({ $table }.{ $field }, record { $row }); ask the owner to restore from a backup

## Platform connection (net.*, api.*, config.*, terminal.*)

net-unreachable = Cannot reach the platform ({ $detail }); check the network. Catalog and search work offline.
net-timeout = The platform did not answer in time; the outcome is unknown and will be checked with the same order number.
net-interrupted = The connection dropped; the outcome is unknown and will be checked with the same order number.
net-http = The platform answered with an error (status { $status }); try again later.
net-malformed = The platform's answer could not be read ({ $detail }); try again later.
net-offline = The platform is unreachable; this order was not sent and nothing was charged. Try again later or take another payment method ({ $reason })
api-clock_skew = This terminal's clock differs from the platform's by more than 5 minutes (clock skew); set the correct time (platform time: { $server_time }).
api-bad_signature = The platform does not accept this terminal's signature; ask the owner or installer to pair this terminal again.
api-unknown_terminal = The platform does not know this terminal; ask the owner or installer to pair this terminal again.
api-replayed_nonce = The platform refused a repeated request; try again in a moment.
api-invalid_pairing_code = The pairing code is invalid or already used; create a new one on the platform.
api-too_many_attempts = Too many wrong pairing codes; pairing is locked for now. Check the code and try again in { $secs } s
api-error = { $code ->
    [bad_request] The platform refused the request: { $detail }
    [not_found] The platform has no such record
    [idempotency_conflict] The platform holds different details under the same order number; ask the owner to check
    [product_unavailable] This product is no longer sold on the platform; sync the catalog and choose again
    [price_changed] The price of this product has changed; sync the catalog and sell again
    [voucher_not_found] No such voucher code; check it and scan again
    [voucher_used] This voucher has already been redeemed
    [voucher_expired] This voucher has expired
    [voucher_cancelled] This voucher has been cancelled
    [cancel_window_closed] Too late to cancel (allowed within 10 minutes of redemption)
    [unauthorized] The platform refused this terminal's request; ask the owner or installer to pair this terminal again
    [internal] The platform had an internal error; try again later
    [unavailable] The platform is temporarily unavailable; try again later
   *[other] Platform error: { $detail }
}
config-bad_url = Invalid platform address: { $url }; ask the installer to check the settings
terminal-not_activated = This terminal is not activated yet; ask the owner or installer to pair it.
terminal-secret_missing = This terminal's key is missing from the system keyring; ask the owner or installer to pair this terminal again.
terminal-clock_skew = This terminal's clock is { $secs } s { $direction ->
        [ahead] ahead of
       *[behind] behind
    } the platform's, so the platform would refuse the order. Set the correct time first. Nothing was sent or charged.

## Catalog sync (sync.*)

sync-failed = Catalog sync failed; the previous catalog is intact and usable. Reason: { $reason }
sync-task = Catalog sync was interrupted ({ $detail }); the previous catalog is intact and usable. Try again later.

## System keyring (keyring.*)

keyring-unavailable = The system keyring is unavailable ({ $detail }), so this terminal's key cannot be read; ask the installer to check the keyring on this computer.
keyring-error = System keyring error ({ $detail }); try again, and if it keeps happening ask the installer.

## Printer (printer.*)

printer-status-paper_out = paper out
printer-status-paper_near_end = paper near end
printer-status-cover_open = cover open
printer-status-error = printer error
printer-status-offline = offline
printer-status-ready = ready
printer-not_ready = Printer not ready ({ $status }); the receipt is queued and prints when fixed. The sale is not affected.
printer-unreachable = Cannot reach the printer ({ $detail }); the receipt is queued. The sale is not affected. Check the printer's power and cable.
printer-io = The printer connection dropped while sending ({ $detail }); to avoid a double print it is not retried automatically. Reprint if needed.
printer-bad_target = Invalid printer address: { $target }; ask the installer to set up the printer again
printer-encode = The receipt could not be generated ({ $detail }); try again, and if it keeps failing ask the installer.

## Counter errors (engine: order.*, catalog.*, shift.*, voucher.*, input.*, vault.*)

order-quote = { $reason ->
    [quantity] Quantity must be 1 to 99
    [overflow] Amount out of range
   *[unavailable] This product is not on sale right now
}
order-not_found = No order { $key }
order-duplicate = An order for the same account and amount is still open ({ $key }, { $state }); blocked to prevent a double top-up. The owner can allow it.
order-repeat_sale = { $pin ->
        [yes] This terminal sold the same card at { $time }: { $product }, { $state }; { $delivered ->
            [yes] its PIN was handed over
           *[no] its PIN has not been handed over yet
        } (order { $key }). If it is the same customer, hand that one over first; if another customer wants one, confirm to sell again
       *[no] This customer already bought the same thing at { $time }: { $product }, account { $account }, { $state }; { $delivered ->
            [yes] the result was handed over
           *[no] the result has not been handed over yet
        } (order { $key }). Ask the customer whether they want another one, then confirm to sell again
    }
order-owed = The result of the last sale of { $product } (account { $account }, { $time }, { $state }) has not reached the customer (order { $key }). Hand it over first (show or print it) or set it aside with a reason before selling the same thing again
order-cannot_replace = Order { $key } is { $state }; only a failed, refunded or cancelled order can be replaced
catalog-no_such_product = No product { $sku } in the catalog; sync the catalog first
shift-not_open = No shift is open; open a shift first
shift-already_open = A shift is already open
voucher-not_found = No such voucher code; check it and scan again
voucher-used = This voucher has already been redeemed
voucher-expired = This voucher has expired
voucher-cancelled = This voucher has been cancelled
voucher-cancel_window_closed = Too late to cancel (allowed within 10 minutes of redemption)
voucher-error = Redemption failed: { $detail }
input-invalid = Invalid input: { $detail }
input-no_such_user = There is no user with this ID. Refresh the user list and try again.
input-last_owner = This is the last owner account; it cannot be disabled or made a cashier.
input-own_account = You cannot disable the account you are using. Ask another owner.
vault-crypto = Could not encrypt or decrypt a PIN ({ $detail }); ask the owner
input-logo_too_large = The image is too large ({ $mb } MB). Choose one under 4 MB.
input-logo_unreadable = This file is not an image the printer can use. Choose a PNG, JPG, BMP or GIF image.
input-footer = The receipt footer is too long ({ $n } characters). Keep it within 120 characters and 4 lines.
input-user_id = The user ID "{ $value }" cannot be used: use 1 to 32 letters, digits or underscores.
input-user_name = The name "{ $value }" cannot be used: use 1 to 32 characters, with no line breaks or other control characters.
