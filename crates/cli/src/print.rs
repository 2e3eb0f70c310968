//! Printing from the command line: printer set-up for installers, the emulator, test and
//! probe pages, samples of every receipt, the queue, and receipts for sales, redemptions
//! and shift reports. A print problem never changes a sale's outcome or exit code.

use std::time::Duration;

use cardcat_core::receipt::{Doc, ReceiptContext, RedemptionInfo, SaleInfo, ShiftInfoR};
use cardcat_core::roles::Action;
use cardcat_core::{Lang, Localized, Money, OrderState, ProductKind, time_utc8};
use cardcat_engine::{OrderRecord, RedemptionRecord, Session, ShiftInfo};
use cardcat_printer::doc::PaperWidth;
use cardcat_printer::profile::{self, Profile};
use cardcat_printer::status::PrintError;
use cardcat_printer::transport::Target;
use cardcat_printer::{decode, encode, queue, render};
use cardcat_store::Store;

use crate::{CliError, Ctx, PrinterCmd};

pub const K_PRINTER_TARGET: &str = "printer_target";
pub const K_PRINTER_PROFILE: &str = "printer_profile";
pub const K_RECEIPT_FOOTER: &str = "receipt_footer";
pub const K_RECEIPT_LOGO: &str = "receipt_logo";
const TIMEOUT: Duration = Duration::from_secs(3);

fn store_err(lang: Lang) -> impl Fn(cardcat_store::StoreError) -> CliError {
    move |e| CliError(e.message(lang))
}

pub fn configured(store: &Store) -> Option<(Target, &'static Profile)> {
    let t = store.setting(K_PRINTER_TARGET).ok()??.parse().ok()?;
    let p = store
        .setting(K_PRINTER_PROFILE)
        .ok()
        .flatten()
        .and_then(|id| profile::find(&id))
        .or_else(|| profile::find(profile::DEFAULT_PROFILE))?;
    Some((t, p))
}

pub fn context(store: &Store, lang: Lang, cashier: &str) -> ReceiptContext {
    ReceiptContext {
        store_name: store
            .setting(cardcat_engine::K_STORE_NAME)
            .ok()
            .flatten()
            .unwrap_or_else(|| "CardCat 卡盟猫".into()),
        terminal_id: store
            .setting(cardcat_engine::K_TERMINAL_ID)
            .ok()
            .flatten()
            .unwrap_or_default(),
        cashier: cashier.to_string(),
        time: time_utc8(cardcat_store::now_ms()),
        footer: store.setting(K_RECEIPT_FOOTER).ok().flatten().or_else(|| {
            Some(match lang {
                Lang::ZhCn => "谢谢惠顾，欢迎再来".into(),
                Lang::En => "Thank you!".into(),
            })
        }),
        lang,
        logo: store.setting(K_RECEIPT_LOGO).ok().flatten().as_deref() == Some("1"),
    }
}

pub fn sale_info(o: &OrderRecord, copy: bool) -> SaleInfo {
    SaleInfo {
        order_key: o.client_key.to_string(),
        platform_order_id: o.platform_order_id.clone(),
        product: o.product_name.clone(),
        kind: o.kind,
        qty: o.qty,
        account: o.account.clone(),
        price: o.price,
        face_value: None,
        payment: o.payment,
        state: o.state,
        failure: o.failure.clone(),
        // masked PINs use '•' on screen; paper gets '*' (every printer font has it)
        pins: o
            .pins
            .iter()
            .map(|p| (p.card_no.replace('•', "*"), p.pin.replace('•', "*")))
            .collect(),
        copy: copy || o.copy,
    }
}

fn logo_for(ctx: &ReceiptContext, p: &Profile) -> Option<cardcat_printer::Bitmap> {
    ctx.logo.then(|| encode::text_logo("卡盟猫 CardCat", p))
}

/// Builds, queues and tries to print one document. Returns a line for the cashier.
pub fn print_doc(
    store: &Store,
    lang: Lang,
    doc: &Doc,
    ctx: &ReceiptContext,
    order_key: Option<&str>,
    kind: &str,
) -> String {
    let Some((target, p)) = configured(store) else {
        return String::new();
    };
    let bytes = match encode::receipt_bytes(doc, ctx, p, logo_for(ctx, p).as_ref()) {
        Ok(b) => b,
        Err(e) => return e.message(lang),
    };
    let title = format!("{kind} {}", order_key.unwrap_or(""));
    let c = store.conn();
    if let Err(e) = queue::enqueue(c, order_key, kind, &title, &bytes, None) {
        return format!("{e}");
    }
    match queue::process(c, &target, TIMEOUT, false) {
        Ok(r) if r.waiting.is_empty() && r.uncertain.is_empty() => match lang {
            Lang::ZhCn => "小票已打印".into(),
            Lang::En => "Receipt printed".into(),
        },
        Ok(r) => {
            let why = r
                .status
                .map(|s| s.describe(lang))
                .or_else(|| r.waiting.first().map(|w| w.1.clone()))
                .unwrap_or_default();
            match lang {
                Lang::ZhCn => format!(
                    "小票未打印（{why}），已排队，打印机恢复后用 cardcat printer queue --retry 补打；交易不受影响"
                ),
                Lang::En => format!(
                    "Receipt not printed ({why}); queued — run cardcat printer queue --retry when the printer is back. The sale is not affected."
                ),
            }
        }
        Err(e) => format!("{e}"),
    }
}

pub fn print_sale(store: &Store, lang: Lang, s: &Session, o: &OrderRecord, copy: bool) -> String {
    let ctx = context(store, lang, s.name());
    let key = o.client_key.to_string();
    print_doc(
        store,
        lang,
        &Doc::Sale(sale_info(o, copy)),
        &ctx,
        Some(&key),
        if copy { "reprint" } else { "sale" },
    )
}

pub fn print_redemption(store: &Store, lang: Lang, s: &Session, r: &RedemptionRecord) -> String {
    let ctx = context(store, lang, s.name());
    let doc = Doc::Redemption(RedemptionInfo {
        request_id: r.request_id.to_string(),
        code: r.code.clone(),
        title: r.title.clone(),
        value: r.value,
        cancelled: r.state == "cancelled",
        cancel_until: r.cancel_deadline_ms.map(time_utc8),
    });
    print_doc(
        store,
        lang,
        &doc,
        &ctx,
        Some(&r.request_id.to_string()),
        "redemption",
    )
}

pub fn print_shift(store: &Store, lang: Lang, s: &Session, i: &ShiftInfo) -> String {
    let ctx = context(store, lang, s.name());
    let doc = Doc::Shift(ShiftInfoR {
        shift_id: i.id.clone(),
        closing: i.closed_at_ms.is_some(),
        opened: time_utc8(i.opened_at_ms),
        closed: i.closed_at_ms.map(time_utc8),
        totals: i.totals.clone(),
        counted: i.counted_cash,
        over_short: i.over_short,
    });
    print_doc(
        store,
        lang,
        &doc,
        &ctx,
        None,
        if i.closed_at_ms.is_some() {
            "z-report"
        } else {
            "x-report"
        },
    )
}

/// Sample documents of every receipt type (installers' check and the emulator demo).
pub fn samples(lang: Lang) -> Vec<(&'static str, Doc)> {
    let sale = |kind: ProductKind,
                state: OrderState,
                product: &str,
                account: &str,
                pins: Vec<(String, String)>,
                failure: Option<&str>| {
        Doc::Sale(SaleInfo {
            order_key: "0190f0a0-1c2d-7e3f-8a4b-5c6d7e8f9a0b".into(),
            platform_order_id: Some("P2026112900001234".into()),
            product: product.into(),
            kind,
            qty: 1,
            account: account.into(),
            price: Money::from_yuan(50),
            face_value: Some(Money::from_yuan(50)),
            payment: cardcat_core::shift::PaymentMethod::Cash,
            state,
            failure: failure.map(Into::into),
            pins,
            copy: false,
        })
    };
    let mut totals = cardcat_core::shift::totals(
        Money::from_yuan(200),
        &[
            cardcat_core::shift::ShiftOrder {
                kind: ProductKind::MobileTopup,
                payment: cardcat_core::shift::PaymentMethod::Cash,
                state: OrderState::Succeeded,
                price: Money::from_yuan(50),
                commission: Money::from_fen(67),
            },
            cardcat_core::shift::ShiftOrder {
                kind: ProductKind::PinCard,
                payment: cardcat_core::shift::PaymentMethod::Wechat,
                state: OrderState::Succeeded,
                price: Money::from_yuan(30),
                commission: Money::from_fen(77),
            },
            cardcat_core::shift::ShiftOrder {
                kind: ProductKind::MobileTopup,
                payment: cardcat_core::shift::PaymentMethod::Cash,
                state: OrderState::Failed,
                price: Money::from_yuan(20),
                commission: Money::ZERO,
            },
        ],
        &[Money::from_yuan(28)],
    );
    totals.float = Money::from_yuan(200);
    let pin = vec![(
        "4509805184740767".to_string(),
        "R13N1TBQJRG8HKHF39".to_string(),
    )];
    let (pn, pin_name, direct, red) = match lang {
        Lang::ZhCn => (
            "中国移动话费50元",
            "网易一卡通50元",
            "腾讯视频VIP月卡",
            "喜茶多肉葡萄兑换券",
        ),
        Lang::En => (
            "China Mobile top-up 50",
            "NetEase card 50",
            "Tencent Video VIP month",
            "HEYTEA drink voucher",
        ),
    };
    vec![
        (
            "topup",
            sale(
                ProductKind::MobileTopup,
                OrderState::Succeeded,
                pn,
                "138 0013 8000",
                vec![],
                None,
            ),
        ),
        (
            "pin-card",
            sale(
                ProductKind::PinCard,
                OrderState::Succeeded,
                pin_name,
                "",
                pin,
                None,
            ),
        ),
        (
            "direct-topup",
            sale(
                ProductKind::DirectTopup,
                OrderState::Succeeded,
                direct,
                "13900001234",
                vec![],
                None,
            ),
        ),
        (
            "pending",
            sale(
                ProductKind::MobileTopup,
                OrderState::Unknown,
                pn,
                "13800138501",
                vec![],
                None,
            ),
        ),
        (
            "failed",
            sale(
                ProductKind::MobileTopup,
                OrderState::Failed,
                pn,
                "13800138201",
                vec![],
                Some("invalid_account"),
            ),
        ),
        (
            "redemption",
            Doc::Redemption(RedemptionInfo {
                request_id: "0190f0a0-2222-7000-8000-000000000002".into(),
                code: "CC-TEST-0002".into(),
                title: red.into(),
                value: Money::from_fen(2800),
                cancelled: false,
                cancel_until: Some("2026-11-29 20:40:00".into()),
            }),
        ),
        (
            "x-report",
            Doc::Shift(ShiftInfoR {
                shift_id: "0190f0a0-3333-7000".into(),
                closing: false,
                opened: "2026-11-29 08:00:00".into(),
                closed: None,
                totals: totals.clone(),
                counted: None,
                over_short: None,
            }),
        ),
        (
            "z-report",
            Doc::Shift(ShiftInfoR {
                shift_id: "0190f0a0-3333-7000".into(),
                closing: true,
                opened: "2026-11-29 08:00:00".into(),
                closed: Some("2026-11-29 20:00:00".into()),
                totals: totals.clone(),
                counted: Some(Money::from_fen(24850)),
                over_short: Some(Money::from_fen(-150)),
            }),
        ),
        (
            "test-page",
            Doc::TestPage {
                profile: "xprinter-80".into(),
                width_mm: 80,
                mode: "chinese-gb18030".into(),
            },
        ),
        ("code-page-probe", Doc::CodePageProbe),
    ]
}

/// The context of the sample receipts (fixed time, so previews and snapshots are stable).
pub fn sample_context(lang: Lang) -> ReceiptContext {
    ReceiptContext {
        store_name: match lang {
            Lang::ZhCn => "卡盟猫便利店（福田店）".into(),
            Lang::En => "CardCat Convenience".into(),
        },
        terminal_id: "T-0001".into(),
        cashier: match lang {
            Lang::ZhCn => "小王".into(),
            Lang::En => "Wang".into(),
        },
        time: "2026-11-29 20:30:00".into(),
        footer: Some(match lang {
            Lang::ZhCn => "谢谢惠顾，欢迎再来".into(),
            Lang::En => "Thank you!".into(),
        }),
        lang,
        logo: false,
    }
}

fn need_config_role(ctx: &Ctx, store: &Store) -> Result<(), CliError> {
    let users: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap_or(0);
    if users == 0 {
        return Ok(()); // first install: no accounts yet
    }
    let secrets = &*ctx.secrets;
    let mut eng = cardcat_engine::Engine::open(
        Store::open(store.path()).map_err(store_err(ctx.lang))?,
        secrets,
    )
    .map_err(|e| CliError(e.message(ctx.lang)))?;
    let (Some(u), Some(p)) = (ctx.user.as_deref(), ctx.pin.as_deref()) else {
        return Err(CliError(ctx.t(
            "配置打印机需要店主或安装人员登录（--user --pin）",
            "Configuring the printer needs an owner or installer login (--user --pin)",
        )));
    };
    let s = eng.login(u, p).map_err(|e| CliError(e.message(ctx.lang)))?;
    s.require(Action::ConfigurePrinter)
        .map_err(|e| CliError(e.message(ctx.lang)))
}

pub async fn printer(ctx: &mut Ctx, cmd: PrinterCmd) -> Result<i32, CliError> {
    let lang = ctx.lang;
    match cmd {
        PrinterCmd::Profiles => {
            for p in profile::PROFILES {
                ctx.say(format!(
                    "{:<14} {:<4} {:<16} {}",
                    p.id,
                    format!("{}", p.width.cols()),
                    p.mode.as_str(),
                    p.name
                ));
            }
            Ok(0)
        }
        PrinterCmd::Emulate {
            host,
            port,
            out,
            width,
            paper_out,
        } => {
            let width = PaperWidth::parse(&width)
                .ok_or_else(|| CliError(ctx.t("纸宽应为 58 或 80", "Width is 58 or 80")))?;
            let ip: std::net::IpAddr =
                host.parse().map_err(|_| CliError(format!("host {host}")))?;
            let emu = cardcat_printer::emulator::Emulator::start(
                std::net::SocketAddr::new(ip, port),
                out.clone(),
                width,
            )
            .await
            .map_err(|e| CliError(e.to_string()))?;
            if paper_out {
                emu.set_status(cardcat_printer::status::PrinterStatus {
                    paper_out: true,
                    ..cardcat_printer::status::PrinterStatus::ready()
                });
            }
            ctx.say(match lang {
                Lang::ZhCn => format!(
                    "虚拟打印机已启动：{}（{} mm{}），小票保存到 {}；Ctrl-C 结束",
                    emu.target(),
                    if width == PaperWidth::Mm58 { 58 } else { 80 },
                    if paper_out { "，模拟缺纸" } else { "" },
                    out.display()
                ),
                Lang::En => format!(
                    "Virtual printer at {} ({} mm{}), jobs saved to {}; Ctrl-C to stop",
                    emu.target(),
                    if width == PaperWidth::Mm58 { 58 } else { 80 },
                    if paper_out {
                        ", simulating paper out"
                    } else {
                        ""
                    },
                    out.display()
                ),
            });
            let _ = tokio::signal::ctrl_c().await;
            emu.stop();
            Ok(0)
        }
        PrinterCmd::Find {
            subnet,
            port,
            timeout_ms,
        } => {
            let subnet = subnet
                .or_else(cardcat_printer::transport::local_subnet)
                .unwrap_or_else(|| "192.168.1.0/24".into());
            let hosts = cardcat_printer::transport::hosts_of(&subnet).ok_or_else(|| {
                CliError(format!(
                    "{}{subnet}",
                    ctx.t(
                        "网段格式应为 192.168.1.0/24（最大 /22）：",
                        "Subnet like 192.168.1.0/24 (at most /22): "
                    )
                ))
            })?;
            let m = match lang {
                Lang::ZhCn => format!(
                    "正在扫描 {subnet} 的 {port} 端口（{} 台主机）……",
                    hosts.len()
                ),
                Lang::En => format!("Scanning {subnet} port {port} ({} hosts)…", hosts.len()),
            };
            ctx.say(m);
            let found = tokio::task::spawn_blocking(move || {
                cardcat_printer::transport::find_tcp(
                    &hosts,
                    port,
                    Duration::from_millis(timeout_ms),
                )
            })
            .await
            .map_err(|e| CliError(e.to_string()))?;
            for f in &found {
                let st = f
                    .status
                    .map(|s| s.describe(lang))
                    .unwrap_or_else(|| ctx.t("未应答状态查询", "no status answer"));
                ctx.say(format!("  {}  {st}", f.target));
            }
            for t in cardcat_printer::transport::find_device_files() {
                let m = ctx.t("USB 设备文件", "USB device file");
                ctx.say(format!("  {t}  ({m})"));
            }
            if found.is_empty() {
                let m = ctx.t(
                    "网络上没有找到打印机；请确认打印机与收银机在同一网段，或用 --subnet 指定",
                    "No network printer found; check it is on the same subnet, or pass --subnet",
                );
                ctx.say(m);
            }
            Ok(i32::from(found.is_empty()))
        }
        PrinterCmd::Set {
            target,
            profile: pid,
            footer,
            logo,
        } => {
            let store = ctx.open_store()?;
            need_config_role(ctx, &store)?;
            let t: Target = target
                .parse()
                .map_err(|e: PrintError| CliError(e.message(lang)))?;
            let p = profile::find(&pid).ok_or_else(|| {
                CliError(format!(
                    "{}{pid}",
                    ctx.t(
                        "未知型号配置（见 cardcat printer profiles）：",
                        "Unknown profile (see cardcat printer profiles): "
                    )
                ))
            })?;
            store
                .set_setting(K_PRINTER_TARGET, &t.to_string())
                .map_err(store_err(lang))?;
            store
                .set_setting(K_PRINTER_PROFILE, p.id)
                .map_err(store_err(lang))?;
            if let Some(f) = footer {
                store
                    .set_setting(K_RECEIPT_FOOTER, &f)
                    .map_err(store_err(lang))?;
            }
            store
                .set_setting(K_RECEIPT_LOGO, if logo { "1" } else { "0" })
                .map_err(store_err(lang))?;
            ctx.say(match lang {
                Lang::ZhCn => format!("打印机已设置：{t}（{}）", p.name),
                Lang::En => format!("Printer set: {t} ({})", p.name),
            });
            Ok(0)
        }
        PrinterCmd::Status { target } => {
            let store = ctx.open_store()?;
            let t = match target {
                Some(t) => t
                    .parse()
                    .map_err(|e: PrintError| CliError(e.message(lang)))?,
                None => configured(&store).map(|c| c.0).ok_or_else(|| {
                    CliError(ctx.t(
                        "尚未设置打印机（cardcat printer set）",
                        "No printer set (cardcat printer set)",
                    ))
                })?,
            };
            let s =
                tokio::task::spawn_blocking(move || cardcat_printer::transport::query(&t, TIMEOUT))
                    .await
                    .map_err(|e| CliError(e.to_string()))?;
            match s {
                Ok(Some(st)) => {
                    ctx.say(st.describe(lang));
                    Ok(i32::from(!st.can_print()))
                }
                Ok(None) => {
                    let m = ctx.t(
                        "此连接方式不支持实时状态",
                        "This connection does not report status",
                    );
                    ctx.say(m);
                    Ok(0)
                }
                Err(e) => Err(CliError(e.message(lang))),
            }
        }
        PrinterCmd::Test {
            target,
            profile: pid,
            probe,
        } => {
            let store = ctx.open_store()?;
            let (t, p) = resolve(ctx, &store, target, pid)?;
            let doc = if probe {
                Doc::CodePageProbe
            } else {
                Doc::TestPage {
                    profile: p.id.into(),
                    width_mm: if p.width == PaperWidth::Mm58 { 58 } else { 80 },
                    mode: p.mode.as_str().into(),
                }
            };
            let mut rctx = context(&store, lang, "installer");
            rctx.logo = true;
            let bytes = encode::receipt_bytes(&doc, &rctx, p, logo_for(&rctx, p).as_ref())
                .map_err(|e| CliError(e.message(lang)))?;
            let r = tokio::task::spawn_blocking(move || {
                cardcat_printer::transport::send(&t, &bytes, TIMEOUT)
            })
            .await
            .map_err(|e| CliError(e.to_string()))?;
            match r {
                Ok(rep) => {
                    let st = rep
                        .after
                        .or(rep.before)
                        .map(|s| s.describe(lang))
                        .unwrap_or_else(|| "-".into());
                    ctx.say(match lang {
                        Lang::ZhCn => format!("测试页已发送（打印机状态：{st}）"),
                        Lang::En => format!("Test page sent (printer status: {st})"),
                    });
                    Ok(0)
                }
                Err(e) => Err(CliError(e.message(lang))),
            }
        }
        PrinterCmd::Samples {
            target,
            profile: pid,
            preview_dir,
        } => {
            let store = ctx.open_store()?;
            let (t, p) = match (
                &preview_dir,
                target.is_some() || configured(&store).is_some(),
            ) {
                (Some(_), false) => (
                    None,
                    profile::find(pid.as_deref().unwrap_or(profile::DEFAULT_PROFILE))
                        .ok_or_else(|| CliError("profile".into()))?,
                ),
                _ => {
                    let (t, p) = resolve(ctx, &store, target, pid)?;
                    (Some(t), p)
                }
            };
            let rctx = sample_context(lang);
            for (name, doc) in samples(lang) {
                let bytes = encode::receipt_bytes(&doc, &rctx, p, None)
                    .map_err(|e| CliError(e.message(lang)))?;
                if let Some(dir) = &preview_dir {
                    std::fs::create_dir_all(dir).map_err(|e| CliError(e.to_string()))?;
                    let png = render::render_png(&decode::decode(&bytes), p.width);
                    std::fs::write(dir.join(format!("{name}.png")), png)
                        .map_err(|e| CliError(e.to_string()))?;
                }
                if let Some(t) = t.clone() {
                    let r = tokio::task::spawn_blocking(move || {
                        cardcat_printer::transport::send(&t, &bytes, TIMEOUT)
                    })
                    .await
                    .map_err(|e| CliError(e.to_string()))?;
                    r.map_err(|e| CliError(format!("{name}: {}", e.message(lang))))?;
                }
                ctx.say(format!("✓ {name}"));
            }
            Ok(0)
        }
        PrinterCmd::Queue { retry, reprint } => {
            let store = ctx.open_store()?;
            let c = store.conn();
            let _ = queue::recover(c);
            if let Some(id) = reprint {
                let new = queue::requeue_copy(c, &id)
                    .map_err(|e| CliError(e.to_string()))?
                    .ok_or_else(|| CliError(format!("job {id}")))?;
                ctx.say(format!("+ {new}"));
            }
            if (retry || ctx.user.is_some())
                && let Some((t, _)) = configured(&store)
            {
                let r =
                    queue::process(c, &t, TIMEOUT, true).map_err(|e| CliError(e.to_string()))?;
                ctx.say(match lang {
                    Lang::ZhCn => format!(
                        "补打 {} 张，仍在等待 {} 张，需确认 {} 张",
                        r.printed.len(),
                        r.waiting.len(),
                        r.uncertain.len()
                    ),
                    Lang::En => format!(
                        "printed {}, waiting {}, to confirm {}",
                        r.printed.len(),
                        r.waiting.len(),
                        r.uncertain.len()
                    ),
                });
            }
            for j in queue::list(c, 30).map_err(|e| CliError(e.to_string()))? {
                ctx.say(format!(
                    "{} {:<10} {:<10} {} {}",
                    j.id,
                    j.state,
                    j.kind,
                    j.title,
                    j.last_error.unwrap_or_default()
                ));
            }
            Ok(0)
        }
        PrinterCmd::Preview { input, out, width } => {
            let bytes =
                std::fs::read(&input).map_err(|e| CliError(format!("{}: {e}", input.display())))?;
            let width = PaperWidth::parse(&width)
                .ok_or_else(|| CliError(ctx.t("纸宽应为 58 或 80", "Width is 58 or 80")))?;
            let doc = decode::decode(&bytes);
            std::fs::write(&out, render::render_png(&doc, width))
                .map_err(|e| CliError(format!("{}: {e}", out.display())))?;
            ctx.say(doc.text());
            Ok(0)
        }
    }
}

fn resolve(
    ctx: &Ctx,
    store: &Store,
    target: Option<String>,
    pid: Option<String>,
) -> Result<(Target, &'static Profile), CliError> {
    let lang = ctx.lang;
    let conf = configured(store);
    let t = match target {
        Some(t) => t
            .parse()
            .map_err(|e: PrintError| CliError(e.message(lang)))?,
        None => conf.as_ref().map(|c| c.0.clone()).ok_or_else(|| {
            CliError(ctx.t(
                "请用 --target 指定打印机，或先 cardcat printer set",
                "Give --target, or run cardcat printer set first",
            ))
        })?,
    };
    let p = match pid {
        Some(id) => profile::find(&id).ok_or_else(|| CliError(format!("profile {id}")))?,
        None => conf
            .map(|c| c.1)
            .or_else(|| profile::find(profile::DEFAULT_PROFILE))
            .ok_or_else(|| CliError("profile".into()))?,
    };
    Ok((t, p))
}
