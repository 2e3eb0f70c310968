//! Provisioning from a file (`cardcat provision --file F`): every problem refused with its
//! line before anything changes; a full run against the sandbox on loopback with a test page
//! at the virtual printer; running it again does not spend the pairing code again.

use std::time::Duration;

use cardcat_core::Localized;
use cardcat_counter::provision::Provision;
use cardcat_counter::{Counter as Service, TerminalConfig};
use cardcat_printer::doc::PaperWidth;
use cardcat_printer::emulator::Emulator;
use cardcat_tests::Env;

fn file(url: &str, code: &str, target: &str) -> String {
    format!(
        r#"# a terminal of the demo store
[platform]
url = "{url}"
pairing_code = "{code}"

[store]
display_name = "便民超市（福田店）"

[printer]
target = "{target}"
profile = "xprinter-58"
width_mm = 58
test_print = true

[terminal]
language = "zh-CN"
kiosk = true

[owner]
id = "laoban"
name = "王老板"
pin = "2468"
"#
    )
}

fn service(env: &Env, name: &str) -> Service {
    Service::open(
        TerminalConfig {
            db: env.terminal_db(name),
            lang: cardcat_core::Lang::ZhCn,
        },
        std::sync::Arc::new(cardcat_client::secrets::MemoryStore::default()),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_is_refused_with_its_line_and_changes_nothing() {
    let env = Env::start(0).await;
    let good = file(&env.url(), &env.pairing_code(), "127.0.0.1:9100");
    Provision::parse(&good).unwrap();
    // the example an installer copies is itself a valid file
    Provision::parse(include_str!("../../installers/provision.example.toml")).unwrap();
    // (what is changed, the line it is on, the message code)
    let long_name = format!("display_name = \"{}\"", "便".repeat(41));
    let cases: [(&str, &str, usize, &str); 14] = [
        // a missing field is reported at the header of the table that lacks it
        (
            "pairing_code = \"",
            "# pairing_code = \"",
            2,
            "input.provision_missing",
        ),
        (
            "width_mm = 58",
            "width_mm = \"58\"",
            12,
            "input.provision_type",
        ),
        (
            "kiosk = true",
            "kiosk = true\nfullscreen = 1",
            18,
            "input.provision_unknown",
        ),
        ("url = \"http", "url = \"ftp", 3, "input.provision_value"),
        (
            "target = \"127.0.0.1:9100\"",
            "target = \"printer-in-the-back\"",
            10,
            "input.provision_value",
        ),
        (
            "width_mm = 58",
            "width_mm = 80",
            12,
            "input.provision_value",
        ),
        (
            "pin = \"2468\"",
            "pin = \"24\"",
            22,
            "input.provision_value",
        ),
        // a password in the address would end up in settings and logs
        (
            "url = \"http://",
            "url = \"http://boss:secret@",
            3,
            "input.provision_value",
        ),
        (
            "\"\npairing_code",
            "/?token=1\"\npairing_code",
            3,
            "input.provision_value",
        ),
        (
            "target = \"127.0.0.1:9100\"",
            "target = \"127.0.0.1:0\"",
            10,
            "input.provision_value",
        ),
        (
            "target = \"127.0.0.1:9100\"",
            "target = \"tcp://printer one:9100\"",
            10,
            "input.provision_value",
        ),
        // a name heads every receipt: bounded, and no control characters (ESC/POS bytes)
        (
            "display_name = \"便民超市（福田店）\"",
            &long_name,
            7,
            "input.provision_value",
        ),
        (
            "display_name = \"便民超市（福田店）\"",
            "display_name = \"便民\\u001b@超市\"",
            7,
            "input.provision_value",
        ),
        (
            "name = \"王老板\"",
            "name = \"王\\n老板\"",
            21,
            "input.provision_value",
        ),
    ];
    let s = service(&env, "untouched.sqlite");
    for (from, to, line, code) in cases {
        assert!(good.contains(from), "{from}");
        let text = good.replacen(from, to, 1);
        let e = Provision::parse(&text).unwrap_err();
        assert_eq!(e.code(), code, "{to}: {e}");
        let msg = e.message(cardcat_core::Lang::ZhCn);
        assert!(msg.contains(&format!("第 {line} 行")), "{to}: {msg}");
        assert!(!e.message(cardcat_core::Lang::En).is_empty());
    }
    // nothing happened to the terminal
    let st = s.setup_state().unwrap();
    assert!(!st.activated && !st.has_users && st.printer_target.is_none());
    assert!(Provision::parse("not [toml").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_the_file_is_bounded_and_every_unreadable_file_is_said_in_words() {
    let env = Env::start(0).await;
    let dir = tempfile::tempdir().unwrap();
    let good = file(&env.url(), &env.pairing_code(), "127.0.0.1:9100");
    // as Windows Notepad saves it: a byte-order mark and CRLF line ends
    let windows = dir.path().join("notepad.toml");
    std::fs::write(&windows, format!("\u{feff}{}", good.replace('\n', "\r\n"))).unwrap();
    Provision::read(&windows).unwrap();
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, [0xff_u8, 0xfe, 0x00, 0x5b, 0x80, 0x81]).unwrap();
    let huge = dir.path().join("huge.toml");
    std::fs::write(
        &huge,
        "# x\n".repeat((cardcat_counter::provision::MAX_FILE_BYTES / 4 + 1) as usize),
    )
    .unwrap();
    // (file, reason, words the owner reads in zh-CN)
    let cases = [
        (dir.path().join("missing.toml"), "not_found", "找不到文件"),
        (dir.path().to_path_buf(), "directory", "文件夹"),
        (binary, "not_text", "不是文本文件"),
        (huge, "too_large", "太大"),
        // a device that never ends is read only up to the limit
        (std::path::PathBuf::from("/dev/zero"), "too_large", "太大"),
    ];
    for (path, reason, words) in cases {
        let e = Provision::read(&path).unwrap_err();
        assert_eq!(e.code(), "file.error", "{}", path.display());
        assert!(
            matches!(&e, cardcat_counter::CounterError::File { reason: r, .. } if *r == reason),
            "{}: {e:?}",
            path.display()
        );
        let zh = e.message(cardcat_core::Lang::ZhCn);
        assert!(zh.contains(words), "{zh}");
        let en = e.message(cardcat_core::Lang::En);
        assert!(!en.is_empty() && !en.contains("os error"), "{en}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_run_pairs_prints_and_can_be_run_again_without_a_new_code() {
    let env = Env::start(0).await;
    let out = tempfile::tempdir().unwrap();
    let emu = Emulator::start(
        "127.0.0.1:0".parse().unwrap(),
        out.path().to_path_buf(),
        PaperWidth::Mm58,
    )
    .await
    .unwrap();
    let target = emu.target().trim_start_matches("tcp://").to_string();
    let code = env.pairing_code();
    let text = file(&env.url(), &code, &target);
    let s = service(&env, "provisioned.sqlite");
    let t = std::time::Instant::now();
    // the kiosk's autostart entry goes to a folder of the test, never the machine's own
    let auto = out.path().join("autostart");
    let r = s
        .provision(
            &Provision::parse(&text)
                .unwrap()
                .with_autostart_dir(auto.clone()),
        )
        .await
        .unwrap();
    println!(
        "provisioning from file to a paired terminal with a test print: {} ms",
        t.elapsed().as_millis()
    );
    assert!(r.paired && r.owner_created && r.test_printed);
    assert_eq!(r.store_name, "便民超市（福田店）");
    // kiosk = true: full screen, started at login through the watchdog
    assert!(s.kiosk());
    assert_eq!(
        r.autostart.as_deref(),
        Some(auto.join("cardcat.desktop").as_path())
    );
    assert!(
        std::fs::read_to_string(auto.join("cardcat.desktop"))
            .unwrap()
            .contains("Exec=/usr/bin/cardcat-watchdog")
    );
    let mut jobs = Vec::new();
    for _ in 0..50 {
        jobs = emu.jobs();
        if !jobs.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(jobs.len(), 1, "the test page arrives");
    assert!(jobs[0].text.contains("58"), "{}", jobs[0].text);
    let owner = s.login("laoban", "2468").unwrap();
    assert!(
        !s.search("yd50", 5).await.unwrap().is_empty(),
        "a working counter"
    );
    // again, with the same (spent) code: the terminal is paired already, nothing is spent
    let again = s
        .provision(
            &Provision::parse(&text)
                .unwrap()
                .with_autostart_dir(auto.clone()),
        )
        .await
        .unwrap();
    assert!(again.already_paired && !again.paired && !again.owner_created);
    // the code was spent once: another terminal cannot use it
    let other = service(&env, "other.sqlite");
    assert!(other.activate(&env.url(), &code, "other").await.is_err());
    // the owner from the file may manage this terminal
    s.setup_allowed(Some(&owner)).unwrap();
    // a file for another platform is refused on a terminal paired here, and changes nothing
    let elsewhere = text
        .replacen(&env.url(), "https://other-platform.example", 1)
        .replace("便民超市（福田店）", "别人的店");
    let e = s
        .provision(
            &Provision::parse(&elsewhere)
                .unwrap()
                .with_autostart_dir(auto.clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "provision.paired_elsewhere");
    let m = e.message(cardcat_core::Lang::ZhCn);
    assert!(
        m.contains("other-platform.example") && m.contains("没有做任何改动"),
        "{m}"
    );
    assert_eq!(
        s.info().unwrap().store_name.as_deref(),
        Some("便民超市（福田店）"),
        "the store name from the other file was not applied"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_mode_writes_the_autostart_entry_and_only_the_owner_or_installer_may() {
    let c = cardcat_tests::Counter::start(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let auto = dir.path().join("autostart");
    let e = c
        .service
        .set_kiosk(Some(&c.cashier), true, &auto, "/usr/bin/cardcat-watchdog")
        .unwrap_err();
    assert_eq!(e.code(), "auth.forbidden");
    assert!(!auto.join("cardcat.desktop").exists());
    let f = c
        .service
        .set_kiosk(Some(&c.owner), true, &auto, "/usr/bin/cardcat-watchdog")
        .unwrap()
        .unwrap();
    let entry = std::fs::read_to_string(&f).unwrap();
    assert!(entry.starts_with("[Desktop Entry]\n"));
    assert!(entry.contains("\nExec=/usr/bin/cardcat-watchdog\n"));
    // skipped by the session once the package is removed
    assert!(entry.contains("\nTryExec=/usr/bin/cardcat-watchdog\n"));
    let with_args = cardcat_counter::owner::autostart_entry("/opt/cc/watchdog --demo");
    assert!(
        with_args.contains("\nTryExec=/opt/cc/watchdog\n"),
        "{with_args}"
    );
    assert!(c.service.kiosk());
    c.service
        .set_kiosk(Some(&c.owner), false, &auto, "x")
        .unwrap();
    assert!(!f.exists() && !c.service.kiosk());
    // turning it off twice is fine
    c.service
        .set_kiosk(Some(&c.owner), false, &auto, "x")
        .unwrap();
}

/// The watchdog starts the app again after each crash, stops on a clean exit, and gives up
/// after its limit (a stand-in app: crashes twice, then exits cleanly; or always crashes).
#[test]
fn the_watchdog_restarts_a_crashed_app_and_stops_on_a_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    let count = dir.path().join("starts");
    let app = dir.path().join("app.sh");
    std::fs::write(
        &app,
        format!(
            "#!/bin/sh\nn=$(cat '{c}' 2>/dev/null || echo 0)\nn=$((n + 1))\necho $n > '{c}'\n[ $n -ge 3 ] && exit 0\nexit 7\n",
            c = count.display()
        ),
    )
    .unwrap();
    let watchdog = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../installers/linux/cardcat-watchdog");
    let run = |max: &str| {
        std::process::Command::new("sh")
            .arg(&watchdog)
            .env("CARDCAT_APP", "sh")
            .env("CARDCAT_WATCHDOG_PAUSE", "0")
            .env("CARDCAT_WATCHDOG_MAX", max)
            .arg(&app)
            .output()
            .unwrap()
    };
    let out = run("5");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&count).unwrap().trim(),
        "3",
        "two restarts, then a clean exit"
    );
    // an app that never comes up cleanly: the watchdog gives up after its limit
    std::fs::write(&count, "-100").unwrap();
    let out = run("4");
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(&count).unwrap().trim(),
        "-96",
        "exactly four starts"
    );
}

/// After an update the app exits with 75: the watchdog starts the new version at once and
/// does not count it as a crash, and the app can tell it runs under the watchdog.
#[test]
fn the_watchdog_starts_the_new_version_after_an_update_without_counting_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let count = dir.path().join("starts");
    let seen = dir.path().join("env");
    let app = dir.path().join("app.sh");
    std::fs::write(
        &app,
        format!(
            "#!/bin/sh\necho \"$CARDCAT_WATCHDOG\" > '{s}'\nn=$(cat '{c}' 2>/dev/null || echo 0)\nn=$((n + 1))\necho $n > '{c}'\n[ $n -le 3 ] && exit {code}\nexit 0\n",
            s = seen.display(),
            c = count.display(),
            code = cardcat_core::update::RESTART_AFTER_UPDATE
        ),
    )
    .unwrap();
    let watchdog = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../installers/linux/cardcat-watchdog");
    let out = std::process::Command::new("sh")
        .arg(&watchdog)
        .env("CARDCAT_APP", "sh")
        .env("CARDCAT_WATCHDOG_PAUSE", "0")
        // not a single crash allowed: the three updates must not count
        .env("CARDCAT_WATCHDOG_MAX", "1")
        .arg(&app)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read_to_string(&count).unwrap().trim(), "4");
    assert_eq!(std::fs::read_to_string(&seen).unwrap().trim(), "1");
}
