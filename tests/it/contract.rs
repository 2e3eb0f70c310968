//! docs/platform-api.yaml and the sandbox agree on the routes, and the sandbox really
//! serves every documented route (no 404 from the router's fallback).

const SPEC: &str = include_str!("../../docs/platform-api.yaml");

/// (path template, set of lower-case methods) from the `paths:` section.
fn spec_routes() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_paths = false;
    for line in SPEC.lines() {
        if line.starts_with("paths:") {
            in_paths = true;
            continue;
        }
        if in_paths && !line.starts_with(' ') && !line.trim().is_empty() {
            break;
        }
        if !in_paths {
            continue;
        }
        if let Some(p) = line.strip_prefix("  /") {
            out.push((format!("/{}", p.trim_end_matches(':')), Vec::new()));
        } else if let Some(m) = line.strip_prefix("    ").and_then(|l| l.strip_suffix(':'))
            && ["get", "post", "put", "delete", "patch"].contains(&m)
            && let Some(last) = out.last_mut()
        {
            last.1.push(m.to_string());
        }
    }
    out
}

#[test]
fn every_served_route_is_documented_and_vice_versa() {
    let spec = spec_routes();
    assert!(spec.len() >= 15, "parsed {} paths", spec.len());
    let served: Vec<(&str, &str)> = cardcat_sandbox::ROUTES
        .iter()
        .chain(cardcat_sandbox::ADMIN_ROUTES)
        .copied()
        .collect();
    for (m, p) in &served {
        let found = spec
            .iter()
            .any(|(sp, ms)| sp == p && ms.iter().any(|x| x.eq_ignore_ascii_case(m)));
        assert!(found, "{m} {p} is served but not in docs/platform-api.yaml");
    }
    for (sp, ms) in &spec {
        for m in ms {
            assert!(
                served
                    .iter()
                    .any(|(sm, p)| p == sp && sm.eq_ignore_ascii_case(m)),
                "{m} {sp} documented but not served"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_routes_are_routed() {
    let env = cardcat_tests::Env::start(0).await;
    let http = reqwest::Client::new();
    for (m, p) in cardcat_sandbox::ROUTES {
        let path = p
            .replace("{client_key}", "0190f0a0-0000-7000-8000-000000000000")
            .replace("{request_id}", "0190f0a0-0000-7000-8000-000000000000")
            .replace("{date}", "2026-11-29");
        let method = reqwest::Method::from_bytes(m.as_bytes()).unwrap();
        let r = http
            .request(method, format!("{}{}", env.url(), path))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_ne!(r.status().as_u16(), 405, "{m} {p}: method not allowed");
        let body: serde_json::Value = r.json().await.unwrap_or_default();
        // Unsigned: either public (2xx / 4xx on body) or refused by auth — never the router's "no such route".
        assert_ne!(body["code"], "not_found", "{m} {p} is not routed: {body}");
    }
    env.sandbox.shutdown().await;
}

/// The values of `components.schemas.ErrorCode.enum` in the document.
fn spec_error_codes() -> Vec<String> {
    let mut lines = SPEC.lines().skip_while(|l| *l != "    ErrorCode:");
    assert!(
        lines.next().is_some(),
        "no ErrorCode schema in the document"
    );
    lines
        .skip_while(|l| l.trim() != "enum:")
        .skip(1)
        .map_while(|l| l.trim().strip_prefix("- ").map(str::to_string))
        .collect()
}

/// Every `ErrorCode` variant. The `match` has no wildcard, so a new variant does not
/// compile until it is listed here (and then this test wants it in the document).
fn all_error_codes() -> Vec<cardcat_wire::ErrorCode> {
    use cardcat_wire::ErrorCode::*;
    let all = vec![
        BadRequest,
        BadSignature,
        ClockSkew,
        ReplayedNonce,
        UnknownTerminal,
        InvalidPairingCode,
        NotFound,
        IdempotencyConflict,
        ProductUnavailable,
        PriceChanged,
        VoucherNotFound,
        VoucherUsed,
        VoucherExpired,
        VoucherCancelled,
        CancelWindowClosed,
        Unauthorized,
        Internal,
        Unavailable,
        TooManyAttempts,
    ];
    for c in &all {
        match c {
            BadRequest | BadSignature | ClockSkew | ReplayedNonce | UnknownTerminal
            | InvalidPairingCode | NotFound | IdempotencyConflict | ProductUnavailable
            | PriceChanged | VoucherNotFound | VoucherUsed | VoucherExpired | VoucherCancelled
            | CancelWindowClosed | Unauthorized | Internal | Unavailable | TooManyAttempts => {}
        }
    }
    all
}

#[test]
fn error_codes_are_the_documented_ones() {
    let mut spec = spec_error_codes();
    let mut wire: Vec<String> = all_error_codes()
        .into_iter()
        .map(|c| {
            serde_json::to_value(c)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    spec.sort();
    wire.sort();
    assert_eq!(
        spec, wire,
        "ErrorCode in docs/platform-api.yaml vs cardcat_wire"
    );
    // the description table lists each code too
    for code in &wire {
        assert!(
            SPEC.contains(&format!("| `{code}` |")),
            "{code} is missing from the ErrorCode table"
        );
    }
    // the activation lock is documented where it happens
    let activate = &SPEC[SPEC.find("  /v1/activate:").unwrap()..SPEC.find("  /v1/time:").unwrap()];
    assert!(activate.contains("'429':") && activate.contains("Retry-After"));
}
