//! Counter commands: sell, redeem, orders, shifts, commission, users. Each one calls the
//! counter service and renders what it returns; every permission check happens below.

use std::time::Duration;

use cardcat_core::reconcile::Diff;
use cardcat_core::report::GroupBy;
use cardcat_core::{AccountInput, Lang, OrderState, t};
use cardcat_counter::{RedemptionState, SellOptions};
use cardcat_engine::{OrderRecord, SellRequest, ShiftInfo};

use crate::{CliError, CommissionCmd, Ctx, OrdersCmd, ShiftCmd, UserCmd};

pub struct SellArgs {
    pub sku: String,
    pub account: String,
    pub zone: Option<String>,
    pub qty: u32,
    pub pay: String,
    pub override_user: Option<String>,
    pub override_pin: Option<String>,
    pub replaces: Option<String>,
    pub confirm_repeat: Option<String>,
    pub wait_secs: u64,
    pub no_print: bool,
}

/// Exit code for a sale: 0 succeeded, 2 still open (keep the slip), 3 failed/refunded/reversed.
fn exit_code(s: OrderState) -> i32 {
    match s {
        OrderState::Succeeded => 0,
        s if s.is_final() => 3,
        _ => 2,
    }
}

/// An order as the cashier reads it.
pub fn render_order(lang: Lang, o: &OrderRecord) -> Vec<String> {
    let mut out = Vec::new();
    let copy = if o.copy {
        t!(lang, "order.copy_mark")
    } else {
        String::new()
    };
    out.push(t!(
        lang,
        "cli.order_head",
        key = o.client_key.to_string(),
        copy = copy
    ));
    out.push(t!(
        lang,
        "cli.order_line1",
        product = o.product_name.clone(),
        qty = o.qty,
        account = if o.account.is_empty() {
            "-".to_string()
        } else {
            o.account.clone()
        }
    ));
    out.push(t!(
        lang,
        "cli.order_line2",
        price = o.price.display_cny(),
        payment = o.payment.label(lang),
        commission = o.commission.display_cny(),
        cashier = o.cashier_id.clone()
    ));
    let mut state = t!(lang, "cli.order_state", state = o.state.label(lang));
    if o.needs_attention {
        state.push_str(&t!(lang, "cli.needs_attention"));
    }
    out.push(state);
    if let Some(f) = &o.failure {
        out.push(t!(lang, "cli.order_reason", reason = f.clone()));
    }
    for p in &o.pins {
        out.push(t!(
            lang,
            "cli.order_pin",
            card = p.card_no.clone(),
            pin = p.pin.clone()
        ));
    }
    if !o.state.is_final() {
        out.push(format!("  {}", t!(lang, "order.in_progress_advice")));
    }
    out
}

pub fn print_order(ctx: &mut Ctx, o: &OrderRecord) {
    for l in render_order(ctx.lang(), o) {
        ctx.say(l);
    }
}

/// Shows an order's result and, once it is really on the screen (written and flushed),
/// records that it reached the customer.
pub fn show_result(ctx: &mut Ctx, s: &cardcat_counter::Session, o: &OrderRecord) {
    let lines = render_order(ctx.lang(), o);
    if ctx.say_all(&lines)
        && o.state.is_final()
        && !o.handed_over
        && let Err(e) = ctx.counter.acknowledge(s, &o.client_key.to_string())
    {
        let m = ctx.err()(e).0;
        ctx.say(m);
    }
}

/// What is still owed to customers, as a short list before a sale.
fn say_owed(ctx: &mut Ctx, owed: &[OrderRecord]) {
    let lang = ctx.lang();
    if owed.is_empty() {
        return;
    }
    ctx.say(t!(lang, "cli.owed_head", n = owed.len()));
    for o in owed {
        let m = t!(
            lang,
            "cli.owed_line",
            key = o.client_key.to_string(),
            product = o.product_name.clone(),
            account = if o.account.is_empty() {
                "-".to_string()
            } else {
                o.account.clone()
            },
            state = o.state.label(lang),
            time = cardcat_core::time_utc8(o.created_at_ms)
        );
        ctx.say(format!("  {m}"));
    }
}

fn say_print(ctx: &mut Ctx, p: &Option<cardcat_counter::PrintOutcome>) {
    if let Some(p) = p
        && *p != cardcat_counter::PrintOutcome::NoPrinter
    {
        let m = p.message(ctx.lang());
        ctx.say(format!("  {m}"));
    }
}

pub async fn sell(ctx: &mut Ctx, a: SellArgs) -> Result<i32, CliError> {
    let s = ctx.session()?;
    let payment = cardcat_counter::parse_payment(&a.pay).map_err(ctx.err())?;
    let override_by = match (a.override_user, a.override_pin) {
        (Some(u), Some(p)) => Some(ctx.counter.login(&u, &p).map_err(ctx.err())?),
        (None, None) => None,
        _ => return Err(ctx.err()(cardcat_counter::InputError::OverridePair)),
    };
    let replaces = match a.replaces {
        Some(k) => Some(cardcat_counter::parse_key(&k).map_err(ctx.err())?),
        None => None,
    };
    let confirm_repeat = match a.confirm_repeat {
        Some(k) => Some(cardcat_counter::parse_key(&k).map_err(ctx.err())?),
        None => None,
    };
    // what earlier sales still owe their customers comes first
    let owed = ctx.counter.owed(&s).await.map_err(ctx.err())?;
    say_owed(ctx, &owed);
    let req = SellRequest {
        sku: a.sku,
        account: AccountInput {
            account: a.account,
            zone: a.zone,
        },
        qty: a.qty,
        payment,
        override_by,
        replaces,
        confirm_repeat,
    };
    let wait = Duration::from_secs(a.wait_secs.min(600));
    let opts = SellOptions {
        wait,
        follow_for: wait,
        print: !a.no_print,
    };
    let sale = ctx.counter.sell(&s, req, opts).await.map_err(ctx.err())?;
    show_result(ctx, &s, &sale.order);
    say_print(ctx, &sale.print);
    Ok(exit_code(sale.order.state))
}

pub async fn redeem(
    ctx: &mut Ctx,
    code: Option<String>,
    prepare_only: bool,
    cancel: Option<String>,
    query: Option<String>,
) -> Result<i32, CliError> {
    let lang = ctx.lang();
    let s = ctx.session()?;
    if let Some(id) = cancel {
        let r = ctx
            .counter
            .redeem_cancel(&s, &id)
            .await
            .map_err(ctx.err())?;
        let m = t!(
            lang,
            "cli.redeem_cancelled",
            id = r.redemption.request_id.to_string(),
            code = r.redemption.code.clone(),
            title = r.redemption.title.clone()
        );
        ctx.say(m);
        say_print(ctx, &r.print);
        return Ok(0);
    }
    if let Some(id) = query {
        let r = ctx.counter.redeem_query(&s, &id).await.map_err(ctx.err())?;
        let m = t!(
            lang,
            "cli.redeem_query",
            id = r.request_id.to_string(),
            code = r.code.clone(),
            title = r.title.clone(),
            value = r.value.display_cny(),
            state = cardcat_counter::redemption_state_label(lang, r.state)
        );
        ctx.say(m);
        return Ok(0);
    }
    let code = code.unwrap_or_default();
    let info = ctx
        .counter
        .redeem_prepare(&s, &code)
        .await
        .map_err(ctx.err())?;
    let m = t!(
        lang,
        "cli.voucher_info",
        code = info.code.clone(),
        title = info.title.clone(),
        merchant = info.merchant.clone(),
        value = info.value.display_cny(),
        status = cardcat_counter::voucher_status_label(lang, info.status)
    );
    ctx.say(m);
    if prepare_only {
        return Ok(0);
    }
    let r = ctx.counter.redeem(&s, &code).await.map_err(ctx.err())?;
    let red = &r.redemption;
    let m = if red.state == RedemptionState::Redeemed {
        t!(
            lang,
            "cli.redeemed",
            title = red.title.clone(),
            value = red.value.display_cny(),
            id = red.request_id.to_string()
        )
    } else {
        t!(lang, "cli.redeem_pending", id = red.request_id.to_string())
    };
    ctx.say(m);
    say_print(ctx, &r.print);
    Ok(if red.state == RedemptionState::Redeemed {
        0
    } else {
        2
    })
}

pub async fn orders(ctx: &mut Ctx, cmd: OrdersCmd) -> Result<i32, CliError> {
    let lang = ctx.lang();
    let s = ctx.session()?;
    match cmd {
        OrdersCmd::Pending => {
            let list = ctx.counter.pending(&s).await.map_err(ctx.err())?;
            if list.is_empty() {
                ctx.say(t!(lang, "cli.no_open_orders"));
            }
            for o in &list {
                print_order(ctx, o);
            }
            Ok(0)
        }
        OrdersCmd::Resume {
            all_now,
            until_settled,
        } => {
            let r = ctx
                .counter
                .resume_until_settled(all_now, Duration::from_secs(until_settled.min(3600)))
                .await
                .map_err(ctx.err())?;
            let mut m = t!(
                lang,
                "cli.resume_report",
                checked = r.checked,
                changed = r.changed,
                resent = r.resent,
                open = r.still_open,
                attention = r.needs_attention
            );
            if r.unreachable {
                m.push_str(&t!(lang, "cli.platform_unreachable_note"));
            }
            ctx.say(m);
            Ok(i32::from(r.still_open > 0) * 2)
        }
        OrdersCmd::Show { key, reveal } => {
            let rec = ctx.counter.show(&s, &key, reveal).map_err(ctx.err())?;
            show_result(ctx, &s, &rec);
            Ok(0)
        }
        OrdersCmd::Reprint { key } => {
            let sale = ctx.counter.reprint(&s, &key).await.map_err(ctx.err())?;
            show_result(ctx, &s, &sale.order);
            say_print(ctx, &sale.print);
            Ok(0)
        }
        OrdersCmd::Owed => {
            let owed = ctx.counter.owed(&s).await.map_err(ctx.err())?;
            if owed.is_empty() {
                ctx.say(t!(lang, "cli.nothing_owed"));
            }
            say_owed(ctx, &owed);
            Ok(i32::from(!owed.is_empty()))
        }
        OrdersCmd::Deliver { key } => {
            let sale = ctx.counter.deliver(&s, &key).await.map_err(ctx.err())?;
            show_result(ctx, &s, &sale.order);
            say_print(ctx, &sale.print);
            Ok(0)
        }
        OrdersCmd::SetAside { key, reason } => {
            ctx.counter
                .set_aside(&s, &key, &reason)
                .map_err(ctx.err())?;
            ctx.say(t!(lang, "cli.set_aside", key = key.trim()));
            Ok(0)
        }
    }
}

fn print_totals(ctx: &mut Ctx, title_key: &str, i: &ShiftInfo) {
    for l in cardcat_counter::shift_summary(ctx.lang(), title_key, i) {
        ctx.say(l);
    }
}

pub async fn shift(ctx: &mut Ctx, cmd: ShiftCmd) -> Result<i32, CliError> {
    let s = ctx.session()?;
    match cmd {
        ShiftCmd::Open { float } => {
            let i = ctx.counter.open_shift(&s, &float).map_err(ctx.err())?;
            print_totals(ctx, "shift.opened_title", &i);
        }
        ShiftCmd::X => {
            let r = ctx.counter.x_report(&s).await.map_err(ctx.err())?;
            print_totals(ctx, "shift.x_title", &r.shift);
            say_print(ctx, &r.print);
        }
        ShiftCmd::Close { counted } => {
            let r = ctx
                .counter
                .close_shift(&s, &counted)
                .await
                .map_err(ctx.err())?;
            print_totals(ctx, "shift.z_title", &r.shift);
            say_print(ctx, &r.print);
        }
    }
    Ok(0)
}

pub async fn commission(ctx: &mut Ctx, cmd: CommissionCmd) -> Result<i32, CliError> {
    let lang = ctx.lang();
    match cmd {
        CommissionCmd::Report { from, to, by, csv } => {
            let range = cardcat_counter::Counter::day_range(from.as_deref(), to.as_deref())
                .map_err(ctx.err())?;
            let by: GroupBy = by
                .parse()
                .map_err(|e: cardcat_core::report::ReportParamError| {
                    ctx.err()(cardcat_counter::CounterError::from(e))
                })?;
            let s = ctx.session()?;
            if csv {
                let out = ctx.counter.export_csv(&s, &range).map_err(ctx.err())?;
                ctx.say(out.trim_end());
                return Ok(0);
            }
            let rows = ctx
                .counter
                .commission_report(&s, &range, by)
                .map_err(ctx.err())?;
            let head = format!(
                "{:<20} {:>5} {:>12} {:>12} {:>10}",
                t!(lang, "report.col_group"),
                t!(lang, "report.col_orders"),
                t!(lang, "report.col_sales"),
                t!(lang, "report.col_cost"),
                t!(lang, "report.col_commission")
            );
            ctx.say(head);
            for r in rows {
                ctx.say(format!(
                    "{:<20} {:>5} {:>12} {:>12} {:>10}",
                    r.key,
                    r.orders,
                    r.sales.display_cny(),
                    r.cost.display_cny(),
                    r.commission.display_cny()
                ));
            }
            Ok(0)
        }
        CommissionCmd::Reconcile { date } => {
            let day = match date {
                Some(d) => d
                    .parse()
                    .map_err(|e: cardcat_core::report::ReportParamError| {
                        ctx.err()(cardcat_counter::CounterError::from(e))
                    })?,
                None => cardcat_counter::Counter::today(),
            };
            let s = ctx.session()?;
            let r = ctx.counter.reconcile(&s, &day).await.map_err(ctx.err())?;
            let m = t!(
                lang,
                "reconcile.summary",
                date = day.as_str(),
                matched = r.matched,
                diffs = r.diffs.len(),
                local_cost = r.local_amount.display_cny(),
                local_commission = r.local_commission.display_cny(),
                platform_cost = r.platform_amount.display_cny(),
                platform_commission = r.platform_commission.display_cny()
            );
            ctx.say(m);
            if !r.open.is_empty() {
                ctx.say(format!(
                    "  {}",
                    t!(lang, "reconcile.still_open", n = r.open.len())
                ));
            }
            for d in &r.diffs {
                ctx.say(format!("  {}", diff_line(lang, d)));
            }
            Ok(if r.is_clean() { 0 } else { 4 })
        }
    }
}

/// One reconciliation difference, as the owner reads it.
pub fn diff_line(lang: Lang, d: &Diff) -> String {
    match d {
        Diff::AmountMismatch {
            client_key,
            local,
            platform,
        } => t!(
            lang,
            "reconcile.amount_mismatch",
            key = client_key.clone(),
            local_cost = local.amount,
            local_commission = local.commission,
            platform_cost = platform.amount,
            platform_commission = platform.commission
        ),
        Diff::MissingOnPlatform { client_key, local } => t!(
            lang,
            "reconcile.missing_on_platform",
            key = client_key.clone(),
            local_cost = local.amount,
            local_commission = local.commission
        ),
        Diff::MissingLocally {
            client_key,
            platform,
        } => t!(
            lang,
            "reconcile.missing_locally",
            key = client_key.clone(),
            platform_cost = platform.amount,
            platform_commission = platform.commission
        ),
    }
}

pub async fn user(ctx: &mut Ctx, cmd: UserCmd) -> Result<i32, CliError> {
    let lang = ctx.lang();
    match cmd {
        UserCmd::Add {
            id,
            name,
            role,
            new_pin,
        } => {
            let actor = ctx.maybe_session()?;
            let u = ctx
                .counter
                .add_user(actor.as_ref(), &id, &name, &role, &new_pin)
                .map_err(ctx.err())?;
            let m = t!(
                lang,
                "cli.user_added",
                role = u.role.label(lang),
                id = u.id.clone(),
                name = u.name.clone()
            );
            ctx.say(m);
        }
        UserCmd::List => {
            let s = ctx.session()?;
            for u in ctx.counter.users(&s).map_err(ctx.err())? {
                let locked = if u.locked {
                    format!(" [{}]", t!(lang, "cli.user_locked"))
                } else {
                    String::new()
                };
                ctx.say(format!(
                    "{:<12} {:<12} {}{locked}",
                    u.id,
                    u.name,
                    u.role.label(lang)
                ));
            }
        }
    }
    Ok(0)
}

pub fn update(ctx: &mut Ctx, cmd: crate::UpdateCmd) -> Result<i32, CliError> {
    let lang = ctx.lang();
    let s = ctx.session()?;
    match cmd {
        crate::UpdateCmd::Status => {
            let st = ctx.counter.update_status(&s).map_err(ctx.err())?;
            let b = st.blockers;
            let now = if b.clear() {
                t!(lang, "cli.update_may_install")
            } else {
                cardcat_core::Localized::message(
                    &cardcat_counter::CounterError::UpdateBlocked(b),
                    lang,
                )
            };
            ctx.say(t!(
                lang,
                "cli.update_status",
                channel = cardcat_core::i18n::tr_static(lang, st.channel.label_key()),
                endpoint = cardcat_core::update::endpoint(
                    &cardcat_counter::Counter::update_base_url(),
                    st.channel
                ),
                now = now
            ));
        }
        crate::UpdateCmd::Channel { channel } => {
            let c = ctx
                .counter
                .set_update_channel(&s, &channel)
                .map_err(ctx.err())?;
            let name = cardcat_core::i18n::tr_static(lang, c.label_key());
            ctx.say(t!(lang, "cli.update_channel_set", channel = name));
        }
    }
    Ok(0)
}

pub async fn backup(ctx: &mut Ctx, cmd: crate::BackupCmd) -> Result<i32, CliError> {
    let lang = ctx.lang();
    let s = ctx.session()?;
    match cmd {
        crate::BackupCmd::Now { keep } => {
            let f = ctx.counter.backup_now(&s, keep).map_err(ctx.err())?;
            ctx.say(t!(lang, "cli.backup_saved", path = f.display().to_string()));
        }
        crate::BackupCmd::List => {
            let all = ctx.counter.backups(&s).map_err(ctx.err())?;
            if all.is_empty() {
                ctx.say(t!(lang, "cli.backup_none"));
            }
            for b in all {
                let (store, schema, orders) =
                    b.info.as_ref().map_or(("?".to_string(), 0, 0), |i| {
                        (
                            i.store_id.clone().unwrap_or_else(|| "-".into()),
                            i.schema,
                            i.orders,
                        )
                    });
                ctx.say(t!(
                    lang,
                    "cli.backup_line",
                    path = b.path.display().to_string(),
                    day = b.day.clone(),
                    store = store,
                    schema = schema,
                    orders = orders,
                    kb = b.bytes / 1024
                ));
            }
        }
        crate::BackupCmd::Restore { file } => {
            let i = ctx.counter.restore_backup(&s, &file).map_err(ctx.err())?;
            ctx.say(t!(
                lang,
                "cli.backup_restored",
                store = i.store_id.unwrap_or_else(|| "-".into()),
                orders = i.orders
            ));
        }
    }
    Ok(0)
}

pub async fn provision(ctx: &mut Ctx, file: &std::path::Path) -> Result<i32, CliError> {
    let lang = ctx.lang();
    let mut p = cardcat_counter::provision::Provision::read(file).map_err(ctx.err())?;
    if p.needs_pin() {
        ctx.say(t!(lang, "cli.provision_pin"));
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| CliError(e.to_string()))?;
        p = p.with_pin(line.trim().to_string());
    }
    let r = ctx.counter.provision(&p).await.map_err(ctx.err())?;
    let yes_no = |b: bool| t!(lang, if b { "cli.yes" } else { "cli.no" });
    ctx.say(t!(
        lang,
        "cli.provisioned",
        store = r.store_name.clone(),
        paired = yes_no(r.paired),
        printer = r.printer.clone().unwrap_or_else(|| "-".into()),
        printed = yes_no(r.test_printed),
        owner = yes_no(r.owner_created)
    ));
    Ok(0)
}

pub fn kiosk(
    ctx: &mut Ctx,
    state: &str,
    dir: Option<std::path::PathBuf>,
    exec: &str,
) -> Result<i32, CliError> {
    let lang = ctx.lang();
    let on = match state {
        "on" => true,
        "off" => false,
        other => {
            return Err(CliError(t!(
                lang,
                "cli.kiosk_state",
                value = other.to_string()
            )));
        }
    };
    let dir = dir.unwrap_or_else(cardcat_counter::owner::default_autostart_dir);
    let who = ctx.maybe_session()?;
    let f = ctx
        .counter
        .set_kiosk(who.as_ref(), on, &dir, exec)
        .map_err(ctx.err())?;
    match f {
        Some(f) => ctx.say(t!(lang, "cli.kiosk_on", path = f.display().to_string())),
        None => ctx.say(t!(lang, "cli.kiosk_off")),
    }
    Ok(0)
}
