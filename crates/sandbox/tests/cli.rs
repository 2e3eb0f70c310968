//! The `cardcat-sandbox` binary: pairing codes, vouchers and `serve`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cardcat-sandbox");

#[test]
fn pairing_code_and_voucher_without_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    let out = Command::new(BIN)
        .args(["pairing-code", "--db"])
        .arg(&db)
        .args(["--store", "S042"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(code.len(), 8, "{code}");
    assert!(code.bytes().all(|b| b.is_ascii_digit()));

    let out = Command::new(BIN)
        .args(["voucher", "--db"])
        .arg(&db)
        .args([
            "--title",
            "喜茶30元券",
            "--value",
            "30",
            "--merchant",
            "喜茶",
            "--expires-in-secs",
            "600",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vcode = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(vcode.starts_with("CC-") && vcode.len() == 12, "{vcode}");

    // both are really in the database
    let conn = rusqlite::Connection::open(&db).unwrap();
    let store: String = conn
        .query_row(
            "SELECT store_id FROM pairing_codes WHERE code = ?1",
            [&code],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(store, "S042");
    let value: String = conn
        .query_row(
            "SELECT value FROM vouchers WHERE code = ?1",
            [&vcode],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(value, "30.00");

    let bad = Command::new(BIN)
        .args(["voucher", "--db"])
        .arg(&db)
        .args(["--title", "x", "--value", "1.005"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[tokio::test]
async fn serve_prints_its_url() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--db"])
        .arg(dir.path().join("s.sqlite"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .unwrap();
    let result = async {
        let line = line.map_err(|e| e.to_string())?;
        let url = line
            .trim()
            .strip_prefix("CardCat sandbox listening on ")
            .ok_or(line.clone())?
            .to_string();
        if !url.starts_with("http://127.0.0.1:") {
            return Err(url);
        }
        let h: cardcat_wire::HealthResponse = reqwest::get(format!("{url}/v1/health"))
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(h)
    }
    .await;
    // stop the child we started (by its handle, i.e. its PID)
    let _ = child.kill();
    let _ = child.wait();
    let h = result.unwrap();
    assert_eq!(h.status, "ok");
}
