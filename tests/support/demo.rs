//! `cardcat-demo`: the whole product in one go, for developers (`./x demo`). It starts
//! the sandbox platform in-process, then drives the real `cardcat` commands through the
//! counter service: pair, sync, search, doctor, a virtual printer, users, a shift, every
//! kind of sale, a redemption, the Z report, commission and reconciliation.
//! A dev tool: the production `cardcat` binary links no sandbox.

use std::path::PathBuf;
use std::sync::Arc;

use cardcat_cli::{
    CatalogCmd, CliError, Cmd, CommissionCmd, Ctx, OrdersCmd, PrinterCmd, ShiftCmd, UserCmd, run,
};
use cardcat_core::{Lang, t};
use cardcat_counter::TerminalConfig;
use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    name = "cardcat-demo",
    about = "CardCat end-to-end demo against the sandbox"
)]
struct Args {
    /// Where the demo keeps its SQLite files and receipts (default: a new temp dir).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Generated SKUs on top of the seeded catalog.
    #[arg(long, default_value_t = 5000)]
    extra_skus: u32,
    /// Keep the sandbox serving after the demo until Ctrl-C.
    #[arg(long)]
    serve: bool,
    /// zh-CN (default) or en.
    #[arg(long)]
    lang: Option<String>,
}

fn main() {
    let a = Args::parse();
    let lang = cardcat_counter::terminal::detect_lang(a.lang.as_deref());
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    if let Err(CliError(m)) = rt.block_on(demo(a, lang)) {
        eprintln!("{} {m}", t!(lang, "cli.error_prefix"));
        std::process::exit(1);
    }
}

async fn demo(a: Args, lang: Lang) -> Result<(), CliError> {
    let fail = |e: String| CliError(e);
    let dir = a.dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("cardcat-demo-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    let sandbox_db = dir.join("sandbox.sqlite");
    let mut cfg = cardcat_sandbox::SandboxConfig::new(&sandbox_db);
    cfg.extra_skus = a.extra_skus;
    let sb = cardcat_sandbox::start(cfg, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| fail(format!("sandbox: {e:#}")))?;
    let url = sb.url();
    let secrets: Arc<dyn cardcat_client::SecretStore> =
        Arc::from(cardcat_client::secrets::from_env());
    let mut ctx = Ctx::open(
        TerminalConfig {
            db: dir.join("terminal.sqlite"),
            lang,
        },
        secrets,
        Box::new(std::io::stdout()),
    )?;
    let head = |ctx: &mut Ctx, key: &str| {
        let m = t!(ctx.lang(), key);
        ctx.say(format!("== {m}"));
    };
    ctx.say(format!("== {} {url}", t!(lang, "demo.sandbox")));
    let code = cardcat_sandbox::create_pairing_code(&sandbox_db, None)
        .map_err(|e| fail(format!("{e:#}")))?;
    ctx.say(format!(
        "== {} {}",
        t!(lang, "demo.pairing_code"),
        code.code
    ));
    run(
        Cmd::Activate {
            url: url.clone(),
            code: code.code,
            device: "demo-counter".into(),
            move_store: false,
        },
        &mut ctx,
    )
    .await?;
    head(&mut ctx, "demo.sync");
    run(
        Cmd::Catalog {
            cmd: CatalogCmd::Sync { full: false },
        },
        &mut ctx,
    )
    .await?;
    for q in ["txsp", "yk", "50", "话费", "qb"] {
        ctx.say(format!("== {} «{q}»", t!(lang, "demo.search")));
        let cmd = CatalogCmd::Search {
            query: q.into(),
            limit: 5,
            json: false,
        };
        run(Cmd::Catalog { cmd }, &mut ctx).await?;
    }
    let churn = sb.churn(100).await.map_err(|e| fail(format!("{e:#}")))?;
    ctx.say(format!("== {} {}", t!(lang, "demo.churn"), churn.version));
    run(
        Cmd::Catalog {
            cmd: CatalogCmd::Sync { full: false },
        },
        &mut ctx,
    )
    .await?;
    head(&mut ctx, "demo.doctor");
    run(Cmd::Doctor, &mut ctx).await?;

    // The counter: a virtual receipt printer, an owner and a cashier, sales of every kind.
    let out = dir.join("printer-out");
    let emu = cardcat_printer::emulator::Emulator::start(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        out.clone(),
        cardcat_printer::PaperWidth::Mm80,
    )
    .await
    .map_err(|e| fail(e.to_string()))?;
    ctx.say(format!("== {} {}", t!(lang, "demo.printer"), emu.target()));
    run(
        Cmd::Printer {
            cmd: PrinterCmd::Set {
                target: emu.target(),
                profile: "xprinter-80".into(),
                footer: None,
                logo: false,
            },
        },
        &mut ctx,
    )
    .await?;
    let add = |id: &str, name_key: &str, role: &str, pin: &str| Cmd::User {
        cmd: UserCmd::Add {
            id: id.into(),
            name: t!(lang, name_key),
            role: role.into(),
            new_pin: pin.into(),
        },
    };
    run(add("boss", "demo.owner_name", "owner", "8888"), &mut ctx).await?;
    ctx.user = Some("boss".into());
    ctx.pin = Some("8888".into());
    run(add("c1", "demo.cashier_name", "cashier", "1234"), &mut ctx).await?;
    ctx.user = Some("c1".into());
    ctx.pin = Some("1234".into());
    run(
        Cmd::Shift {
            cmd: ShiftCmd::Open {
                float: "200".into(),
            },
        },
        &mut ctx,
    )
    .await?;
    for (sku, acct, wait, what) in [
        ("CM-HF-50", "13800138000", 30, "demo.sale_topup"),
        ("WY-YKT-30", "", 30, "demo.sale_pin"),
        ("TX-VIP-M", "13900139000", 30, "demo.sale_direct"),
        ("CM-HF-30", "13800138201", 30, "demo.sale_invalid"),
        ("CM-HF-20", "13800138501", 0, "demo.sale_lost_answer"),
    ] {
        ctx.say(format!("-- {}", t!(lang, what)));
        let cmd = Cmd::Sell {
            sku: sku.into(),
            account: acct.into(),
            zone: None,
            qty: 1,
            pay: "cash".into(),
            override_user: None,
            override_pin: None,
            replaces: None,
            confirm_repeat: None,
            wait_secs: wait,
            no_print: false,
        };
        run(cmd, &mut ctx).await?;
    }
    let cmd = OrdersCmd::Resume {
        all_now: true,
        until_settled: 10,
    };
    run(Cmd::Orders { cmd }, &mut ctx).await?;
    ctx.say(format!("-- {}", t!(lang, "demo.redemption")));
    let cmd = Cmd::Redeem {
        code: Some("CC-TEST-0001".into()),
        prepare_only: false,
        cancel: None,
        query: None,
    };
    run(cmd, &mut ctx).await?;
    run(
        Cmd::Shift {
            cmd: ShiftCmd::Close {
                counted: "330".into(),
            },
        },
        &mut ctx,
    )
    .await?;
    ctx.user = Some("boss".into());
    ctx.pin = Some("8888".into());
    let cmd = CommissionCmd::Report {
        from: None,
        to: None,
        by: "product".into(),
        csv: false,
    };
    run(Cmd::Commission { cmd }, &mut ctx).await?;
    run(
        Cmd::Commission {
            cmd: CommissionCmd::Reconcile { date: None },
        },
        &mut ctx,
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    ctx.say(format!(
        "== {} {}",
        t!(lang, "demo.receipts"),
        out.display()
    ));
    for j in emu.jobs() {
        ctx.say(format!("   {}", j.png.display()));
    }
    emu.stop();
    if a.serve {
        ctx.say(t!(lang, "demo.serving"));
        let _ = tokio::signal::ctrl_c().await;
    }
    sb.shutdown().await;
    Ok(())
}
