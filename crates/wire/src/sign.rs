//! Request signing: HMAC-SHA256 over method, path (with query), timestamp, nonce
//! and the SHA-256 of the body, keyed by the terminal secret.
//!
//! ```text
//! CARDCAT-HMAC-SHA256\n{METHOD}\n{path?query}\n{unix seconds}\n{nonce}\n{hex sha256(body)}
//! ```
//!
//! Invariant: the secret never appears in a header, a log line or an error message.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const HDR_TERMINAL: &str = "x-cardcat-terminal";
pub const HDR_TIMESTAMP: &str = "x-cardcat-timestamp";
pub const HDR_NONCE: &str = "x-cardcat-nonce";
pub const HDR_SIGNATURE: &str = "x-cardcat-signature";
/// Requests more than this far from the server clock are refused (clock skew).
pub const MAX_SKEW_SECS: i64 = 300;

type HmacSha256 = Hmac<Sha256>;

pub fn body_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

pub fn canonical(method: &str, path_and_query: &str, ts: i64, nonce: &str, body: &[u8]) -> String {
    format!(
        "CARDCAT-HMAC-SHA256\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        path_and_query,
        ts,
        nonce,
        body_hash(body)
    )
}

/// Hex signature.
pub fn sign(
    secret: &[u8],
    method: &str,
    path_and_query: &str,
    ts: i64,
    nonce: &str,
    body: &[u8],
) -> String {
    // HMAC takes keys of any length, so this never fails; if it ever did, an empty
    // signature is simply refused by the platform.
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(canonical(method, path_and_query, ts, nonce, body).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time check of a hex signature.
pub fn verify(
    secret: &[u8],
    method: &str,
    path_and_query: &str,
    ts: i64,
    nonce: &str,
    body: &[u8],
    sig_hex: &str,
) -> bool {
    let Ok(sig) = hex::decode(sig_hex) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
        return false;
    };
    mac.update(canonical(method, path_and_query, ts, nonce, body).as_bytes());
    mac.verify_slice(&sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify() {
        let k = b"0123456789abcdef0123456789abcdef";
        let s = sign(k, "post", "/v1/orders", 1_700_000_000, "n1", b"{}");
        assert!(verify(
            k,
            "POST",
            "/v1/orders",
            1_700_000_000,
            "n1",
            b"{}",
            &s
        ));
        // every input is covered
        assert!(!verify(
            k,
            "GET",
            "/v1/orders",
            1_700_000_000,
            "n1",
            b"{}",
            &s
        ));
        assert!(!verify(
            k,
            "POST",
            "/v1/orders?x=1",
            1_700_000_000,
            "n1",
            b"{}",
            &s
        ));
        assert!(!verify(
            k,
            "POST",
            "/v1/orders",
            1_700_000_001,
            "n1",
            b"{}",
            &s
        ));
        assert!(!verify(
            k,
            "POST",
            "/v1/orders",
            1_700_000_000,
            "n2",
            b"{}",
            &s
        ));
        assert!(!verify(
            k,
            "POST",
            "/v1/orders",
            1_700_000_000,
            "n1",
            b"{ }",
            &s
        ));
        assert!(!verify(
            b"other",
            "POST",
            "/v1/orders",
            1_700_000_000,
            "n1",
            b"{}",
            &s
        ));
        assert!(!verify(
            k,
            "POST",
            "/v1/orders",
            1_700_000_000,
            "n1",
            b"{}",
            "zz"
        ));
    }
}
