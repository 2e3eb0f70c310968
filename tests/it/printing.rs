//! Printing for real over TCP: the `escpos` network driver against the emulator; every
//! receipt type from the CLI at both widths; paper-out leaves the job queued and the sale
//! intact; a job that may have printed is never re-sent automatically.

use std::time::Duration;

use cardcat_cli::{Cmd, Ctx, PrinterCmd};
use cardcat_core::{Lang, OrderState};
use cardcat_printer::doc::PaperWidth;
use cardcat_printer::emulator::Emulator;
use cardcat_printer::status::{PrintError, PrinterStatus};
use cardcat_printer::transport::{self, Target};
use cardcat_printer::{profile, queue};
use cardcat_tests::Counter;

use cardcat_tests::CaptureOut as Out;

async fn emulator(width: PaperWidth) -> (Emulator, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::start(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().to_path_buf(),
        width,
    )
    .await
    .unwrap();
    (emu, dir)
}

async fn wait_jobs(emu: &Emulator, n: usize) -> Vec<cardcat_printer::emulator::EmuJob> {
    for _ in 0..100 {
        let j = emu.jobs();
        if j.len() >= n {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    emu.jobs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_escpos_network_driver_prints_on_the_emulator() {
    let (emu, _dir) = await_emu(PaperWidth::Mm80).await;
    let t: Target = emu.target().parse().unwrap();
    let p = profile::find("xprinter-80").unwrap();
    let ctx = cardcat_counter::printing::sample_context(Lang::ZhCn);
    let (_, doc) = cardcat_counter::printing::samples(Lang::ZhCn)
        .into_iter()
        .nth(1)
        .unwrap();
    let bytes = cardcat_printer::encode::receipt_bytes(&doc, &ctx, p, None).unwrap();
    let n = bytes.len();
    let rep =
        tokio::task::spawn_blocking(move || transport::send(&t, &bytes, Duration::from_secs(2)))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        rep.before,
        Some(PrinterStatus::ready()),
        "status polled before the job"
    );
    let jobs = wait_jobs(&emu, 1).await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].bytes, n, "status polls are not part of the job");
    assert!(jobs[0].text.contains("卡密"), "{}", jobs[0].text);
    let png = std::fs::read(&jobs[0].png).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // paper out: refused before anything is sent
    emu.set_status(PrinterStatus {
        paper_out: true,
        ..PrinterStatus::ready()
    });
    let t: Target = emu.target().parse().unwrap();
    let e = tokio::task::spawn_blocking(move || {
        transport::send(&t, b"\x1b@hello\n", Duration::from_secs(2))
    })
    .await
    .unwrap()
    .unwrap_err();
    assert!(matches!(e, PrintError::NotReady(s) if s.paper_out), "{e:?}");
    assert_eq!(emu.jobs().len(), 1);
    emu.stop();
}

async fn await_emu(w: PaperWidth) -> (Emulator, tempfile::TempDir) {
    emulator(w).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_receipt_type_prints_from_the_cli_at_both_widths() {
    for (w, pid, cols_dots) in [
        (PaperWidth::Mm58, "xprinter-58", 384u32),
        (PaperWidth::Mm80, "xprinter-80", 576),
    ] {
        let (emu, _dir) = emulator(w).await;
        let db = tempfile::tempdir().unwrap();
        let out = Out::default();
        let mut ctx = Ctx::open(
            cardcat_counter::TerminalConfig {
                db: db.path().join("t.sqlite"),
                lang: Lang::ZhCn,
            },
            std::sync::Arc::new(cardcat_client::secrets::MemoryStore::default()),
            Box::new(out.clone()),
        )
        .unwrap();
        let code = cardcat_cli::run(
            Cmd::Printer {
                cmd: PrinterCmd::Samples {
                    target: Some(emu.target()),
                    profile: Some(pid.into()),
                    preview_dir: None,
                },
            },
            &mut ctx,
        )
        .await
        .unwrap();
        assert_eq!(code, 0);
        let samples = cardcat_counter::printing::samples(Lang::ZhCn);
        let jobs = wait_jobs(&emu, samples.len()).await;
        assert_eq!(jobs.len(), samples.len(), "one job per receipt type");
        for j in &jobs {
            let png = std::fs::read(&j.png).unwrap();
            let dec = png::Decoder::new(std::io::Cursor::new(png));
            let info = dec.read_info().unwrap();
            assert_eq!(info.info().width, cols_dots, "{pid}");
            assert!(
                j.text
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "Chinese text decoded: {}",
                j.text
            );
        }
        let all: String = jobs.iter().map(|j| j.text.clone()).collect();
        for needle in [
            "话费",
            "卡密",
            "直充",
            "处理中",
            "退款",
            "核销",
            "X 报表",
            "Z 报表",
            "测试页",
            "编码探测",
        ] {
            assert!(all.contains(needle), "{pid}: {needle} missing");
        }
        emu.stop();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_out_queues_the_receipt_and_keeps_the_sale() {
    let mut c = Counter::start(|_| {}).await;
    let (emu, _dir) = emulator(PaperWidth::Mm80).await;
    c.engine
        .store()
        .set_setting(cardcat_engine::K_PRINTER_TARGET, &emu.target())
        .unwrap();
    c.engine
        .store()
        .set_setting(cardcat_engine::K_PRINTER_PROFILE, "xprinter-80")
        .unwrap();
    emu.set_status(PrinterStatus {
        paper_out: true,
        ..PrinterStatus::ready()
    });
    let cashier = c.cashier.clone();

    // a receipt without PINs waits in the queue and prints once the paper is back
    let topup = c.sell("CM-HF-50", "13800138000").await.unwrap();
    assert_eq!(topup.state, OrderState::Succeeded);
    let outcome = c.service.print_sale(&cashier, &topup, false).await;
    let line = outcome.message(Lang::ZhCn);
    assert!(
        matches!(outcome, cardcat_counter::PrintOutcome::Queued { .. })
            && line.contains("缺纸")
            && line.contains("交易不受影响"),
        "{line}"
    );
    let jobs = queue::list(c.engine.store().conn(), 10).unwrap();
    assert_eq!((jobs.len(), jobs[0].state.as_str()), (1, "queued"));
    assert!(
        jobs[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("paper_out: true")
    );

    // a receipt with PINs in full is never kept in the queue (it would hold the PIN in
    // clear): it is not printed, nothing is queued, and the order stays owed
    let sold = c.sell("WY-YKT-30", "").await.unwrap();
    assert_eq!(sold.state, OrderState::Succeeded);
    assert!(sold.pins_in_full);
    let outcome = c.service.print_sale(&cashier, &sold, false).await;
    assert!(
        matches!(outcome, cardcat_counter::PrintOutcome::Failed { .. }),
        "{outcome:?}"
    );
    assert_eq!(queue::list(c.engine.store().conn(), 10).unwrap().len(), 1);
    let pin = sold.pins[0].pin.clone();
    let db = std::fs::read(&c.db).unwrap_or_default();
    assert!(
        !db.windows(pin.len()).any(|w| w == pin.as_bytes()),
        "no PIN in clear in the store"
    );
    assert_eq!(emu.jobs().len(), 0, "nothing printed");
    let owed: Vec<_> = c.service.owed(&cashier).await.unwrap();
    assert!(owed.iter().any(|o| o.client_key == sold.client_key));

    // paper loaded: the queued job prints exactly once, and hands its result over
    emu.set_status(PrinterStatus::ready());
    let t: Target = emu.target().parse().unwrap();
    let (r, _) = c.service.print_queue(None, true, None).await.unwrap();
    assert_eq!(r.printed, 1);
    let again = queue::process(c.engine.store().conn(), &t, Duration::from_secs(2), true).unwrap();
    assert!(again.printed.is_empty(), "not printed twice");
    assert!(
        c.service
            .show(&cashier, &topup.client_key.to_string(), false)
            .unwrap()
            .handed_over
    );
    // the owed PIN card is delivered: printed in full, once; a reprint is a masked 副本
    let d = c
        .service
        .deliver(&cashier, &sold.client_key.to_string())
        .await
        .unwrap();
    assert!(d.order.handed_over, "{:?}", d.print);
    let printed = wait_jobs(&emu, 2).await;
    assert_eq!(printed.len(), 2);
    assert!(printed[1].text.contains(&pin), "{}", printed[1].text);
    let r = c
        .service
        .reprint(&cashier, &sold.client_key.to_string())
        .await
        .unwrap();
    assert!(r.order.copy);
    let printed = wait_jobs(&emu, 3).await;
    assert!(printed[2].text.contains("副本"), "{}", printed[2].text);
    assert!(!printed[2].text.contains(&pin), "reprint masks the PIN");
    emu.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_may_have_printed_is_not_resent_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let store = cardcat_store::Store::open(dir.path().join("q.sqlite")).unwrap();
    let (emu, _edir) = emulator(PaperWidth::Mm80).await;
    let t: Target = emu.target().parse().unwrap();
    let c = store.conn();
    let id = queue::enqueue(
        c,
        Some("k1"),
        "sale",
        "sale k1",
        b"\x1b@\x1c&job one\n",
        None,
    )
    .unwrap();
    // the process died while sending
    c.execute(
        "UPDATE print_jobs SET state = 'sending' WHERE id = ?1",
        [&id],
    )
    .unwrap();
    assert_eq!(queue::recover(c).unwrap(), 1);
    assert_eq!(queue::get(c, &id).unwrap().unwrap().state, "uncertain");
    let r = queue::process(c, &t, Duration::from_secs(2), true).unwrap();
    assert!(r.printed.is_empty());
    assert_eq!(emu.jobs().len(), 0);
    // asked explicitly: printed once, linked to the original
    let copy = queue::requeue_copy(c, &id).unwrap().unwrap();
    let r = queue::process(c, &t, Duration::from_secs(2), true).unwrap();
    assert_eq!(r.printed, vec![copy.clone()]);
    assert_eq!(
        queue::get(c, &copy).unwrap().unwrap().reprint_of.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(wait_jobs(&emu, 1).await.len(), 1);
    // an unreachable printer keeps the job queued with the reason
    let id2 = queue::enqueue(c, None, "x-report", "x", b"\x1b@x\n", None).unwrap();
    emu.stop();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let r = queue::process(c, &t, Duration::from_millis(500), true).unwrap();
    assert_eq!(r.waiting.len(), 1);
    assert_eq!(queue::get(c, &id2).unwrap().unwrap().state, "queued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_installer_finds_the_printer_and_doctor_reports_it() {
    let (emu, _dir) = emulator(PaperWidth::Mm80).await;
    let port = emu.addr.port();
    let db = tempfile::tempdir().unwrap();
    let out = Out::default();
    let mut ctx = Ctx::open(
        cardcat_counter::TerminalConfig {
            db: db.path().join("t.sqlite"),
            lang: Lang::En,
        },
        std::sync::Arc::new(cardcat_client::secrets::MemoryStore::default()),
        Box::new(out.clone()),
    )
    .unwrap();
    let code = cardcat_cli::run(
        Cmd::Printer {
            cmd: PrinterCmd::Find {
                subnet: Some("127.0.0.1/32".into()),
                port,
                timeout_ms: 500,
            },
        },
        &mut ctx,
    )
    .await
    .unwrap();
    let s = out.take();
    assert_eq!(code, 0, "{s}");
    assert!(
        s.contains(&format!("tcp://127.0.0.1:{port}")) && s.contains("ready"),
        "{s}"
    );
    // nothing listens on port 1: nothing found, exit 1
    let code = cardcat_cli::run(
        Cmd::Printer {
            cmd: PrinterCmd::Find {
                subnet: Some("127.0.0.1/32".into()),
                port: 1,
                timeout_ms: 200,
            },
        },
        &mut ctx,
    )
    .await
    .unwrap();
    assert_eq!(code, 1);
    out.take();
    // set it, and the doctor checks it (here before activation: the platform checks fail, the printer's passes)
    cardcat_cli::run(
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
    .await
    .unwrap();
    emu.set_status(PrinterStatus {
        paper_near_end: true,
        ..PrinterStatus::ready()
    });
    cardcat_cli::run(Cmd::Doctor, &mut ctx).await.unwrap();
    let s = out.take();
    assert!(
        s.lines().any(|l| l.starts_with('✓')
            && l.contains("receipt printer")
            && l.contains("paper near end")),
        "{s}"
    );
    emu.set_status(PrinterStatus {
        cover_open: true,
        ..PrinterStatus::ready()
    });
    cardcat_cli::run(Cmd::Doctor, &mut ctx).await.unwrap();
    let s = out.take();
    assert!(
        s.lines()
            .any(|l| l.starts_with('✗') && l.contains("cover open")),
        "{s}"
    );
    emu.stop();
}
