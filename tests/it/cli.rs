//! The `cardcat` command as installers use it: activate (secret into the OS keyring,
//! never into SQLite), catalog sync, search, info, doctor — against the real sandbox.

use cardcat_cli::{CatalogCmd, Cmd, Ctx};
use cardcat_client::secrets;
use cardcat_core::Lang;
use cardcat_tests::Env;

use cardcat_tests::CaptureOut as Out;

fn ctx(db: std::path::PathBuf, lang: Lang, out: &Out) -> Ctx {
    Ctx::open(
        cardcat_counter::TerminalConfig { db, lang },
        std::sync::Arc::from(secrets::from_env()),
        Box::new(out.clone()),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activate_sync_search_doctor() {
    let env = Env::start(500).await;
    let out = Out::default();
    let db = env.terminal_db("cli.sqlite");
    let mut c = ctx(db.clone(), Lang::ZhCn, &out);

    // before activation: a clear, localised refusal
    let e = cardcat_cli::run(
        Cmd::Catalog {
            cmd: CatalogCmd::Sync { full: false },
        },
        &mut c,
    )
    .await
    .unwrap_err();
    assert!(e.0.contains("尚未激活"), "{}", e.0);

    let code = env.pairing_code();
    cardcat_cli::run(
        Cmd::Activate {
            url: env.url(),
            code,
            device: "it".into(),
            move_store: false,
        },
        &mut c,
    )
    .await
    .unwrap();
    assert!(out.take().contains("终端已激活"));

    // the secret is in the keyring and nowhere in the SQLite files
    let store = cardcat_store::Store::open(&db).unwrap();
    let tid = store.setting("terminal_id").unwrap().unwrap();
    let secret = c
        .counter
        .secrets()
        .get(&tid)
        .unwrap()
        .expect("secret in keyring");
    assert_eq!(secret.len(), 64);
    drop(store);
    for f in ["cli.sqlite", "cli.sqlite-wal"] {
        if let Ok(bytes) = std::fs::read(env.terminal_db(f)) {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "secret leaked into {f}"
            );
        }
    }

    cardcat_cli::run(
        Cmd::Catalog {
            cmd: CatalogCmd::Sync { full: false },
        },
        &mut c,
    )
    .await
    .unwrap();
    let s = out.take();
    assert!(s.contains("同步完成"), "{s}");

    cardcat_cli::run(
        Cmd::Catalog {
            cmd: CatalogCmd::Search {
                query: "txsp".into(),
                limit: 3,
                json: false,
            },
        },
        &mut c,
    )
    .await
    .unwrap();
    let s = out.take();
    assert!(
        s.lines().next().is_some_and(|l| l.contains("腾讯视频")),
        "{s}"
    );

    cardcat_cli::run(
        Cmd::Catalog {
            cmd: CatalogCmd::Search {
                query: "yk".into(),
                limit: 3,
                json: true,
            },
        },
        &mut c,
    )
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out.take()).unwrap();
    assert!(v[0]["product"]["brand"].as_str().unwrap().contains("优酷"));

    cardcat_cli::run(
        Cmd::Catalog {
            cmd: CatalogCmd::Info,
        },
        &mut c,
    )
    .await
    .unwrap();
    assert!(out.take().contains("上次成功同步"));

    let code = cardcat_cli::run(Cmd::Doctor, &mut c).await.unwrap();
    let s = out.take();
    assert_eq!(code, 0, "{s}");
    assert!(
        s.contains("本机时钟与平台相差") && s.contains("平台可达") && !s.contains('✗'),
        "{s}"
    );

    // English is complete too
    let mut en = ctx(db.clone(), Lang::En, &out);
    cardcat_cli::run(
        Cmd::Catalog {
            cmd: CatalogCmd::Search {
                query: "zzzzqqq".into(),
                limit: 3,
                json: false,
            },
        },
        &mut en,
    )
    .await
    .unwrap();
    assert!(out.take().contains("No products match"));

    // platform gone: doctor says so and fails; search still works offline
    env.sandbox.shutdown().await;
    let code = cardcat_cli::run(Cmd::Doctor, &mut en).await.unwrap();
    let s = out.take();
    assert_eq!(code, 1, "{s}");
    assert!(s.contains("Cannot reach the platform"), "{s}");
    cardcat_cli::run(
        Cmd::Catalog {
            cmd: CatalogCmd::Search {
                query: "话费".into(),
                limit: 3,
                json: false,
            },
        },
        &mut en,
    )
    .await
    .unwrap();
    assert!(out.take().contains("话费"));
    let _ = c.counter.secrets().delete(&tid);
}

/// Argument errors come from the message catalog, in zh-CN unless English is asked for,
/// and say what was wrong; nothing is touched.
#[test]
fn argument_errors_are_localised() {
    let bin = env!("CARGO_BIN_EXE_cardcat-it");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("args.sqlite");
    let run = |args: &[&str], lang: Option<&str>| {
        let mut c = std::process::Command::new(bin);
        c.arg("--db").arg(&db).args(args).env_remove("LANG");
        c.env_remove("CARDCAT_LANG");
        if let Some(l) = lang {
            c.env("CARDCAT_LANG", l);
        }
        c.output().unwrap()
    };
    let out = run(&["sell", "CM-HF-50", "--bogus"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("不认识的参数") && err.contains("--bogus"),
        "{err}"
    );
    assert!(
        !err.contains("unexpected argument"),
        "clap's English leaked: {err}"
    );
    let out = run(&["sell"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("缺少必需的参数"), "{err}");
    let out = run(&["shift", "close", "--counted"], Some("en"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error:") && !err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{err}"
    );
    let out = run(&["frobnicate"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("不认识的命令") && err.contains("frobnicate"),
        "{err}"
    );
    assert!(!db.exists(), "a refused command line touches nothing");
    // help still works
    let out = run(&["--help"], None);
    assert_eq!(out.status.code(), Some(0));
}
