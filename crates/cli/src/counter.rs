//! Counter commands: sell, redeem, orders, shifts, commission, users. Thin adapters over
//! `cardcat-engine`; every permission check happens in the engine.

use std::time::{Duration, Instant};

use cardcat_core::reconcile::Diff;
use cardcat_core::roles::Role;
use cardcat_core::shift::{PaymentMethod, ShiftTotals};
use cardcat_core::{AccountInput, Lang, Localized, Money, OrderState, day_utc8};
use cardcat_engine::{Engine, GroupBy, OrderRecord, SellRequest, Session, ShiftInfo};
use uuid::Uuid;

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
    pub wait_secs: u64,
    pub no_print: bool,
}

fn err<E: Localized>(lang: Lang) -> impl Fn(E) -> CliError {
    move |e| CliError(e.message(lang))
}

fn engine(ctx: &Ctx) -> Result<Engine, CliError> {
    let store = ctx.open_store()?;
    Engine::open(store, &*ctx.secrets).map_err(err(ctx.lang))
}

fn session(ctx: &Ctx, eng: &mut Engine) -> Result<Session, CliError> {
    let (Some(u), Some(p)) = (ctx.user.as_deref(), ctx.pin.as_deref()) else {
        return Err(CliError(ctx.t(
            "请用 --user 工号 --pin 密码 登录（或设置 CARDCAT_USER / CARDCAT_PIN）",
            "Log in with --user ID --pin PIN (or CARDCAT_USER / CARDCAT_PIN)",
        )));
    };
    eng.login(u, p).map_err(err(ctx.lang))
}

fn parse_money(ctx: &Ctx, s: &str) -> Result<Money, CliError> {
    s.parse::<Money>().map_err(err(ctx.lang))
}

fn parse_key(ctx: &Ctx, s: &str) -> Result<Uuid, CliError> {
    Uuid::parse_str(s.trim()).map_err(|_| {
        CliError(format!(
            "{}{s}",
            ctx.t("订单号格式不正确：", "Not an order key: ")
        ))
    })
}

/// Exit code for a sale: 0 succeeded, 2 still open (keep the slip), 3 failed/refunded/reversed.
fn exit_code(s: OrderState) -> i32 {
    match s {
        OrderState::Succeeded => 0,
        s if s.is_final() => 3,
        _ => 2,
    }
}

pub fn print_order(ctx: &mut Ctx, o: &OrderRecord) {
    let lang = ctx.lang;
    let zh = lang == Lang::ZhCn;
    let copy = if o.copy {
        if zh { " 【副本】" } else { " [REPRINT]" }
    } else {
        ""
    };
    ctx.say(if zh {
        format!(
            "订单 {}{copy}\n  商品 {} ×{}  账号 {}\n  金额 {}（{}）  佣金 {}  收银员 {}\n  状态 {}{}",
            o.client_key, o.product_name, o.qty, if o.account.is_empty() { "-" } else { &o.account }, o.price.display_cny(), o.payment.label(lang),
            o.commission.display_cny(), o.cashier_id, o.state.label(lang), if o.needs_attention { "（需人工处理）" } else { "" }
        )
    } else {
        format!(
            "Order {}{copy}\n  {} ×{}  account {}\n  {} ({})  commission {}  cashier {}\n  state {}{}",
            o.client_key, o.product_name, o.qty, if o.account.is_empty() { "-" } else { &o.account }, o.price.display_cny(), o.payment.label(lang),
            o.commission.display_cny(), o.cashier_id, o.state.label(lang), if o.needs_attention { " (needs attention)" } else { "" }
        )
    });
    if let Some(f) = &o.failure {
        let l = ctx.t("  原因 ", "  reason ");
        ctx.say(format!("{l}{f}"));
    }
    for p in &o.pins {
        ctx.say(if zh {
            format!("  卡号 {}  卡密 {}", p.card_no, p.pin)
        } else {
            format!("  card {}  PIN {}", p.card_no, p.pin)
        });
    }
    if !o.state.is_final() {
        let m = ctx.t(
            "  处理中 — 请保留此单号，系统会用同一单号自动查询结果，切勿重新下单",
            "  In progress — keep this order number; it is checked automatically with the same key. Do not sell again.",
        );
        ctx.say(m);
    }
}

pub async fn sell(ctx: &mut Ctx, a: SellArgs) -> Result<i32, CliError> {
    let lang = ctx.lang;
    let mut eng = engine(ctx)?;
    let s = session(ctx, &mut eng)?;
    // Resume anything a crash or a dropped answer left open before taking a new order.
    let _ = eng.resume(false).await;
    let payment = PaymentMethod::parse(&a.pay).ok_or_else(|| {
        CliError(format!(
            "{}{}",
            ctx.t("未知支付方式：", "Unknown payment method: "),
            a.pay
        ))
    })?;
    let override_by = match (a.override_user, a.override_pin) {
        (Some(u), Some(p)) => Some(eng.login(&u, &p).map_err(err(lang))?),
        (None, None) => None,
        _ => {
            return Err(CliError(ctx.t(
                "店主授权需要 --override-user 和 --override-pin",
                "An override needs --override-user and --override-pin",
            )));
        }
    };
    let replaces = match a.replaces {
        Some(k) => Some(parse_key(ctx, &k)?),
        None => None,
    };
    eng.follow_for = Duration::from_secs(a.wait_secs);
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
    };
    let rec = eng.sell(&s, &req).await.map_err(err(lang))?;
    print_order(ctx, &rec);
    if !a.no_print {
        let line = crate::print::print_sale(eng.store(), lang, &s, &rec, false);
        if !line.is_empty() {
            ctx.say(format!("  {line}"));
        }
    }
    Ok(exit_code(rec.state))
}

pub async fn redeem(
    ctx: &mut Ctx,
    code: Option<String>,
    prepare_only: bool,
    cancel: Option<String>,
    query: Option<String>,
) -> Result<i32, CliError> {
    let lang = ctx.lang;
    let zh = lang == Lang::ZhCn;
    let mut eng = engine(ctx)?;
    let s = session(ctx, &mut eng)?;
    if let Some(id) = cancel {
        let id = parse_key(ctx, &id)?;
        let r = eng.redeem_cancel(&s, id).await.map_err(err(lang))?;
        ctx.say(if zh {
            format!("已撤销核销 {}（{} {}）", r.request_id, r.code, r.title)
        } else {
            format!(
                "Redemption {} cancelled ({} {})",
                r.request_id, r.code, r.title
            )
        });
        let line = crate::print::print_redemption(eng.store(), lang, &s, &r);
        if !line.is_empty() {
            ctx.say(line);
        }
        return Ok(0);
    }
    if let Some(id) = query {
        let id = parse_key(ctx, &id)?;
        let r = eng.redeem_query(&s, id).await.map_err(err(lang))?;
        ctx.say(format!(
            "{} {} {} {} {}",
            r.request_id,
            r.code,
            r.title,
            r.value.display_cny(),
            r.state
        ));
        return Ok(0);
    }
    let Some(code) = code else {
        return Err(CliError(
            ctx.t("请输入或扫描券码", "Type or scan a voucher code"),
        ));
    };
    let info = eng.redeem_prepare(&s, &code).await.map_err(err(lang))?;
    ctx.say(if zh {
        format!(
            "券码 {}：{}（{}）面值 {}，状态 {:?}",
            info.code,
            info.title,
            info.merchant,
            info.value.display_cny(),
            info.status
        )
    } else {
        format!(
            "Voucher {}: {} ({}) value {}, status {:?}",
            info.code,
            info.title,
            info.merchant,
            info.value.display_cny(),
            info.status
        )
    });
    if prepare_only {
        return Ok(0);
    }
    let r = eng.redeem_verify(&s, &code).await.map_err(err(lang))?;
    ctx.say(match (r.state.as_str(), zh) {
        ("redeemed", true) => format!(
            "核销成功：{} {}，核销单号 {}（10分钟内可撤销）",
            r.title,
            r.value.display_cny(),
            r.request_id
        ),
        ("redeemed", false) => format!(
            "Redeemed: {} {}, request {} (cancellable for 10 minutes)",
            r.title,
            r.value.display_cny(),
            r.request_id
        ),
        (_, true) => format!(
            "核销结果待确认，单号 {}，系统将用同一单号查询",
            r.request_id
        ),
        (_, false) => format!(
            "Redemption outcome pending, request {}; it will be checked with the same id",
            r.request_id
        ),
    });
    if r.state == "redeemed" {
        let line = crate::print::print_redemption(eng.store(), lang, &s, &r);
        if !line.is_empty() {
            ctx.say(line);
        }
    }
    Ok(if r.state == "redeemed" { 0 } else { 2 })
}

pub async fn orders(ctx: &mut Ctx, cmd: OrdersCmd) -> Result<i32, CliError> {
    let lang = ctx.lang;
    let mut eng = engine(ctx)?;
    let s = session(ctx, &mut eng)?;
    match cmd {
        OrdersCmd::Pending => {
            let _ = eng.resume(false).await;
            let list = eng.pending(&s).map_err(err(lang))?;
            if list.is_empty() {
                let m = ctx.t("没有处理中的订单", "No open orders");
                ctx.say(m);
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
            let start = Instant::now();
            loop {
                let r = eng.resume(all_now).await.map_err(err(lang))?;
                let done =
                    r.still_open == 0 || start.elapsed() >= Duration::from_secs(until_settled);
                if done {
                    ctx.say(if lang == Lang::ZhCn {
                        format!("已查询 {} 笔，状态变化 {} 笔，同单号重发 {} 笔，仍在处理 {} 笔，需人工处理 {} 笔{}", r.checked, r.changed, r.resent, r.still_open, r.needs_attention, if r.unreachable { "（平台暂不可达）" } else { "" })
                    } else {
                        format!("checked {}, changed {}, re-sent under the same key {}, still open {}, needing attention {}{}", r.checked, r.changed, r.resent, r.still_open, r.needs_attention, if r.unreachable { " (platform unreachable)" } else { "" })
                    });
                    return Ok(i32::from(r.still_open > 0) * 2);
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
        OrdersCmd::Show { key, reveal } => {
            let rec = eng.show(&s, key.trim(), reveal).map_err(err(lang))?;
            print_order(ctx, &rec);
            Ok(0)
        }
        OrdersCmd::Reprint { key } => {
            s.require(cardcat_core::roles::Action::Reprint)
                .map_err(err(lang))?;
            let rec = eng.show(&s, key.trim(), false).map_err(err(lang))?;
            print_order(ctx, &rec);
            // a PIN's first showing prints in full; every other reprint is a 副本 copy
            let line = crate::print::print_sale(eng.store(), lang, &s, &rec, !rec.pins_in_full);
            ctx.say(if line.is_empty() {
                ctx.t(
                    "尚未设置打印机（cardcat printer set）",
                    "No printer set (cardcat printer set)",
                )
            } else {
                line
            });
            Ok(0)
        }
    }
}

fn print_totals(ctx: &mut Ctx, title: &str, i: &ShiftInfo) {
    let lang = ctx.lang;
    let t: &ShiftTotals = &i.totals;
    let zh = lang == Lang::ZhCn;
    ctx.say(format!("{title} {}", i.id));
    ctx.say(if zh {
        format!("  备用金 {}  销售 {} 笔 {}  处理中 {} 笔 {}  退款 {} 笔 {}  佣金 {}  核销 {} 笔 {}",
            t.float.display_cny(), t.sales.count, t.sales.amount.display_cny(), t.pending.count, t.pending.amount.display_cny(),
            t.refunds.count, t.refunds.amount.display_cny(), t.commission.display_cny(), t.redemptions.count, t.redemptions.amount.display_cny())
    } else {
        format!("  float {}  sales {} {}  pending {} {}  refunds {} {}  commission {}  redemptions {} {}",
            t.float.display_cny(), t.sales.count, t.sales.amount.display_cny(), t.pending.count, t.pending.amount.display_cny(),
            t.refunds.count, t.refunds.amount.display_cny(), t.commission.display_cny(), t.redemptions.count, t.redemptions.amount.display_cny())
    });
    for (k, v) in &t.sales_by_kind {
        ctx.say(format!(
            "  {:<8} {:>4} {}",
            k.label(lang),
            v.count,
            v.amount.display_cny()
        ));
    }
    for (p, v) in &t.taken_by_payment {
        ctx.say(format!(
            "  {:<8} {:>4} {}",
            p.label(lang),
            v.count,
            v.amount.display_cny()
        ));
    }
    let exp = ctx.t("  应有现金 ", "  expected cash ");
    ctx.say(format!("{exp}{}", t.expected_cash.display_cny()));
    if let (Some(c), Some(o)) = (i.counted_cash, i.over_short) {
        ctx.say(if zh {
            format!("  实点现金 {}  长短款 {}", c.display_cny(), o.display_cny())
        } else {
            format!(
                "  counted {}  over/short {}",
                c.display_cny(),
                o.display_cny()
            )
        });
    }
}

pub async fn shift(ctx: &mut Ctx, cmd: ShiftCmd) -> Result<i32, CliError> {
    let lang = ctx.lang;
    let mut eng = engine(ctx)?;
    let s = session(ctx, &mut eng)?;
    match cmd {
        ShiftCmd::Open { float } => {
            let f = parse_money(ctx, &float)?;
            let i = eng.open_shift(&s, f).map_err(err(lang))?;
            let t = ctx.t("已开班", "Shift opened");
            print_totals(ctx, &t, &i);
        }
        ShiftCmd::X => {
            let i = eng.x_report(&s).map_err(err(lang))?;
            let t = ctx.t("X 报表（班中）", "X report (mid-shift)");
            print_totals(ctx, &t, &i);
            let line = crate::print::print_shift(eng.store(), lang, &s, &i);
            if !line.is_empty() {
                ctx.say(line);
            }
        }
        ShiftCmd::Close { counted } => {
            let c = parse_money(ctx, &counted)?;
            let i = eng.close_shift(&s, c).map_err(err(lang))?;
            let t = ctx.t("Z 报表（交班）", "Z report (close)");
            print_totals(ctx, &t, &i);
            let line = crate::print::print_shift(eng.store(), lang, &s, &i);
            if !line.is_empty() {
                ctx.say(line);
            }
            let _ = eng.drain_outbox().await;
        }
    }
    Ok(0)
}

pub async fn commission(ctx: &mut Ctx, cmd: CommissionCmd) -> Result<i32, CliError> {
    let lang = ctx.lang;
    let zh = lang == Lang::ZhCn;
    let mut eng = engine(ctx)?;
    let s = session(ctx, &mut eng)?;
    let today = day_utc8(cardcat_store::now_ms());
    match cmd {
        CommissionCmd::Report { from, to, by, csv } => {
            let from = from.unwrap_or_else(|| today.clone());
            let to = to.unwrap_or_else(|| from.clone());
            if csv {
                let out = eng.export_csv(&s, &from, &to).map_err(err(lang))?;
                ctx.say(out.trim_end());
                return Ok(0);
            }
            let g = match by.as_str() {
                "day" => GroupBy::Day,
                "product" => GroupBy::Product,
                "cashier" => GroupBy::Cashier,
                other => {
                    return Err(CliError(format!(
                        "{}{other}",
                        ctx.t(
                            "分组应为 day / product / cashier：",
                            "Group by day / product / cashier, not: "
                        )
                    )));
                }
            };
            let rows = eng
                .commission_report(&s, &from, &to, g)
                .map_err(err(lang))?;
            ctx.say(if zh {
                format!(
                    "{:<20} {:>5} {:>12} {:>12} {:>10}",
                    "分组", "笔数", "销售额", "成本", "佣金"
                )
            } else {
                format!(
                    "{:<20} {:>5} {:>12} {:>12} {:>10}",
                    "group", "n", "sales", "cost", "commission"
                )
            });
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
            let date = date.unwrap_or(today);
            let r = eng.reconcile(&s, &date).await.map_err(err(lang))?;
            ctx.say(if zh {
                format!("{date} 对账：一致 {} 笔，差异 {} 笔；本地 成本 {} 佣金 {}；平台 成本 {} 佣金 {}", r.matched, r.diffs.len(), r.local_amount.display_cny(), r.local_commission.display_cny(), r.platform_amount.display_cny(), r.platform_commission.display_cny())
            } else {
                format!("{date} reconciliation: {} matched, {} differences; local cost {} commission {}; platform cost {} commission {}", r.matched, r.diffs.len(), r.local_amount.display_cny(), r.local_commission.display_cny(), r.platform_amount.display_cny(), r.platform_commission.display_cny())
            });
            if !r.open.is_empty() {
                let m = ctx.t(
                    "  仍在处理、暂不对账的订单：",
                    "  still open, not compared yet: ",
                );
                ctx.say(format!("{m}{}", r.open.len()));
            }
            for d in &r.diffs {
                ctx.say(match (d, zh) {
                    (
                        Diff::AmountMismatch {
                            client_key,
                            local,
                            platform,
                        },
                        true,
                    ) => format!(
                        "  金额不符 {client_key}：本地 {}/{}，平台 {}/{}",
                        local.amount, local.commission, platform.amount, platform.commission
                    ),
                    (
                        Diff::AmountMismatch {
                            client_key,
                            local,
                            platform,
                        },
                        false,
                    ) => format!(
                        "  amount mismatch {client_key}: local {}/{}, platform {}/{}",
                        local.amount, local.commission, platform.amount, platform.commission
                    ),
                    (Diff::MissingOnPlatform { client_key, local }, true) => format!(
                        "  平台缺少 {client_key}：本地 {}/{}",
                        local.amount, local.commission
                    ),
                    (Diff::MissingOnPlatform { client_key, local }, false) => format!(
                        "  missing on platform {client_key}: local {}/{}",
                        local.amount, local.commission
                    ),
                    (
                        Diff::MissingLocally {
                            client_key,
                            platform,
                        },
                        true,
                    ) => format!(
                        "  本地缺少 {client_key}：平台 {}/{}",
                        platform.amount, platform.commission
                    ),
                    (
                        Diff::MissingLocally {
                            client_key,
                            platform,
                        },
                        false,
                    ) => format!(
                        "  missing locally {client_key}: platform {}/{}",
                        platform.amount, platform.commission
                    ),
                });
            }
            Ok(if r.is_clean() { 0 } else { 4 })
        }
    }
}

pub async fn user(ctx: &mut Ctx, cmd: UserCmd) -> Result<i32, CliError> {
    let lang = ctx.lang;
    let mut eng = engine(ctx)?;
    match cmd {
        UserCmd::Add {
            id,
            name,
            role,
            new_pin,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                CliError(format!(
                    "{}{role}",
                    ctx.t(
                        "角色应为 cashier / owner / installer：",
                        "Role is cashier / owner / installer, not: "
                    )
                ))
            })?;
            let actor = if ctx.user.is_some() {
                Some(session(ctx, &mut eng)?)
            } else {
                None
            };
            let u = eng
                .add_user(actor.as_ref(), &id, &name, role, &new_pin)
                .map_err(err(lang))?;
            ctx.say(if lang == Lang::ZhCn {
                format!("已添加{} {}（{}）", u.role.label(lang), u.id, u.name)
            } else {
                format!("Added {} {} ({})", u.role.label(lang), u.id, u.name)
            });
        }
        UserCmd::List => {
            let s = session(ctx, &mut eng)?;
            for u in eng.users(&s).map_err(err(lang))? {
                ctx.say(format!(
                    "{:<12} {:<12} {}{}",
                    u.id,
                    u.name,
                    u.role.label(lang),
                    if u.locked { " 🔒" } else { "" }
                ));
            }
        }
    }
    Ok(0)
}
