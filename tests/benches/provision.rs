//! The provisioning figure (issue 12), printed by `cargo bench -p cardcat-tests --bench provision`:
//! from a provisioning file to a paired terminal whose test page reached the printer, on
//! loopback (goal ≤ 10 s). Each run uses a new terminal, a new pairing code and a virtual
//! printer; the catalog sync, the owner and the kiosk entry are part of every run.
//! 1. through the counter service (`Counter::provision`), 20 runs;
//! 2. as an installer runs it: the `cardcat provision --file F` process (the real CLI entry,
//!    kernel keyring), 10 runs, timed from spawn until the page is at the printer.

#![allow(clippy::float_arithmetic, clippy::cast_precision_loss)] // timing figures, not money

use std::time::{Duration, Instant};

use cardcat_counter::provision::Provision;
use cardcat_counter::{Counter as Service, TerminalConfig};
use cardcat_printer::doc::PaperWidth;
use cardcat_printer::emulator::Emulator;
use cardcat_tests::Env;
use cardcat_tests::timing::{ms, pct};

fn file(url: &str, code: &str, target: &str) -> String {
    format!(
        "[platform]\nurl = \"{url}\"\npairing_code = \"{code}\"\n\n[store]\ndisplay_name = \"便民超市（福田店）\"\n\n\
         [printer]\ntarget = \"{target}\"\nprofile = \"xprinter-58\"\nwidth_mm = 58\ntest_print = true\n\n\
         [terminal]\nlanguage = \"zh-CN\"\nkiosk = true\n\n[owner]\nid = \"laoban\"\nname = \"王老板\"\npin = \"2468\"\n"
    )
}

async fn printed(emu: &Emulator, n: usize) -> bool {
    for _ in 0..500 {
        if emu.jobs().len() >= n {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    false
}

fn report(what: &str, mut d: Vec<Duration>) {
    d.sort();
    println!(
        "{what}: {} runs, median {:.0} ms, p90 {:.0} ms, max {:.0} ms (goal ≤ 10 s)",
        d.len(),
        ms(pct(&d, 0.5)),
        ms(pct(&d, 0.9)),
        ms(pct(&d, 1.0))
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let env = Env::start(0).await;
        let out = tempfile::tempdir().expect("tempdir");
        let emu = Emulator::start(
            "127.0.0.1:0".parse().expect("addr"),
            out.path().join("printer"),
            PaperWidth::Mm58,
        )
        .await
        .expect("printer");
        let target = emu.target().trim_start_matches("tcp://").to_string();

        // 1. the counter service
        let mut times = Vec::new();
        for i in 0..20 {
            let text = file(&env.url(), &env.pairing_code(), &target);
            let t = Instant::now();
            let s = Service::open(
                TerminalConfig {
                    db: env.terminal_db(&format!("bench-{i}.sqlite")),
                    lang: cardcat_core::Lang::ZhCn,
                },
                std::sync::Arc::new(cardcat_client::secrets::MemoryStore::default()),
            )
            .expect("open");
            let p = Provision::parse(&text)
                .expect("file")
                .with_autostart_dir(out.path().join(format!("autostart-{i}")));
            let r = s.provision(&p).await.expect("provision");
            assert!(r.paired && r.test_printed && r.owner_created);
            assert!(printed(&emu, times.len() + 1).await, "the test page arrives");
            times.push(t.elapsed());
        }
        report(
            "provisioning from file to a paired terminal with a test print (counter service)",
            times,
        );

        // 2. the CLI process, as the package's post-install step runs it
        let cli = env!("CARGO_BIN_EXE_cardcat-it");
        let before = emu.jobs().len();
        let mut times = Vec::new();
        for i in 0..10 {
            let f = out.path().join(format!("provision-{i}.toml"));
            std::fs::write(&f, file(&env.url(), &env.pairing_code(), &target)).expect("file");
            let home = out.path().join(format!("home-{i}"));
            let t = Instant::now();
            let o = tokio::task::spawn_blocking(move || {
                std::process::Command::new(cli)
                    .args(["provision", "--file"])
                    .arg(&f)
                    .env("HOME", &home)
                    .env("XDG_CONFIG_HOME", home.join(".config"))
                    .env("CARDCAT_DB", home.join("cardcat.sqlite"))
                    .env("CARDCAT_KEYRING", "keyutils")
                    .stdin(std::process::Stdio::null())
                    .output()
            })
            .await
            .expect("thread")
            .expect("cardcat provision");
            assert!(
                o.status.success(),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(printed(&emu, before + i + 1).await, "the test page arrives");
            times.push(t.elapsed());
        }
        report(
            "provisioning from file to a paired terminal with a test print (cardcat provision process)",
            times,
        );
        emu.stop();
    });
}
