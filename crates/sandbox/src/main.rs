//! `cardcat-sandbox`: run the platform sandbox, mint pairing codes and vouchers.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use cardcat_core::Money;
use cardcat_sandbox::{
    DEFAULT_ACTIVATE_LOCKOUT_SECS, DEFAULT_ACTIVATE_MAX_FAILURES_GLOBAL,
    DEFAULT_ACTIVATE_MAX_FAILURES_PER_CLIENT, DEFAULT_ACTIVATE_WINDOW_SECS, SandboxConfig,
    create_pairing_code, create_voucher,
};
use cardcat_wire::NewVoucherRequest;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cardcat-sandbox",
    version,
    about = "Sandbox of the upstream 卡盟 platform for CardCat"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the platform API until Ctrl-C.
    Serve {
        #[arg(long, default_value = "./sandbox.sqlite")]
        db: PathBuf,
        #[arg(long, default_value_t = 8787)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Generated SKUs on top of the base catalog (max 100000).
        #[arg(long, default_value_t = 0)]
        extra_skus: u32,
        /// Apply a churn batch every S seconds (0 = never).
        #[arg(long, default_value_t = 0)]
        churn_every_secs: u64,
        /// Changes per churn batch.
        #[arg(long, default_value_t = 10)]
        churn_size: u32,
        #[arg(
            long,
            env = "CARDCAT_SANDBOX_ADMIN_TOKEN",
            default_value = "sandbox-admin"
        )]
        admin_token: String,
        /// Seed for generated SKUs.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Seconds a scenario-401 order stays PENDING.
        #[arg(long, default_value_t = 20)]
        slow_secs: u64,
        /// Seconds before a scenario-601 order is REVERSED.
        #[arg(long, default_value_t = 3)]
        reverse_after_secs: u64,
        /// Wrong pairing codes one client (peer IP) may send per window before it is
        /// locked out (0 = unlimited).
        #[arg(long, default_value_t = DEFAULT_ACTIVATE_MAX_FAILURES_PER_CLIENT)]
        activate_max_failures_per_client: u32,
        /// Wrong pairing codes of all clients together per window before every
        /// activation is locked out (0 = unlimited).
        #[arg(long, default_value_t = DEFAULT_ACTIVATE_MAX_FAILURES_GLOBAL)]
        activate_max_failures_global: u32,
        /// The window (seconds) the wrong-code limits count over.
        #[arg(long, default_value_t = DEFAULT_ACTIVATE_WINDOW_SECS)]
        activate_window_secs: u64,
        /// How long (seconds) a lockout lasts; a correct code is refused meanwhile too.
        #[arg(long, default_value_t = DEFAULT_ACTIVATE_LOCKOUT_SECS)]
        activate_lockout_secs: u64,
    },
    /// Print a fresh one-time pairing code (works without the server).
    PairingCode {
        #[arg(long, default_value = "./sandbox.sqlite")]
        db: PathBuf,
        /// Store id (default S001).
        #[arg(long)]
        store: Option<String>,
    },
    /// Print a fresh redeemable voucher code (works without the server).
    Voucher {
        #[arg(long, default_value = "./sandbox.sqlite")]
        db: PathBuf,
        #[arg(long)]
        title: String,
        /// Value in 元, e.g. 50 or 12.50.
        #[arg(long)]
        value: Money,
        #[arg(long, default_value = "CardCat 合作商户")]
        merchant: String,
        #[arg(long, default_value_t = 30 * 86_400, allow_negative_numbers = true)]
        expires_in_secs: i64,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.cmd {
        Cmd::Serve {
            db,
            port,
            host,
            extra_skus,
            churn_every_secs,
            churn_size,
            admin_token,
            seed,
            slow_secs,
            reverse_after_secs,
            activate_max_failures_per_client,
            activate_max_failures_global,
            activate_window_secs,
            activate_lockout_secs,
        } => {
            let config = SandboxConfig {
                db_path: db,
                extra_skus,
                admin_token,
                seed,
                slow_secs,
                reverse_after_secs,
                activate_max_failures_per_client,
                activate_max_failures_global,
                activate_window_secs,
                activate_lockout_secs,
            };
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(serve(
                config,
                SocketAddr::new(host, port),
                churn_every_secs,
                churn_size,
            ))
        }
        Cmd::PairingCode { db, store } => {
            let p = create_pairing_code(&db, store.as_deref())?;
            println!("{}", p.code);
            eprintln!(
                "store {} — one-time code, enter it on the POS to activate",
                p.store_id
            );
            Ok(())
        }
        Cmd::Voucher {
            db,
            title,
            value,
            merchant,
            expires_in_secs,
        } => {
            let v = create_voucher(
                &db,
                &NewVoucherRequest {
                    title,
                    merchant,
                    value,
                    expires_in_secs,
                },
            )?;
            println!("{}", v.code);
            eprintln!(
                "{} ¥{} ({}), expires_at_ms {}",
                v.title, v.value, v.merchant, v.expires_at_ms
            );
            Ok(())
        }
    }
}

async fn serve(
    config: SandboxConfig,
    bind: SocketAddr,
    churn_every_secs: u64,
    churn_size: u32,
) -> anyhow::Result<()> {
    let sandbox = cardcat_sandbox::start(config, bind).await?;
    println!("CardCat sandbox listening on {}", sandbox.url());
    let churn = async {
        if churn_every_secs == 0 || churn_size == 0 {
            return std::future::pending::<()>().await;
        }
        let mut tick = tokio::time::interval(Duration::from_secs(churn_every_secs));
        tick.tick().await;
        loop {
            tick.tick().await;
            match sandbox.churn(churn_size).await {
                Ok(r) => tracing::info!(version = r.version, changed = r.changed, "periodic churn"),
                Err(e) => tracing::error!(error = %e, "periodic churn failed"),
            }
        }
    };
    tokio::select! {
        r = tokio::signal::ctrl_c() => { r?; }
        () = terminate() => {}
        () = churn => {}
    }
    tracing::info!("shutting down");
    sandbox.shutdown().await;
    Ok(())
}

/// Resolves on SIGTERM (Unix), so `kill PID` also shuts down cleanly.
async fn terminate() {
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await;
}
