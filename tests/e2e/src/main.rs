//! `cardcat-e2e`: the cashier's flows through the real app window.
//!
//! Starts tauri-driver (which starts WebKitWebDriver and the app in demo mode: the sandbox
//! platform in-process on loopback, a virtual ESC/POS printer), drives the window with
//! fantoccini, checks the receipts the virtual printer got by decoding their bytes, and
//! saves a screenshot of each main screen to `docs/screenshots/`.
//!
//! Usage (inside Xvfb and a D-Bus session; `./x test` does this):
//!   cardcat-e2e --app target/debug/cardcat-app [--shots docs/screenshots] [--bench]
//! Every wait is bounded; any failure exits non-zero with what was expected.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

type R<T> = Result<T, String>;

fn e<E: std::fmt::Display>(ctx: &'static str) -> impl Fn(E) -> String {
    move |x| format!("{ctx}: {x}")
}

struct Opts {
    app: PathBuf,
    shots: Option<PathBuf>,
    bench: bool,
}

fn opts() -> R<Opts> {
    let mut a = std::env::args().skip(1);
    let mut o = Opts {
        app: PathBuf::new(),
        shots: None,
        bench: false,
    };
    while let Some(x) = a.next() {
        match x.as_str() {
            "--app" => o.app = a.next().map(PathBuf::from).ok_or("--app PATH")?,
            "--shots" => o.shots = a.next().map(PathBuf::from),
            "--bench" => o.bench = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !o.app.is_file() {
        return Err(format!("app binary not found: {}", o.app.display()));
    }
    o.app = o.app.canonicalize().map_err(e("app path"))?;
    Ok(o)
}

fn free_port() -> R<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(e("port"))?;
    Ok(l.local_addr().map_err(e("port"))?.port())
}

/// tauri-driver, ended by its PID when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver(port: u16, demo_dir: &Path, extra_env: &[(&str, String)]) -> R<Driver> {
    start_driver_for(port, Some(demo_dir), extra_env)
}

/// tauri-driver for the demo (`demo_dir`), or for a real terminal (`None`: the app opens
/// the store its environment names).
fn start_driver_for(port: u16, demo_dir: Option<&Path>, extra_env: &[(&str, String)]) -> R<Driver> {
    let bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
    let native = free_port()?;
    let mut cmd = Command::new(bin);
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &native.to_string(),
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::inherit());
    match demo_dir {
        Some(d) => cmd.env("CARDCAT_DEMO_DIR", d),
        None => cmd.env_remove("CARDCAT_DEMO_DIR"),
    };
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().map_err(e("starting tauri-driver"))?;
    let d = Driver(child);
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(20) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(d);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("tauri-driver did not listen within 20 s".into())
}

async fn connect(port: u16, app: &Path) -> R<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app.display().to_string() }),
    );
    caps.insert("browserName".into(), json!("wry"));
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .map_err(e("webdriver session"))
}

struct Ui {
    c: Client,
    shots: Option<PathBuf>,
    demo_dir: PathBuf,
}

impl Ui {
    async fn el(&self, css: &str) -> R<Element> {
        self.c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .map_err(|x| format!("waiting for {css}: {x}"))
    }

    async fn text(&self, css: &str) -> R<String> {
        self.el(css).await?.text().await.map_err(e("text"))
    }

    async fn click(&self, css: &str) -> R<()> {
        self.el(css)
            .await?
            .click()
            .await
            .map_err(|x| format!("click {css}: {x}"))
    }

    async fn type_into(&self, css: &str, s: &str) -> R<()> {
        let el = self.el(css).await?;
        el.clear().await.map_err(e("clear"))?;
        el.send_keys(s)
            .await
            .map_err(|x| format!("typing into {css}: {x}"))
    }

    /// Keys to whatever has focus (function keys, Enter, Escape).
    async fn keys(&self, s: &str) -> R<()> {
        let el = self.c.active_element().await.map_err(e("active element"))?;
        el.send_keys(s).await.map_err(e("keys"))
    }

    /// Waits until `css` has attribute `attr` equal to one of `want`.
    async fn wait_attr(&self, css: &str, attr: &str, want: &[&str], secs: u64) -> R<String> {
        let t = Instant::now();
        let mut last = None;
        while t.elapsed() < Duration::from_secs(secs) {
            if let Ok(el) = self.c.find(Locator::Css(css)).await {
                last = el.attr(attr).await.ok().flatten();
                if let Some(v) = &last
                    && want.contains(&v.as_str())
                {
                    return Ok(v.clone());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!(
            "{css}[{attr}] is {last:?}, wanted one of {want:?} within {secs} s"
        ))
    }

    async fn wait_text(&self, css: &str, needle: &str, secs: u64) -> R<String> {
        let t = Instant::now();
        let mut last = String::new();
        while t.elapsed() < Duration::from_secs(secs) {
            if let Ok(el) = self.c.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{css} never contained {needle:?}; last: {last:?}"))
    }

    async fn shot(&self, name: &str) -> R<()> {
        let Some(dir) = &self.shots else {
            return Ok(());
        };
        // a screenshot can lag the page by a frame
        self.c
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(1)));",
                vec![],
            )
            .await
            .map_err(e("frame"))?;
        let png = self.c.screenshot().await.map_err(e("screenshot"))?;
        std::fs::create_dir_all(dir).map_err(e("screenshot dir"))?;
        std::fs::write(dir.join(format!("{name}.png")), png).map_err(e("screenshot"))?;
        Ok(())
    }

    /// The receipts the virtual printer got so far (each job's bytes, decoded). Where it
    /// keeps them comes from the demo's `demo.json`.
    fn receipts(&self) -> Vec<String> {
        let info: Value = std::fs::read(self.demo_dir.join("demo.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null);
        let Some(dir) = info["printer_out"].as_str().map(PathBuf::from) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|x| x == "bin"));
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|b| cardcat_printer::decode::decode(&b).text())
            .collect()
    }

    /// Waits for a receipt containing every needle.
    async fn receipt_with(&self, needles: &[&str]) -> R<String> {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(15) {
            if let Some(r) = self
                .receipts()
                .into_iter()
                .find(|r| needles.iter().all(|n| r.contains(n)))
            {
                return Ok(r);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(format!(
            "no receipt with {needles:?}; receipts: {:#?}",
            self.receipts()
        ))
    }

    async fn invoke(&self, script_body: &str) -> R<Value> {
        let script = format!(
            "const done = arguments[arguments.length - 1]; const inv = window.__TAURI_INTERNALS__.invoke; (async () => {{ {script_body} }})().then(done, (err) => done({{ thrown: err }}));"
        );
        self.c
            .execute_async(&script, vec![])
            .await
            .map_err(e("script"))
    }
}

fn key(k: Key) -> String {
    char::from(k).to_string()
}

/// A top-up by keys: F6, the number, confirmed by typing it again, the amount tile `tile`
/// (digit key), Enter to take the money. The result box follows.
async fn topup(ui: &Ui, number: &str, tile: &str) -> R<()> {
    ui.keys(&key(Key::F6)).await?;
    ui.type_into("[data-testid=account]", number).await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["readback"], 10)
        .await?;
    ui.type_into("[data-testid=account-again]", number).await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["amount"], 10)
        .await?;
    ui.keys(tile).await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["confirm"], 5)
        .await?;
    ui.keys(&key(Key::Enter)).await
}

async fn flows(ui: &Ui) -> R<()> {
    // -- PIN login
    ui.wait_attr("[data-testid=app]", "data-ready", &["yes"], 60)
        .await?;
    ui.el("[data-testid=login]").await?;
    let title = ui.text("[data-testid=login] h1").await?;
    if !title.contains("工号") {
        return Err(format!("login screen is not in Chinese: {title:?}"));
    }
    ui.shot("01-login").await?;
    ui.type_into("[data-testid=login-user]", "c1").await?;
    for d in ["9", "9", "9", "9"] {
        ui.click(&format!("[data-testid=pad-{d}]")).await?;
    }
    ui.click("[data-testid=login-go]").await?;
    let err = ui.text("[data-testid=login-error]").await?;
    if err.is_empty() {
        return Err("a wrong PIN gave no message".into());
    }
    for d in ["1", "2", "3", "4"] {
        ui.click(&format!("[data-testid=pad-{d}]")).await?;
    }
    ui.click("[data-testid=login-go]").await?;
    ui.el("[data-testid=search]").await?;
    ui.wait_text("[data-testid=user]", "收银员", 10).await?;
    ui.shot("02-counter").await?;

    // -- search by initials
    ui.type_into("[data-testid=search]", "txsp").await?;
    ui.wait_text("[data-testid=results] li:first-child", "腾讯视频", 10)
        .await?;
    ui.type_into("[data-testid=search]", "yd50").await?;
    ui.wait_text("[data-testid=results] li:first-child", "移动", 10)
        .await?;
    ui.shot("03-search").await?;

    // -- a wrong number is refused with a message, nothing sold
    ui.keys(&key(Key::F6)).await?;
    ui.type_into("[data-testid=account]", "1380013800").await?;
    ui.keys(&key(Key::Enter)).await?;
    let msg = ui.text("[data-testid=sale-error]").await?;
    if !msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return Err(format!("wrong number message not localised: {msg:?}"));
    }
    ui.shot("04-wrong-number").await?;
    ui.keys(&key(Key::Escape)).await?;

    // -- a top-up: number, read-back, amount tile, payment, live status
    ui.keys(&key(Key::F6)).await?;
    ui.type_into("[data-testid=account]", "13800138000").await?;
    ui.wait_text("[data-testid=account-grouped]", "138 0013 8000", 5)
        .await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.wait_text("[data-testid=readback-number]", "138 0013 8000", 10)
        .await?;
    ui.wait_text("[data-testid=carrier]", "中国移动", 5).await?;
    ui.shot("05-readback").await?;
    // confirmed by typing the number again
    ui.type_into("[data-testid=account-again]", "13800138000")
        .await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["amount"], 10)
        .await?;
    ui.shot("06-amounts").await?;
    ui.keys("4").await?; // 10, 20, 30, 50: the fourth tile
    ui.wait_attr("[data-testid=sale]", "data-step", &["confirm"], 5)
        .await?;
    ui.wait_text("[data-testid=total]", "50.00", 5).await?;
    ui.shot("07-confirm").await?;
    ui.click("[data-testid=confirm-sale]").await?;
    ui.wait_attr("[data-testid=result-box]", "data-state", &["succeeded"], 30)
        .await?;
    let key1 = ui.text("[data-testid=order-key]").await?;
    ui.shot("08-topup-done").await?;
    ui.receipt_with(&["13800138000", "50.00"]).await?;
    ui.keys(&key(Key::Enter)).await?;

    // -- the same top-up again: held and shown side by side with the earlier order
    ui.keys(&key(Key::F6)).await?;
    ui.el("[data-testid=account]").await?;
    ui.keys(&key(Key::Enter)).await?; // Enter: the last sale's number
    ui.wait_attr("[data-testid=sale]", "data-step", &["readback"], 10)
        .await?;
    tokio::time::sleep(Duration::from_millis(900)).await; // Enter is inert for 800 ms
    ui.keys(&key(Key::Enter)).await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["amount"], 5)
        .await?;
    ui.keys(&key(Key::Enter)).await?; // the last amount is preselected
    ui.wait_attr("[data-testid=sale]", "data-step", &["confirm"], 5)
        .await?;
    ui.wait_text("[data-testid=total]", "50.00", 5).await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["repeat"], 15)
        .await?;
    ui.wait_text("[data-testid=repeat-earlier]", &key1, 5)
        .await?;
    ui.shot("09-repeat-guard").await?;
    ui.keys(&key(Key::Escape)).await?;
    ui.keys(&key(Key::Escape)).await?;

    // -- a PIN card: shown once, printed once
    ui.type_into("[data-testid=search]", "WY-YKT-30").await?;
    ui.wait_text("[data-testid=results] li:first-child", "网易", 10)
        .await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["confirm"], 10)
        .await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.wait_attr("[data-testid=result-box]", "data-state", &["succeeded"], 30)
        .await?;
    let pin = ui.text("[data-testid=pin]").await?;
    if pin.len() < 6 || pin.contains('*') {
        return Err(format!("PIN not shown in full at the sale: {pin:?}"));
    }
    ui.shot("10-pin-card").await?;
    ui.receipt_with(&[pin.as_str()]).await?;
    ui.keys(&key(Key::Enter)).await?;

    // -- a direct top-up to a game account with its server
    ui.type_into("[data-testid=search]", "JX3-ZC-30").await?;
    ui.wait_text("[data-testid=results] li:first-child", "剑网3", 10)
        .await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.type_into("[data-testid=account]", "xiaowang2026")
        .await?;
    let zone = ui.el("[data-testid=zone]").await?;
    zone.select_by_value("电信一区").await.map_err(e("zone"))?;
    ui.click("[data-testid=account-next]").await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["readback"], 10)
        .await?;
    ui.wait_text("[data-testid=readback]", "电信一区", 5)
        .await?;
    tokio::time::sleep(Duration::from_millis(900)).await;
    ui.click("[data-testid=readback-ok]").await?;
    ui.wait_attr("[data-testid=sale]", "data-step", &["confirm"], 5)
        .await?;
    ui.shot("11-direct-confirm").await?;
    ui.click("[data-testid=confirm-sale]").await?;
    ui.wait_attr("[data-testid=result-box]", "data-state", &["succeeded"], 30)
        .await?;
    ui.receipt_with(&["xiaowang2026"]).await?;
    ui.keys(&key(Key::Enter)).await?;

    // -- an UNKNOWN order (commit, then the answer dropped): pending, then resolved on screen
    topup(ui, "13800138501", "1").await?;
    let first = ui
        .wait_attr(
            "[data-testid=result-box]",
            "data-state",
            &["unknown", "pending", "sending", "succeeded"],
            30,
        )
        .await?;
    if first == "succeeded" {
        return Err("the dropped answer was never shown as pending".into());
    }
    let advice = ui.text("[data-testid=advice]").await?;
    if !advice.contains("不等于失败") && !advice.contains("正在充值") {
        return Err(format!(
            "pending advice does not tell the customer what happens: {advice:?}"
        ));
    }
    ui.shot("12-unknown-pending").await?;
    ui.wait_attr("[data-testid=result-box]", "data-state", &["succeeded"], 90)
        .await?;
    ui.shot("13-unknown-resolved").await?;
    ui.keys(&key(Key::Enter)).await?;

    // -- redemption: scan, see it, confirm, done; then cancel within the window
    ui.keys(&key(Key::F10)).await?;
    ui.type_into("[data-testid=voucher-code]", "CC-TEST-0001")
        .await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.wait_text("[data-testid=voucher]", "星巴克", 10).await?;
    ui.wait_text("[data-testid=voucher]", "50.00", 5).await?;
    ui.shot("14-redeem-voucher").await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.wait_attr(
        "[data-testid=redeem-result]",
        "data-state",
        &["redeemed"],
        20,
    )
    .await?;
    ui.shot("15-redeemed").await?;
    ui.receipt_with(&["CC-TEST-0001"]).await?;
    ui.click("[data-testid=redeem-cancel]").await?;
    ui.wait_attr(
        "[data-testid=redeem-result]",
        "data-state",
        &["cancelled"],
        20,
    )
    .await?;
    ui.keys(&key(Key::Escape)).await?;

    // -- pending panel and a reprint (副本) with its preview from the bytes
    ui.keys(&key(Key::F9)).await?;
    ui.el("[data-testid=pending]").await?;
    ui.type_into("[data-testid=reprint-key]", &key1).await?;
    ui.click("[data-testid=reprint]").await?;
    ui.el("[data-testid=preview] img").await?;
    ui.shot("16-pending-reprint").await?;
    ui.receipt_with(&["副本", "13800138000"]).await?;
    ui.keys(&key(Key::Escape)).await?;

    // -- X report with its preview
    ui.keys(&key(Key::F12)).await?;
    ui.click("[data-testid=shift-x]").await?;
    ui.el("[data-testid=shift-report]").await?;
    ui.el("[data-testid=preview] img").await?;
    ui.shot("17-shift-x").await?;
    ui.keys(&key(Key::Escape)).await?;

    // -- a cashier cannot reach owner commands over IPC, whatever the UI shows
    let r = ui
        .invoke("const u = await inv('login', {user: 'c1', pin: '1234'}); return await inv('commission_report', {token: u.token, by: 'product'});")
        .await?;
    if r["thrown"]["kind"] != "forbidden" {
        return Err(format!("cashier reached the owner's report over IPC: {r}"));
    }
    let r = ui
        .invoke("return await inv('commission_report', {token: 'forged-token', by: 'product'});")
        .await?;
    if r["thrown"]["kind"] != "login_needed" {
        return Err(format!("a forged token was accepted: {r}"));
    }
    let r = ui
        .invoke("return await inv('plugin:shell|open', {path: 'https://example.com'});")
        .await?;
    if r.get("thrown").is_none() {
        return Err(format!("the webview reached a shell: {r}"));
    }
    // the updater plugin is registered, but only the back end may use it (after the role
    // check and under the counter's update gate): the webview is refused by the ACL
    for cmd in ["check", "download_and_install", "install"] {
        let r = ui
            .invoke(&format!(
                "return await inv('plugin:updater|{cmd}', {{rid: 1}});"
            ))
            .await?;
        let thrown = r.get("thrown").map(|t| t.to_string()).unwrap_or_default();
        if !thrown.contains("not allowed") {
            return Err(format!("the webview reached plugin:updater|{cmd}: {r}"));
        }
    }
    Ok(())
}

/// One `/proc/<pid>/<file>` field in kB ("VmRSS:", "Pss:").
fn proc_kb(pid: u32, file: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
}

/// Memory (kB) of the processes running `app` and all their descendants (the app,
/// WebKit's web and network processes): summed RSS (shared libraries counted in each),
/// summed PSS (shared pages split between the processes), and how many there are.
fn memory_kb(app: &Path) -> (u64, u64, usize) {
    let mut parent = std::collections::HashMap::new();
    let mut roots = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return (0, 0, 0);
    };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0);
        parent.insert(pid, ppid);
        if std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .as_deref()
            == Some(app)
        {
            roots.push(pid);
        }
    }
    let (mut rss, mut pss, mut count) = (0, 0, 0);
    for &pid in parent.keys() {
        // is `pid` one of the roots or below one? (bounded walk up the tree)
        let mut p = pid;
        let mut inside = false;
        for _ in 0..64 {
            if roots.contains(&p) {
                inside = true;
                break;
            }
            match parent.get(&p) {
                Some(&pp) if pp > 1 => p = pp,
                _ => break,
            }
        }
        if !inside {
            continue;
        }
        let (r, p) = (
            proc_kb(pid, "status", "VmRSS:"),
            proc_kb(pid, "smaps_rollup", "Pss:"),
        );
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        println!("  {} RSS {} MB, PSS {} MB", comm.trim(), r / 1024, p / 1024);
        rss += r;
        pss += p;
        count += 1;
    }
    (rss, pss, count)
}

async fn login_c1(ui: &Ui) -> R<()> {
    ui.type_into("[data-testid=login-user]", "c1").await?;
    ui.type_into("[data-testid=login-pin]", "1234").await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.el("[data-testid=search]").await.map(|_| ())
}

/// Cold start to an interactive login screen, then idle memory after logging in.
async fn bench_start(ui: &Ui, started: Instant, app: &Path) -> R<()> {
    ui.wait_attr("[data-testid=app]", "data-ready", &["yes"], 120)
        .await?;
    ui.el("[data-testid=login-user]").await?;
    println!(
        "cold start to an interactive login screen: {} ms (from the WebDriver session request: WebKitWebDriver, the app, and the demo platform's start, pairing and sync)",
        started.elapsed().as_millis()
    );
    login_c1(ui).await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (rss, pss, n) = memory_kb(app);
    println!(
        "idle memory after login, {n} processes (app + WebKit): PSS {} MB, RSS summed {} MB",
        pss / 1024,
        rss / 1024
    );
    Ok(())
}

/// Keystroke → rendered results in the real window, over the catalog the app was given.
async fn bench(ui: &Ui) -> R<()> {
    ui.wait_attr("[data-testid=app]", "data-ready", &["yes"], 120)
        .await?;
    login_c1(ui).await?;
    // steady state: the first search waits for the index to load after start
    let warm = Instant::now();
    ui.type_into("[data-testid=search]", "yd").await?;
    ui.wait_text("[data-testid=results] li:first-child", "移动", 60)
        .await?;
    println!(
        "first search after login (the index loading): {} ms",
        warm.elapsed().as_millis()
    );
    // the IPC round trip of one search, timed inside the page
    let rt = ui
        .invoke(
            "const u = await inv('login', {user: 'c1', pin: '1234'}); const qs = ['yd50','txsp','qqyy','50','wyykt','dx20g','jdek100','xbk']; const out = []; for (let i = 0; i < 80; i++) { const t = performance.now(); await inv('search', {token: u.token, q: qs[i % qs.length], limit: 30}); out.push(performance.now() - t); } return out;",
        )
        .await?;
    let mut ipc: Vec<f64> = rt
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    ipc.sort_by(f64::total_cmp);
    if let (Some(p50), Some(p95)) = (ipc.get(ipc.len() / 2), ipc.get(ipc.len() * 95 / 100)) {
        println!(
            "search over IPC, round trip in the page ({} calls): p50 {p50:.1} ms, p95 {p95:.1} ms",
            ipc.len()
        );
    }
    let queries = [
        "yd50",
        "txsp",
        "腾讯视频",
        "qqyy",
        "50",
        "wyykt",
        "dx20g",
        "jdek100",
        "xbk",
        "aqy",
    ];
    ui.invoke(
        "window.__cardcatPerf.search.length = 0; window.__cardcatPerf.dom.length = 0; return 1;",
    )
    .await?;
    for _ in 0..5 {
        for q in queries {
            let el = ui.el("[data-testid=search]").await?;
            el.clear().await.map_err(e("clear"))?;
            for ch in q.chars() {
                el.send_keys(&ch.to_string()).await.map_err(e("keys"))?;
            }
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let d = ui
        .invoke("return window.__cardcatPerf.dom.slice();")
        .await?;
    let mut dm: Vec<f64> = d
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    dm.sort_by(f64::total_cmp);
    if let (Some(p50), Some(p95)) = (dm.get(dm.len() / 2), dm.get(dm.len() * 95 / 100)) {
        println!("keystroke → results in the DOM (before paint): p50 {p50:.1} ms, p95 {p95:.1} ms");
    }
    let v = ui
        .invoke("return window.__cardcatPerf.search.slice();")
        .await?;
    let mut ms: Vec<f64> = v
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if ms.is_empty() {
        return Err("no keystroke timings recorded".into());
    }
    ms.sort_by(f64::total_cmp);
    let p = |pct: usize| ms[(ms.len() - 1) * pct / 100];
    println!(
        "keystroke → rendered results ({} keystrokes): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms.len(),
        p(50),
        p(95),
        p(100)
    );
    Ok(())
}

fn demo_info(dir: &Path) -> R<Value> {
    let b = std::fs::read(dir.join("demo.json")).map_err(e("demo.json"))?;
    serde_json::from_slice(&b).map_err(e("demo.json"))
}

/// A real terminal (the app's own command line, the platform sandbox on loopback, the
/// session's Secret Service) paired, with an owner and a backup, whose database is then
/// deleted: the app must open on the recovery screen.
struct LostTerminal {
    data: PathBuf,
    sandbox: Child,
}

impl LostTerminal {
    fn prepare(app: &Path, dir: &Path) -> R<LostTerminal> {
        let data = dir.join("data");
        std::fs::create_dir_all(&data).map_err(e("data dir"))?;
        let sandbox_bin = app.with_file_name("cardcat-sandbox");
        let port = free_port()?;
        let platform = dir.join("platform.sqlite");
        let sandbox = Command::new(&sandbox_bin)
            .args([
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--db",
            ])
            .arg(&platform)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(e("starting the sandbox"))?;
        let mut l = LostTerminal { data, sandbox };
        let t = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if t.elapsed() > Duration::from_secs(20) {
                return Err("the sandbox did not listen within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let out = Command::new(&sandbox_bin)
            .arg("pairing-code")
            .arg("--db")
            .arg(&platform)
            .output()
            .map_err(e("pairing code"))?;
        let code = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_string();
        let url = format!("http://127.0.0.1:{port}");
        for args in [
            vec!["activate", "--url", &url, "--code", &code],
            vec![
                "user",
                "add",
                "--id",
                "boss",
                "--name",
                "老板",
                "--role",
                "owner",
                "--new-pin",
                "8888",
            ],
            vec!["--user", "boss", "--pin", "8888", "backup", "now"],
        ] {
            l.cli(app, &args)?;
        }
        let db = l.data.join("cardcat").join("cardcat.sqlite");
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        Ok(l)
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("XDG_DATA_HOME", self.data.display().to_string()),
            ("CARDCAT_LANG", "zh-CN".to_string()),
        ]
    }

    fn cli(&mut self, app: &Path, args: &[&str]) -> R<()> {
        let out = Command::new(app)
            .arg("--cli")
            .args(args)
            .envs(self.env())
            .env_remove("CARDCAT_DEMO_DIR")
            .output()
            .map_err(e("cardcat --cli"))?;
        if !out.status.success() {
            return Err(format!(
                "cardcat {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }
}

impl Drop for LostTerminal {
    fn drop(&mut self) {
        let _ = self.sandbox.kill();
        let _ = self.sandbox.wait();
    }
}

/// The database of a real terminal is lost: the window still opens, says why without the
/// store's path, lists this terminal's own backup, and brings the store back from it; the
/// counter then opens on the login screen and the owner logs in.
async fn recovery_flow(ui: &Ui) -> R<()> {
    ui.el("[data-testid=recovery]").await?;
    let msg = ui.text("[data-testid=recovery-message]").await?;
    if !msg.contains("数据库") || msg.contains(".sqlite") {
        return Err(format!("recovery message: {msg:?}"));
    }
    ui.wait_text("[data-testid=recovery-list]", "最新", 10)
        .await?;
    ui.shot("38-recovery").await?;
    ui.click("[data-testid=recovery-restore-0]").await?;
    ui.click("[data-testid=recovery-sure]").await?;
    ui.el("[data-testid=login]").await?;
    login_as(ui, "boss", "8888").await?;
    ui.wait_text("[data-testid=user]", "老板", 10).await?;
    Ok(())
}

async fn login_as(ui: &Ui, user: &str, pin: &str) -> R<()> {
    ui.type_into("[data-testid=login-user]", user).await?;
    ui.type_into("[data-testid=login-pin]", pin).await?;
    ui.keys(&key(Key::Enter)).await?;
    ui.el("[data-testid=user]").await.map(|_| ())
}

async fn logout(ui: &Ui) -> R<()> {
    ui.click("[data-testid=logout]").await?;
    ui.el("[data-testid=login]").await.map(|_| ())
}

/// The number shown by `css`, as an integer (orders).
async fn count(ui: &Ui, css: &str) -> R<u64> {
    let t = ui.text(css).await?;
    t.trim()
        .parse()
        .map_err(|_| format!("{css} is not a count: {t:?}"))
}

/// The installer's wizard on a fresh terminal: language, platform, pairing, a printer found
/// by a loopback-only sweep, a test print that reaches the virtual printer (with its preview
/// beside it), the drawer, the checks, the owner's PIN; then a working counter.
async fn setup_flow(ui: &Ui) -> R<()> {
    let started = Instant::now();
    ui.wait_attr("[data-testid=app]", "data-ready", &["yes"], 60)
        .await?;
    let info = demo_info(&ui.demo_dir)?;
    let url = info["sandbox_url"]
        .as_str()
        .ok_or("sandbox_url")?
        .to_string();
    let code = info["pairing_code"]
        .as_str()
        .ok_or("a fresh demo has a pairing code")?
        .to_string();
    ui.wait_attr("[data-testid=setup]", "data-step", &["lang"], 20)
        .await?;
    // a new terminal with no user: the counter and the login are not reachable yet
    if ui.c.find(Locator::Css("[data-testid=login]")).await.is_ok() {
        return Err("a fresh terminal showed the login instead of the wizard".into());
    }
    ui.shot("30-setup-language").await?;
    ui.click("[data-testid=lang-zh]").await?;
    ui.wait_attr("[data-testid=setup]", "data-step", &["platform"], 10)
        .await?;
    // a wrong address says what is wrong and how to fix it
    ui.type_into("[data-testid=setup-url]", "http://127.0.0.1:9")
        .await?;
    ui.click("[data-testid=setup-url-check]").await?;
    ui.wait_text("[data-testid=setup] .checks", "网络", 15)
        .await?;
    ui.type_into("[data-testid=setup-url]", &url).await?;
    ui.click("[data-testid=setup-url-check]").await?;
    ui.wait_text("[data-testid=setup] .checks", "平台可达", 15)
        .await?;
    ui.wait_text("[data-testid=setup] .checks", "时钟", 5)
        .await?;
    ui.shot("31-setup-platform").await?;
    ui.click("[data-testid=setup-next]").await?;
    ui.wait_attr("[data-testid=setup]", "data-step", &["pair"], 10)
        .await?;
    ui.type_into("[data-testid=setup-code]", &code).await?;
    ui.click("[data-testid=setup-pair]").await?;
    ui.wait_text("[data-testid=paired]", "已配对", 60).await?;
    ui.shot("32-setup-paired").await?;
    ui.click("[data-testid=setup-next]").await?;
    ui.wait_attr("[data-testid=setup]", "data-step", &["printer"], 10)
        .await?;
    // the sweep covers loopback only: the range the app was given, checked before use
    let subnet = ui
        .el("[data-testid=setup-subnet]")
        .await?
        .prop("value")
        .await
        .map_err(e("subnet"))?
        .unwrap_or_default();
    if !subnet.starts_with("127.") {
        return Err(format!("the e2e sweep range is not loopback: {subnet:?}"));
    }
    let want = info["printer_target"].as_str().ok_or("printer_target")?;
    ui.click("[data-testid=setup-sweep]").await?;
    ui.wait_text("[data-testid=found]", want.trim_start_matches("tcp://"), 20)
        .await?;
    let target = ui
        .el("[data-testid=setup-target]")
        .await?
        .prop("value")
        .await
        .map_err(e("target"))?
        .unwrap_or_default();
    if target != want {
        return Err(format!(
            "the found printer {target:?} is not the emulator {want:?}"
        ));
    }
    ui.el("[data-testid=setup-profile]")
        .await?
        .select_by_value("xprinter-58")
        .await
        .map_err(e("profile"))?;
    ui.click("[data-testid=setup-test-print]").await?;
    ui.el("[data-testid=setup-preview] img").await?;
    let printed = ui.receipt_with(&["58"]).await?;
    println!(
        "wizard: fresh start to the first test print: {} ms (typing by WebDriver)",
        started.elapsed().as_millis()
    );
    ui.shot("33-setup-printer").await?;
    let alt = ui
        .el("[data-testid=setup-preview] img")
        .await?
        .attr("alt")
        .await
        .map_err(e("alt"))?
        .unwrap_or_default();
    let first_line = printed.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if !alt.contains(first_line.trim()) {
        return Err(format!(
            "the preview is not the printed page: {first_line:?} not in {alt:?}"
        ));
    }
    ui.click("[data-testid=setup-drawer]").await?;
    ui.el("[data-testid=setup-drawer-result]").await?;
    ui.receipt_with(&["[DRAWER"]).await?;
    ui.click("[data-testid=setup-printer-save]").await?;
    ui.wait_attr("[data-testid=setup]", "data-step", &["checks"], 10)
        .await?;
    ui.wait_text("[data-testid=setup-checks]", "平台可达", 20)
        .await?;
    ui.shot("34-setup-checks").await?;
    ui.click("[data-testid=setup-next]").await?;
    ui.wait_attr("[data-testid=setup]", "data-step", &["owner"], 10)
        .await?;
    ui.type_into("[data-testid=owner-id]", "laoban").await?;
    ui.type_into("[data-testid=owner-name]", "王老板").await?;
    ui.type_into("[data-testid=owner-pin]", "2468").await?;
    ui.type_into("[data-testid=owner-pin2]", "2467").await?;
    ui.click("[data-testid=owner-create]").await?;
    ui.wait_text("[data-testid=setup-error]", "不一致", 5)
        .await?;
    ui.type_into("[data-testid=owner-pin2]", "2468").await?;
    ui.shot("35-setup-owner").await?;
    ui.click("[data-testid=owner-create]").await?;
    ui.el("[data-testid=setup-done]").await?;
    ui.shot("36-setup-done").await?;
    ui.click("[data-testid=setup-finish]").await?;
    // a working counter: the owner is logged in and can search the synced catalog
    ui.el("[data-testid=search]").await?;
    ui.type_into("[data-testid=search]", "yd50").await?;
    ui.wait_text("[data-testid=results] li:first-child", "移动", 20)
        .await?;
    println!(
        "wizard: fresh start to a working counter: {} ms",
        started.elapsed().as_millis()
    );
    // the open door is shut: no set-up without a login now
    let r = ui
        .invoke("return await inv('setup_test_print', {token: null, target: '127.0.0.1:9', profile: 'xprinter-58', drawer: true});")
        .await?;
    if r["thrown"]["kind"] != "login_needed" {
        return Err(format!("set-up still open without a login: {r}"));
    }
    Ok(())
}

/// The owner's back office after the cashier's flows: today, commission that follows a
/// new sale, charts, CSV, reconciliation with an injected difference, users, receipt
/// settings, audit, diagnostics; and the cashier kept out of all of it.
async fn owner_flows(ui: &Ui) -> R<()> {
    let info = demo_info(&ui.demo_dir)?;
    // the cashier sees no back office, and cannot call it
    ui.el("[data-testid=user]").await?;
    if ui
        .c
        .find(Locator::Css("[data-testid=open-office]"))
        .await
        .is_ok()
    {
        return Err("a cashier sees the back office button".into());
    }
    for cmd in [
        "owner_dashboard",
        "owner_users",
        "diag_bundle",
        "setup_state",
        "receipt_settings",
    ] {
        let r = ui
            .invoke(&format!("const u = await inv('login', {{user: 'c1', pin: '1234'}}); return await inv('{cmd}', {{token: u.token}});"))
            .await?;
        if r["thrown"]["kind"] != "forbidden" {
            return Err(format!("a cashier reached {cmd}: {r}"));
        }
    }
    logout(ui).await?;
    login_as(ui, "boss", "8888").await?;
    ui.click("[data-testid=open-office]").await?;
    ui.el("[data-testid=dashboard]").await?;
    let before = count(ui, "[data-testid=dash-orders]").await?;
    if before < 3 {
        return Err(format!(
            "today's orders after the cashier's sales: {before}"
        ));
    }
    ui.shot("20-owner-today").await?;
    ui.click("[data-testid=tab-commission]").await?;
    ui.click("[data-testid=range-1]").await?;
    ui.wait_text("[data-testid=commission-orders]", &before.to_string(), 10)
        .await?;
    let commission_before = ui.text("[data-testid=commission-total]").await?;
    ui.el("[data-testid=chart-daily] canvas").await?;
    ui.el("[data-testid=chart-hourly] canvas").await?;
    ui.el("[data-testid=chart-category] canvas").await?;
    ui.wait_text("[data-testid=by-cashier]", "小王", 5).await?;
    ui.click("[data-testid=range-7]").await?;
    ui.shot("21-owner-commission").await?;
    // CSV: UTF-8 with BOM, CRLF, the sales of today
    ui.click("[data-testid=export-csv]").await?;
    let saved = ui.text("[data-testid=csv-saved]").await?;
    let path = saved
        .split_once('：')
        .map(|x| x.1)
        .and_then(|p| p.split('（').next())
        .ok_or_else(|| format!("no path in {saved:?}"))?
        .trim()
        .to_string();
    let csv = std::fs::read(&path).map_err(|x| format!("reading {path}: {x}"))?;
    if !csv.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err("the CSV has no UTF-8 BOM".into());
    }
    let csv = String::from_utf8(csv).map_err(e("csv utf-8"))?;
    if !csv.contains("day,client_key,sku,product,cashier,entry,amount,booked_on,order_state\r\n")
        || !csv.contains(",c1,sale,50.00,")
        || !csv.contains("中国移动")
    {
        return Err(format!(
            "CSV content: {}",
            csv.chars().take(400).collect::<String>()
        ));
    }
    logout(ui).await?;
    // a cashier's sale, then the owner sees commission change
    login_as(ui, "c1", "1234").await?;
    topup(ui, "13900139000", "4").await?;
    ui.wait_attr("[data-testid=result-box]", "data-state", &["succeeded"], 30)
        .await?;
    let new_key = ui.text("[data-testid=order-key]").await?;
    ui.keys(&key(Key::Enter)).await?;
    logout(ui).await?;
    login_as(ui, "boss", "8888").await?;
    ui.click("[data-testid=open-office]").await?;
    ui.wait_text("[data-testid=dash-orders]", &(before + 1).to_string(), 10)
        .await?;
    ui.click("[data-testid=tab-commission]").await?;
    ui.click("[data-testid=range-1]").await?;
    ui.wait_text(
        "[data-testid=commission-orders]",
        &(before + 1).to_string(),
        10,
    )
    .await?;
    let commission_after = ui.text("[data-testid=commission-total]").await?;
    if commission_after == commission_before {
        return Err(format!(
            "commission did not change after a sale: {commission_after}"
        ));
    }
    // reconciliation: a difference injected on the platform shows, with both sides
    let r = reqwest::Client::new()
        .post(format!(
            "{}/admin/statements/adjust",
            info["sandbox_url"].as_str().unwrap_or("")
        ))
        .bearer_auth(info["admin_token"].as_str().unwrap_or(""))
        .json(&json!({ "client_key": new_key.trim(), "delta": "2.00" }))
        .send()
        .await
        .map_err(e("statement adjust"))?;
    if !r.status().is_success() {
        return Err(format!("statement adjust: {}", r.status()));
    }
    ui.click("[data-testid=tab-reconcile]").await?;
    ui.click("[data-testid=reconcile-go]").await?;
    ui.el("[data-testid=reconcile-summary]").await?;
    ui.click("[data-testid=diff-mismatch]").await?;
    let sides = ui.text("[data-testid=diff-sides]").await?;
    if !sides.contains("本机") || !sides.contains("平台") {
        return Err(format!(
            "the differing order does not show both sides: {sides:?}"
        ));
    }
    ui.shot("22-owner-reconcile").await?;
    ui.click("[data-testid=tab-dashboard]").await?;
    ui.wait_text("[data-testid=dash-reconcile]", "有差异", 10)
        .await?;
    for (tab, shot) in [
        ("shifts", "23-owner-shifts"),
        ("users", "24-owner-users"),
        ("orders", "25-owner-orders"),
    ] {
        ui.click(&format!("[data-testid=tab-{tab}]")).await?;
        ui.el(&format!("[data-testid=office-{tab}] table")).await?;
        ui.shot(shot).await?;
    }
    // an owner's audited reveal of a PIN card
    ui.click("[data-testid=reveal]").await?;
    ui.el("[data-testid=revealed] .pin").await?;
    ui.click("[data-testid=tab-receipt]").await?;
    ui.el("[data-testid=receipt-preview-58] img").await?;
    ui.el("[data-testid=receipt-preview-80] img").await?;
    ui.type_into("[data-testid=receipt-footer]", "谢谢光临 便民超市")
        .await?;
    let t = Instant::now();
    loop {
        let alt = ui
            .el("[data-testid=receipt-preview-58] img")
            .await?
            .attr("alt")
            .await
            .map_err(e("alt"))?
            .unwrap_or_default();
        if alt.contains("便民超市") {
            break;
        }
        if t.elapsed() > Duration::from_secs(10) {
            return Err(format!(
                "the live preview did not follow the footer: {alt:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    ui.click("[data-testid=receipt-save]").await?;
    ui.el("[data-testid=receipt-note]").await?;
    ui.shot("26-owner-receipt").await?;
    ui.click("[data-testid=tab-audit]").await?;
    ui.el("[data-testid=audit-action]")
        .await?
        .select_by_value("pin.")
        .await
        .map_err(e("audit filter"))?;
    ui.click("[data-testid=audit-go]").await?;
    ui.wait_text("[data-testid=audit-list]", "再次查看卡密", 10)
        .await?;
    ui.shot("27-owner-audit").await?;
    ui.click("[data-testid=tab-backups]").await?;
    ui.click("[data-testid=backup-now]").await?;
    ui.el("[data-testid=backup-note]").await?;
    ui.wait_text("[data-testid=backup-list]", "KB", 10).await?;
    ui.shot("29-owner-backups").await?;
    // updates: the version, the channel (kept by the back end), and the demo never asks a server
    ui.click("[data-testid=tab-updates]").await?;
    ui.wait_text("[data-testid=update-version]", "0.1.0", 10)
        .await?;
    ui.el("[data-testid=update-channel]")
        .await?
        .select_by_value("beta")
        .await
        .map_err(e("update channel"))?;
    ui.click("[data-testid=tab-backups]").await?;
    ui.click("[data-testid=tab-updates]").await?;
    ui.wait_text("[data-testid=update-version]", "0.1.0", 10)
        .await?;
    let channel = ui
        .el("[data-testid=update-channel]")
        .await?
        .prop("value")
        .await
        .map_err(e("channel value"))?;
    if channel.as_deref() != Some("beta") {
        return Err(format!("the update channel was not kept: {channel:?}"));
    }
    ui.click("[data-testid=update-check]").await?;
    ui.wait_text("[data-testid=update-error]", "演示模式", 10)
        .await?;
    ui.shot("37-owner-updates").await?;
    ui.click("[data-testid=tab-diagnostics]").await?;
    ui.el("[data-testid=check-database]").await?;
    ui.click("[data-testid=bundle]").await?;
    let saved = ui.text("[data-testid=bundle-saved]").await?;
    let path = saved
        .split_once('：')
        .map(|x| x.1.trim().to_string())
        .unwrap_or_default();
    let bundle = std::fs::read_to_string(&path).map_err(|x| format!("bundle {path}: {x}"))?;
    for secret in ["13800138000", "13900139000"] {
        if bundle.contains(secret) {
            return Err(format!("the support bundle holds {secret}"));
        }
    }
    ui.shot("28-owner-diagnostics").await?;
    Ok(())
}

/// Click to painted, for a 90-day commission report with its charts, over the order
/// history the app was given.
async fn bench_report(ui: &Ui) -> R<()> {
    ui.wait_attr("[data-testid=app]", "data-ready", &["yes"], 120)
        .await?;
    login_as(ui, "boss", "8888").await?;
    ui.click("[data-testid=open-office]").await?;
    ui.click("[data-testid=tab-commission]").await?;
    ui.el("[data-testid=chart-daily] canvas").await?;
    // the first report (7 days, drawn at mount) must be painted before the count restarts
    ui.wait_attr("body", "data-report-painted", &["1"], 60)
        .await?;
    ui.invoke("window.__cardcatPerf.report.length = 0; document.body.dataset.reportPainted = '0'; return 1;")
        .await?;
    for i in 1..=12u32 {
        ui.click("[data-testid=range-90]").await?;
        ui.wait_attr("body", "data-report-painted", &[i.to_string().as_str()], 30)
            .await?;
    }
    let orders = ui.text("[data-testid=commission-orders]").await?;
    let v = ui
        .invoke("return window.__cardcatPerf.report.slice();")
        .await?;
    let mut ms: Vec<f64> = v
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if ms.is_empty() {
        return Err("no report timings".into());
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "commission report, 90 days, {orders} orders, click → charts painted ({} runs): median {:.0} ms, max {:.0} ms",
        ms.len(),
        ms[ms.len() / 2],
        ms[ms.len() - 1]
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let o = match opts() {
        Ok(o) => o,
        Err(m) => {
            eprintln!("cardcat-e2e: {m}");
            std::process::exit(2);
        }
    };
    let demo_dir = std::env::temp_dir().join(format!("cardcat-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&demo_dir);
    // the bench starts the app twice: with the seeded catalog (start, memory), then
    // with 50,000 more SKUs (keystrokes)
    let phases: Vec<(&str, Vec<(&str, String)>)> = if o.bench {
        vec![
            ("start", vec![]),
            (
                "keys",
                vec![("CARDCAT_DEMO_EXTRA_SKUS", "50000".to_string())],
            ),
            (
                "report",
                vec![("CARDCAT_DEMO_HISTORY", "100000".to_string())],
            ),
        ]
    } else {
        vec![
            ("setup", vec![("CARDCAT_DEMO_SETUP", "1".to_string())]),
            ("flows", vec![]),
            ("recovery", vec![]),
        ]
    };
    let res = async {
        for (phase, extra) in phases {
            let dir = demo_dir.join(phase);
            let port = free_port()?;
            // the recovery phase: a real terminal (not the demo) whose database was lost
            let lost = if phase == "recovery" {
                Some(LostTerminal::prepare(&o.app, &dir)?)
            } else {
                None
            };
            let _driver = match &lost {
                Some(l) => start_driver_for(port, None, &l.env())?,
                None => start_driver(port, &dir, &extra)?,
            };
            let started = Instant::now();
            let c = connect(port, &o.app).await?;
            let ui = Ui {
                c,
                shots: o.shots.clone(),
                demo_dir: dir,
            };
            let r = match phase {
                "start" => bench_start(&ui, started, &o.app).await,
                "keys" => bench(&ui).await,
                "report" => bench_report(&ui).await,
                "setup" => setup_flow(&ui).await,
                "recovery" => recovery_flow(&ui).await,
                _ => match flows(&ui).await {
                    Ok(()) => owner_flows(&ui).await,
                    Err(m) => Err(m),
                },
            };
            if r.is_err() {
                let _ = ui.shot("failure").await;
            }
            let _ = ui.c.close().await;
            r?;
        }
        Ok::<(), String>(())
    };
    let r = tokio::time::timeout(Duration::from_secs(600), res)
        .await
        .unwrap_or_else(|_| Err("the end-to-end run took over 10 minutes".into()));
    let _ = std::fs::remove_dir_all(&demo_dir);
    match r {
        Ok(()) if o.bench => println!("cardcat-e2e: bench done"),
        Ok(()) => println!("cardcat-e2e: all flows passed"),
        Err(m) => {
            eprintln!("cardcat-e2e: FAILED: {m}");
            std::process::exit(1);
        }
    }
}
