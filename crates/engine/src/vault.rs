//! PIN codes (卡密) encrypted at rest with ChaCha20-Poly1305. The 256-bit key lives in the
//! OS keyring next to the terminal secret; the order's client key is the associated data,
//! so a ciphertext cannot be moved to another order.

use cardcat_client::secrets::SecretStore;
use cardcat_wire::PinPayload;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

use crate::{EngineError, Result};

#[derive(Clone)]
pub struct PinVault {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for PinVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinVault(<key in OS keyring>)")
    }
}

const NONCE_LEN: usize = 12;

impl PinVault {
    pub fn account(terminal_id: &str) -> String {
        format!("pin-key-{terminal_id}")
    }

    pub fn load_or_create(secrets: &dyn SecretStore, terminal_id: &str) -> Result<PinVault> {
        let acct = Self::account(terminal_id);
        let hex_key = match secrets.get(&acct)? {
            Some(k) => k,
            None => {
                let mut k = [0u8; 32];
                rand::rng().fill_bytes(&mut k);
                let h = hex::encode(k);
                secrets.set(&acct, &h)?;
                h
            }
        };
        let key = hex::decode(hex_key.trim())
            .map_err(|_| EngineError::Crypto("PIN key in keyring is not hex".into()))?;
        if key.len() != 32 {
            return Err(EngineError::Crypto("PIN key has the wrong length".into()));
        }
        Ok(PinVault {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
        })
    }

    pub fn from_key(key: [u8; 32]) -> PinVault {
        PinVault {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
        }
    }

    /// nonce ‖ ciphertext of the JSON-encoded PINs.
    pub fn seal(&self, aad: &str, pins: &[PinPayload]) -> Result<Vec<u8>> {
        let plain = serde_json::to_vec(pins).map_err(|e| EngineError::Crypto(e.to_string()))?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| EngineError::Crypto("encrypt".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn open(&self, aad: &str, blob: &[u8]) -> Result<Vec<PinPayload>> {
        if blob.len() < NONCE_LEN + 16 {
            return Err(EngineError::Crypto("ciphertext too short".into()));
        }
        let (nonce, ct) = blob.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| EngineError::Crypto("PIN ciphertext does not authenticate".into()))?;
        serde_json::from_slice(&plain).map_err(|e| EngineError::Crypto(e.to_string()))
    }
}

/// "12••••••••••••••89": enough to match a customer's card, not enough to use it.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 4 {
        return "•".repeat(chars.len());
    }
    let mut out: String = chars[..2].iter().collect();
    out.push_str(&"•".repeat(chars.len() - 4));
    out.extend(&chars[chars.len() - 2..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_bind_to_order() {
        let v = PinVault::from_key([7u8; 32]);
        let pins = vec![PinPayload {
            card_no: "1234567890123456".into(),
            pin: "ABCDEFGHJKLMNPQRST".into(),
            expires: None,
        }];
        let blob = v.seal("order-1", &pins).unwrap();
        assert!(
            !blob.windows(18).any(|w| w == b"ABCDEFGHJKLMNPQRST"),
            "ciphertext hides the PIN"
        );
        assert_eq!(v.open("order-1", &blob).unwrap(), pins);
        assert!(v.open("order-2", &blob).is_err(), "bound to its order");
        assert!(
            PinVault::from_key([8u8; 32])
                .open("order-1", &blob)
                .is_err(),
            "wrong key"
        );
        let mut bad = blob.clone();
        bad[20] ^= 1;
        assert!(v.open("order-1", &bad).is_err(), "tampering detected");
        assert!(v.open("order-1", &blob[..5]).is_err());
    }

    #[test]
    fn masking() {
        assert_eq!(mask("ABCDEFGHJKLMNPQRST"), "AB••••••••••••••ST");
        assert_eq!(mask("123"), "•••");
    }
}
