//! IPC tests through `tauri::test::mock_builder`: the generated TypeScript is current, every
//! command is registered and granted, errors have the documented shape, and roles are
//! checked by the back end whatever the webview sends.

use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;

use crate::{Start, command_names::COMMANDS, ipc, run_app};

#[test]
fn ipc_types_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc.ts");
    let want = ipc::typescript();
    if std::env::var_os("UPDATE_IPC").is_some() {
        std::fs::write(&path, &want).expect("write ipc.ts");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/lib/ipc.ts is stale: run `UPDATE_IPC=1 cargo test -p cardcat-app ipc_types` and commit it"
    );
}

#[test]
fn every_command_is_granted_once_and_nothing_else() {
    let cap: Value =
        serde_json::from_str(include_str!("../capabilities/default.json")).expect("json");
    let perms: Vec<&str> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let want: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(
        perms, want,
        "capabilities/default.json grants exactly our commands"
    );
    let conf: Value = serde_json::from_str(include_str!("../tauri.conf.json")).expect("json");
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(conf["app"]["withGlobalTauri"], false);
}

/// The mock app's context, with the updater configured as in `tauri.conf.json` but trusting
/// the test-only key that signed `tests/fixtures/update/payload.bin` (its private half was
/// thrown away) and allowing a plain-HTTP loopback update server.
fn context() -> tauri::Context<tauri::test::MockRuntime> {
    let mut ctx = mock_context(noop_assets());
    ctx.config_mut().plugins.0.insert(
        "updater".into(),
        json!({
            "pubkey": include_str!("../../tests/fixtures/update/test.pub").trim(),
            "requireSignedVersion": true,
            "dangerousInsecureTransportProtocol": true,
        }),
    );
    ctx
}

/// The shipped updater configuration is one the plugin accepts: a public key, https
/// endpoints only, and signatures that must name their version.
#[test]
fn the_shipped_updater_configuration_verifies_signatures() {
    let conf: Value = serde_json::from_str(include_str!("../tauri.conf.json")).expect("json");
    let u = &conf["plugins"]["updater"];
    let cfg: tauri_plugin_updater::Config =
        serde_json::from_value(u.clone()).expect("the updater's own config type parses it");
    assert!(cfg.require_signed_version);
    assert!(!cfg.dangerous_insecure_transport_protocol);
    assert!(!cfg.allow_downgrades);
    assert!(!cfg.endpoints.is_empty());
    assert!(cfg.endpoints.iter().all(|e| e.scheme() == "https"));
    // a minisign public key, base64 of its text form
    use base64::Engine as _;
    let key = base64::engine::general_purpose::STANDARD
        .decode(cfg.pubkey.trim())
        .expect("base64");
    assert!(String::from_utf8_lossy(&key).contains("minisign public key"));
    // and not the test-only key the IPC tests trust
    assert_ne!(
        cfg.pubkey.trim(),
        include_str!("../../tests/fixtures/update/test.pub").trim()
    );
}

struct Harness {
    _dir: tempfile::TempDir,
    _app: tauri::App<tauri::test::MockRuntime>,
    webview: tauri::WebviewWindow<tauri::test::MockRuntime>,
}

fn harness() -> Harness {
    let (dir, demo) = demo();
    let counter = demo.counter.clone();
    let app = run_app(mock_builder(), Start::Counter(counter))
        .manage(DemoAlive(std::sync::Mutex::new(Some(demo))))
        .build(context())
        .expect("app");
    Harness::with_window(dir, app)
}

/// A demo terminal in a new temporary folder (sandbox and virtual printer on loopback).
fn demo() -> (tempfile::TempDir, cardcat_demo::Demo) {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = tauri::async_runtime::block_on(cardcat_demo::start(cardcat_demo::DemoOptions::new(
        dir.path().to_path_buf(),
        cardcat_core::Lang::ZhCn,
    )))
    .expect("demo terminal");
    (dir, demo)
}

struct DemoAlive(#[allow(dead_code)] std::sync::Mutex<Option<cardcat_demo::Demo>>);

impl Harness {
    /// Opens the main window of `app` (the webview the commands are called from).
    fn with_window(dir: tempfile::TempDir, app: tauri::App<tauri::test::MockRuntime>) -> Harness {
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("webview");
        Harness {
            _dir: dir,
            _app: app,
            webview,
        }
    }

    fn call(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        let req = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        tauri::test::get_ipc_response(&self.webview, req)
            .map(|b| b.deserialize::<Value>().expect("json body"))
    }

    fn login(&self, user: &str, pin: &str) -> String {
        let r = self
            .call("login", json!({"user": user, "pin": pin}))
            .expect("login");
        r["token"].as_str().expect("token").to_string()
    }
}

/// The counter does not open because its database is lost: the window opens on the
/// recovery screen instead of the app vanishing; only this terminal's own backups are
/// listed and restored (by name), with no login since nobody can log in to a store that is
/// gone; then the counter opens and works; once it is open, recovery refuses.
#[test]
fn a_lost_store_is_brought_back_from_the_recovery_screen_over_ipc() {
    let (dir, demo) = demo();
    let counter = demo.counter.clone();
    let (id, pin) = cardcat_demo::OWNER;
    let owner = counter.login(id, pin).expect("owner");
    let own = counter.backup_now(&owner, 7).expect("backup");
    let own_name = own.file_name().unwrap().to_string_lossy().to_string();
    // another terminal's backup lies in the same folder
    let other_name = "cardcat-backup-2026-01-01-0000000000001.sqlite";
    let other = own.with_file_name(other_name);
    std::fs::copy(&own, &other).unwrap();
    cardcat_store::rusqlite_reexport::Connection::open(&other)
        .unwrap()
        .execute(
            "UPDATE settings SET value = 'T-ELSEWHERE' WHERE key = 'terminal_id'",
            [],
        )
        .unwrap();
    let cfg = cardcat_counter::TerminalConfig {
        db: counter.db_path().to_path_buf(),
        lang: cardcat_core::Lang::ZhCn,
    };
    let secrets = counter.secrets_handle();
    drop(counter);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = cfg.db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
    assert!(
        cardcat_counter::Counter::store_lost(&cfg, &*secrets),
        "the database is lost"
    );
    let mut app = run_app(mock_builder(), Start::Terminal(cfg.clone(), secrets))
        .manage(DemoAlive(std::sync::Mutex::new(Some(demo))))
        .build(context())
        .expect("the app starts although the counter does not open");
    // one turn of the (mock) event loop runs `setup()`, where the counter is opened
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let h = Harness::with_window(dir, app);
    let info = h.call("recovery_info", json!({})).expect("recovery info");
    assert_eq!(info["lost"], true, "{info}");
    assert_eq!(info["lang"], "zh-CN");
    let message = info["message"].as_str().unwrap();
    assert!(message.contains("数据库"), "{info}");
    assert!(
        !message.contains(&*cfg.db.to_string_lossy()) && !message.contains(".sqlite"),
        "no path of the store reaches the webview: {message}"
    );
    let names: Vec<&str> = info["backups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["name"].as_str())
        .collect();
    assert_eq!(names, vec![own_name.as_str()], "only this terminal's own");
    // nothing else answers while the counter is not open; nothing was created
    assert!(h.call("app_info", json!({})).is_err());
    assert!(!cfg.db.exists());
    for (name, code) in [
        ("../../etc/passwd", "input.backup_name"),
        (other_name, "backup.other_terminal"),
    ] {
        let e = h
            .call("recovery_restore", json!({ "name": name }))
            .unwrap_err();
        assert_eq!(e["code"], code, "{e}");
        assert!(!cfg.db.exists(), "a refusal creates nothing");
    }
    h.call("recovery_restore", json!({ "name": own_name }))
        .expect("restored");
    // the counter is open: the screen goes, the owner logs in, the store is the backup
    assert_eq!(h.call("recovery_info", json!({})).unwrap(), Value::Null);
    let token = h.login(id, pin);
    assert!(h.call("app_info", json!({})).unwrap()["activated"] == true);
    assert!(h.call("owner_backups", json!({ "token": token })).is_ok());
    let e = h
        .call("recovery_restore", json!({ "name": own_name }))
        .unwrap_err();
    assert_eq!(e["code"], "backup.store_present", "{e}");
}

#[test]
fn roles_errors_and_commands_over_ipc() {
    let h = harness();

    // every command is registered: a call never answers "not found"
    for c in COMMANDS {
        if *c == "subscribe" {
            continue; // needs a channel id
        }
        if let Err(e) = h.call(c, json!({})) {
            let s = e.to_string();
            assert!(!s.contains("not found"), "{c}: {s}");
        }
    }

    // no session: the typed login-needed error, in the terminal's language
    let e = h
        .call("search", json!({"token": "forged", "q": "yd"}))
        .expect_err("no session");
    assert_eq!(e["kind"], "login_needed", "{e}");
    assert_eq!(e["code"], "auth.login_needed");
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("登录")),
        "{e}"
    );

    // a wrong PIN is an input error and says nothing about which part was wrong
    let e = h
        .call("login", json!({"user": "c1", "pin": "0000"}))
        .expect_err("wrong pin");
    assert_eq!(e["kind"], "input", "{e}");
    assert_eq!(e["code"], "auth.bad_login");

    let cashier = h.login(cardcat_demo::CASHIER.0, cardcat_demo::CASHIER.1);
    let owner = h.login(cardcat_demo::OWNER.0, cardcat_demo::OWNER.1);

    // a cashier cannot reach the owner's report over IPC, whatever the UI shows
    let e = h
        .call(
            "commission_report",
            json!({"token": cashier, "by": "product"}),
        )
        .expect_err("cashier is refused");
    assert_eq!(e["kind"], "forbidden", "{e}");
    assert_eq!(e["code"], "auth.forbidden");
    let rows = h
        .call(
            "commission_report",
            json!({"token": owner, "by": "product"}),
        )
        .expect("owner may");
    assert!(rows.is_array());

    // a wrong number is refused before any order exists, with a localised message
    let e = h
        .call(
            "check_account",
            json!({"token": cashier, "sku": "CM-HF-50", "account": "1380013800"}),
        )
        .expect_err("ten digits");
    assert_eq!(e["kind"], "input", "{e}");
    assert!(
        e["code"].as_str().is_some_and(|c| c.starts_with("phone.")),
        "{e}"
    );
    let ok = h
        .call(
            "check_account",
            json!({"token": cashier, "sku": "CM-HF-50", "account": "138 0013 8000"}),
        )
        .expect("valid number");
    assert_eq!(ok["account"], "13800138000");
    assert_eq!(ok["carrier"], "中国移动");

    // search works for a session and answers typed products
    let hits = h
        .call("search", json!({"token": cashier, "q": "yd50"}))
        .expect("search");
    assert_eq!(hits[0]["sku"], "CM-HF-50", "{hits}");
    assert_eq!(
        hits[0]["price"].as_str().map(|p| p.contains('.')),
        Some(true)
    );

    // a sale through IPC, then the same sale again is held for a side-by-side confirm
    let sale = h
        .call(
            "sell",
            json!({"token": cashier, "sku": "CM-HF-50", "account": "13800138000", "payment": "cash"}),
        )
        .expect("sale");
    assert_eq!(sale["order"]["state"], "succeeded", "{sale}");
    let e = h
        .call(
            "sell",
            json!({"token": cashier, "sku": "CM-HF-50", "account": "13800138000", "payment": "cash"}),
        )
        .expect_err("repeat is held");
    assert_eq!(e["kind"], "repeat_sale", "{e}");
    assert_eq!(e["prior"]["key"], sale["order"]["key"]);

    // logging out ends the session for every later call
    h.call("logout", json!({"token": cashier})).expect("logout");
    let e = h
        .call("pending", json!({"token": cashier}))
        .expect_err("logged out");
    assert_eq!(e["kind"], "login_needed");

    // no error text carries SQL or the store's path
    let m = e["message"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(!m.contains("select") && !m.contains(".sqlite"), "{m}");
}

/// Every owner and set-up command refuses a cashier and a missing session over IPC, and
/// answers the owner; the raw logo upload reads its token from a header.
#[test]
fn owner_and_setup_commands_check_the_caller_over_ipc() {
    let h = harness();
    let cashier = h.login(cardcat_demo::CASHIER.0, cardcat_demo::CASHIER.1);
    let owner = h.login(cardcat_demo::OWNER.0, cardcat_demo::OWNER.1);
    let day = cardcat_counter::Counter::today().as_str().to_string();
    let calls: Vec<(&str, Value)> = vec![
        ("owner_dashboard", json!({})),
        ("owner_analytics", json!({"from": day, "to": day})),
        ("owner_export_csv", json!({"from": day, "to": day})),
        ("owner_shifts", json!({"from": day, "to": day})),
        ("owner_users", json!({})),
        (
            "owner_user_add",
            json!({"id": "x1", "name": "x", "role": "cashier", "pin": "1234"}),
        ),
        (
            "owner_user_change",
            json!({"id": "c1", "action": "disable"}),
        ),
        ("owner_audit", json!({})),
        ("receipt_settings", json!({})),
        ("receipt_save", json!({"footer": "x", "logo": false})),
        ("setup_state", json!({})),
        ("setup_language", json!({"lang": "en"})),
        ("setup_check_platform", json!({"url": "http://127.0.0.1:9"})),
        (
            "setup_find_printers",
            json!({"subnet": "127.0.0.1/32", "port": 9}),
        ),
        (
            "setup_printer",
            json!({"target": "127.0.0.1:9", "profile": "xprinter-80"}),
        ),
        (
            "setup_test_print",
            json!({"target": "127.0.0.1:9", "profile": "xprinter-80", "drawer": true}),
        ),
        ("diag_doctor", json!({})),
        ("diag_bundle", json!({})),
        ("diag_report", json!({})),
        ("owner_backups", json!({})),
        ("owner_backup_now", json!({})),
        ("owner_restore", json!({"name": "cardcat-backup-x.sqlite"})),
        ("update_status", json!({})),
        ("update_set_channel", json!({"channel": "beta"})),
        ("update_check", json!({})),
        ("update_install", json!({})),
    ];
    for (cmd, args) in &calls {
        let mut with = args.clone();
        with["token"] = json!(cashier);
        let e = h.call(cmd, with).expect_err(cmd);
        assert_eq!(e["kind"], "forbidden", "{cmd}: {e}");
        // set-up commands without a session, on a terminal that has users: log in first
        if cmd.starts_with("setup_") || cmd.starts_with("diag_") {
            let e = h.call(cmd, args.clone()).expect_err(cmd);
            assert_eq!(e["kind"], "login_needed", "{cmd}: {e}");
        }
    }
    // the first owner can only be created on a terminal with no user at all
    let e = h
        .call(
            "setup_owner",
            json!({"id": "thief", "name": "x", "pin": "1234"}),
        )
        .expect_err("no second first owner");
    assert_eq!(e["kind"], "login_needed", "{e}");
    assert!(
        h.call("login", json!({"user": "thief", "pin": "1234"}))
            .is_err(),
        "no account was made"
    );
    assert_eq!(
        h.call("setup_needed", json!({})).expect("needed"),
        json!(false)
    );
    // the owner is answered
    let d = h
        .call("owner_dashboard", json!({"token": owner}))
        .expect("owner dashboard");
    assert!(d["today"]["orders"].is_number(), "{d}");
    let a = h
        .call(
            "owner_analytics",
            json!({"token": owner, "from": day, "to": day}),
        )
        .expect("analytics");
    assert_eq!(a["byHour"].as_array().map(Vec::len), Some(24));
    let r = h
        .call(
            "receipt_settings",
            json!({"token": owner, "footer": "谢谢", "logo": true}),
        )
        .expect("previews");
    assert_eq!(r["previews"].as_array().map(Vec::len), Some(2));
    // a raw upload without the token header is refused before anything is decoded
    let req = InvokeRequest {
        cmd: "receipt_logo".into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: tauri::ipc::InvokeBody::Raw(b"not an image".to_vec()),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    let e = tauri::test::get_ipc_response(&h.webview, req).expect_err("no token");
    assert_eq!(e["kind"], "login_needed", "{e}");
    let mut headers = tauri::http::HeaderMap::new();
    headers.insert("x-token", owner.parse().expect("header"));
    let req = InvokeRequest {
        cmd: "receipt_logo".into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: tauri::ipc::InvokeBody::Raw(b"not an image".to_vec()),
        headers,
        invoke_key: INVOKE_KEY.to_string(),
    };
    let e = tauri::test::get_ipc_response(&h.webview, req).expect_err("not an image");
    assert_eq!(e["code"], "input.logo_unreadable", "{e}");
}

/// A loopback update server: any path but `/payload.bin` answers the release manifest
/// (version 0.2.0, signed for 0.2.0); `/payload.bin` the signed payload, or a copy with one
/// byte changed. Serves at most 64 requests.
struct Feed {
    addr: std::net::SocketAddr,
    paths: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    tampered: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

fn feed() -> Feed {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let paths = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let tampered = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (p, t) = (paths.clone(), tampered.clone());
    std::thread::spawn(move || {
        let payload = include_bytes!("../../tests/fixtures/update/payload.bin");
        let sig = include_str!("../../tests/fixtures/update/payload.bin.sig").trim();
        for stream in listener.incoming().take(64).flatten() {
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let mut r = BufReader::new(&stream);
            let mut line = String::new();
            if r.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            // the rest of the request head
            let mut h = String::new();
            while r.read_line(&mut h).map(|n| n > 2).unwrap_or(false) {
                h.clear();
            }
            p.lock().expect("paths").push(path.clone());
            let (ctype, body) = if path == "/payload.bin" {
                let mut b = payload.to_vec();
                if t.load(Ordering::SeqCst) {
                    b[0] ^= 1;
                }
                ("application/octet-stream", b)
            } else {
                let m = json!({
                    "version": "0.2.0",
                    "notes": "更快的搜索",
                    "pub_date": "2026-12-01T00:00:00Z",
                    "url": format!("http://{addr}/payload.bin"),
                    "signature": sig,
                });
                ("application/json", m.to_string().into_bytes())
            };
            let mut w = &stream;
            let _ = write!(
                w,
                "HTTP/1.1 200 OK\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = w.write_all(&body);
        }
    });
    Feed {
        addr,
        paths,
        tampered,
    }
}

/// Updates over IPC: the owner's channel reaches the server; a payload whose signature does
/// not match is thrown away; a good one installs only while no order is open (here the
/// install itself fails, as this test binary is no package, and the counter sells again).
#[test]
fn updates_are_signed_follow_the_channel_and_wait_for_open_orders_over_ipc() {
    use std::sync::atomic::Ordering;
    use tauri::Manager;
    let h = harness();
    let f = feed();
    h._app
        .state::<crate::update::Updates>()
        .set_base(Some(format!("http://{}", f.addr)));
    let owner = h.login("boss", "8888");
    let v = h
        .call("update_status", json!({"token": owner}))
        .expect("status");
    assert_eq!(v["channel"], "stable", "{v}");
    assert_eq!(v["checked"], false);
    assert!(v["available"].is_null());
    assert_eq!(v["channels"][1]["label"], "测试版（试点门店）", "{v}");
    let v = h
        .call(
            "update_set_channel",
            json!({"token": owner, "channel": "beta"}),
        )
        .expect("channel");
    assert_eq!(v["channel"], "beta");
    let e = h
        .call(
            "update_set_channel",
            json!({"token": owner, "channel": "nightly"}),
        )
        .expect_err("no such channel");
    assert_eq!(e["code"], "input.update_channel", "{e}");

    // the check asks this channel's address, with the app's target and version
    let v = h
        .call("update_check", json!({"token": owner}))
        .expect("check");
    assert_eq!(v["available"]["version"], "0.2.0", "{v}");
    assert_eq!(v["available"]["notes"], "更快的搜索");
    assert_eq!(v["available"]["downloaded"], false);
    assert_eq!(v["mayInstall"], true, "{v}");
    // the owner's dashboard says so
    let d = h
        .call("owner_dashboard", json!({"token": owner}))
        .expect("dashboard");
    assert_eq!(d["updateAvailable"], "0.2.0", "{d}");
    let asked = f.paths.lock().expect("paths").clone();
    assert!(
        asked
            .iter()
            .any(|p| p.starts_with("/beta/") && p.ends_with("/0.1.0")),
        "{asked:?}"
    );

    // one byte changed on the way: the signature does not match, nothing is kept
    f.tampered.store(true, Ordering::SeqCst);
    let e = h
        .call("update_install", json!({"token": owner}))
        .expect_err("tampered");
    assert_eq!(e["code"], "update.bad_signature", "{e}");
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("签名")),
        "{e}"
    );
    let v = h
        .call("update_status", json!({"token": owner}))
        .expect("status");
    assert_eq!(v["available"]["downloaded"], false, "{v}");

    // the real payload: verified, the gate taken, the install tried (this test binary is
    // not a package, so it fails) and the gate given back
    f.tampered.store(false, Ordering::SeqCst);
    let e = h
        .call("update_install", json!({"token": owner}))
        .expect_err("not a package");
    assert_eq!(e["code"], "update.install_failed", "{e}");
    let st = h._app.state::<crate::AppState>();
    let counter = st.counter.clone();
    let cashier = counter.login("c1", "1234").expect("cashier");
    let quick = cardcat_counter::SellOptions {
        wait: std::time::Duration::from_secs(5),
        follow_for: std::time::Duration::from_secs(5),
        print: false,
    };
    let sold = tauri::async_runtime::block_on(counter.sell(
        &cashier,
        cardcat_engine::SellRequest::new("CM-HF-50", "13800138000"),
        quick,
    ))
    .expect("the counter sells again after a failed install");
    assert!(sold.order.state.is_final());

    // an order without its final result: the download is verified and kept, the install waits
    let open = tauri::async_runtime::block_on(counter.sell(
        &cashier,
        cardcat_engine::SellRequest::new("CM-HF-50", "13800138401"),
        cardcat_counter::SellOptions {
            wait: std::time::Duration::ZERO,
            follow_for: std::time::Duration::from_secs(30),
            print: false,
        },
    ))
    .expect("placed");
    assert!(!open.order.state.is_final());
    let e = h
        .call("update_install", json!({"token": owner}))
        .expect_err("an order is open");
    assert_eq!(e["code"], "update.blocked_orders", "{e}");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("1 笔订单")),
        "{e}"
    );
    let v = h
        .call("update_status", json!({"token": owner}))
        .expect("status");
    assert_eq!(v["available"]["downloaded"], true, "{v}");
    assert_eq!(v["mayInstall"], false);
    assert!(
        v["blocker"].as_str().is_some_and(|m| m.contains("订单")),
        "{v}"
    );
}
