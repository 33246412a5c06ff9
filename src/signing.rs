//! Standard Webhooks signatures, both ways: the webhooks this server sends, and the payment
//! reports payment systems send it (`hot_water::payment_reports`). A signature is `v1,`
//! and the base64 HMAC-SHA256, under a `whsec_` secret's bytes, of `id.timestamp.body`, so
//! a partner's Standard Webhooks library signs and verifies either.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// Every secret starts so, as the Standard Webhooks specification writes them.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

fn mac(secret: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(mac)
}

/// The signature of one message under one secret. `None` for a secret that is not one.
pub fn signature(secret: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let mac = mac(secret, msg_id, timestamp, body)?;
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Whether one of the space-separated signatures in `header` signs the message under
/// `secret`, compared in constant time.
pub fn verify(secret: &str, msg_id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
    header.split_ascii_whitespace().any(|one| {
        let Some(given) = one
            .strip_prefix("v1,")
            .and_then(|b| STANDARD.decode(b).ok())
        else {
            return false;
        };
        mac(secret, msg_id, timestamp, body).is_some_and(|mac| mac.verify_slice(&given).is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // The specification's own example.
        let (secret, id, at, body) = (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#.as_slice(),
        );
        let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(signature(secret, id, at, body).as_deref(), Some(expected));
        assert!(verify(secret, id, at, body, expected));
        assert!(verify(secret, id, at, body, &format!("v1,AAAA {expected}")));
        assert!(!verify(secret, id, at + 1, body, expected));
        assert!(!verify(secret, id, at, b"{}", expected));
        assert!(!verify(&new_secret(), id, at, body, expected));
        assert!(!verify(
            secret,
            id,
            at,
            body,
            expected.trim_start_matches("v1,")
        ));
        assert_eq!(signature("not-a-secret", "m", 1, b"{}"), None);
        assert!(signature(&new_secret(), "m", 1, b"{}").is_some());
    }
}
