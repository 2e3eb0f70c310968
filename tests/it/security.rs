//! Request signing as the platform enforces it: wrong key, replayed nonce, clock skew,
//! one-time pairing codes.

use cardcat_client::{ClientError, Credentials, PlatformClient};
use cardcat_core::{Lang, Localized};
use cardcat_tests::Env;
use cardcat_wire::ErrorCode;
use reqwest::Method;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_signature_is_rejected() {
    let env = Env::start(0).await;
    let (good, act) = env.activated().await;
    good.catalog_full_page(None, 5)
        .await
        .expect("the right key works");
    let bad = PlatformClient::new(&env.url())
        .unwrap()
        .with_credentials(Credentials {
            terminal_id: act.terminal_id.clone(),
            secret: vec![7u8; 32],
        });
    let e = bad.catalog_full_page(None, 5).await.unwrap_err();
    assert_eq!(e.api_code(), Some(ErrorCode::BadSignature), "{e:?}");
    assert!(!e.is_unknown_outcome());
    let stranger = PlatformClient::new(&env.url())
        .unwrap()
        .with_credentials(Credentials {
            terminal_id: "T-nobody".into(),
            secret: vec![1u8; 32],
        });
    assert_eq!(
        stranger.health().await.map(|h| h.status).ok().as_deref(),
        Some("ok"),
        "health is public"
    );
    assert_eq!(
        stranger
            .catalog_full_page(None, 5)
            .await
            .unwrap_err()
            .api_code(),
        Some(ErrorCode::UnknownTerminal)
    );
    // unsigned request to a signed route
    let r = reqwest::get(format!("{}/v1/catalog/full", env.url()))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_nonce_is_rejected() {
    let env = Env::start(0).await;
    let (client, _) = env.activated().await;
    let first = client
        .signed_with_nonce(
            Method::GET,
            "/v1/catalog/full?limit=3",
            Vec::new(),
            "nonce-123",
        )
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let again = client
        .signed_with_nonce(
            Method::GET,
            "/v1/catalog/full?limit=3",
            Vec::new(),
            "nonce-123",
        )
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 409);
    let e = cardcat_client::api::decode::<serde_json::Value>(again)
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(ErrorCode::ReplayedNonce));
    // a fresh nonce on the same request is fine
    let fresh = client
        .signed_with_nonce(
            Method::GET,
            "/v1/catalog/full?limit=3",
            Vec::new(),
            "nonce-124",
        )
        .await
        .unwrap();
    assert_eq!(fresh.status().as_u16(), 200);
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clock_skew_is_rejected_with_server_time() {
    let env = Env::start(0).await;
    let (client, _) = env.activated().await;
    for offset_min in [-10i64, 10] {
        let skewed = client.clone().with_clock_offset_ms(offset_min * 60_000);
        let e = skewed.catalog_full_page(None, 5).await.unwrap_err();
        let ClientError::Api { status, error } = &e else {
            panic!("{e:?}")
        };
        assert_eq!((*status, error.code), (401, ErrorCode::ClockSkew));
        assert!(
            error.message.to_lowercase().contains("clock skew"),
            "{}",
            error.message
        );
        let server = error.server_time_ms.expect("server time given");
        assert!((server - cardcat_store::now_ms()).abs() < 5_000);
        assert!(e.message(Lang::ZhCn).contains("时间") && e.message(Lang::ZhCn).contains("校准"));
        assert!(e.message(Lang::En).contains("clock skew"));
    }
    // inside the window is accepted
    client
        .clone()
        .with_clock_offset_ms(4 * 60_000)
        .catalog_full_page(None, 5)
        .await
        .expect("4 min is within ±5 min");
    env.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairing_code_is_single_use() {
    let env = Env::start(0).await;
    let c = PlatformClient::new(&env.url()).unwrap();
    let code = env.pairing_code();
    c.activate(&code, "a").await.expect("first use");
    let e = c.activate(&code, "b").await.unwrap_err();
    assert_eq!(e.api_code(), Some(ErrorCode::InvalidPairingCode));
    assert!(e.message(Lang::ZhCn).contains("配对码"));
    let e = c.activate("00000000", "c").await.unwrap_err();
    assert_eq!(e.api_code(), Some(ErrorCode::InvalidPairingCode));
    env.sandbox.shutdown().await;
}
