//! Access tokens (JWT HS256, short-lived) and refresh tokens (opaque, stored hashed).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Actor, Role};
use crate::config::Config;
use crate::error::AppError;
use crate::ids::{SiteId, UserId};

const ACCESS: &str = "access";
/// Clock skew tolerated between servers, in seconds.
const LEEWAY_SECS: i64 = 30;

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub role: Role,
    pub sites: Vec<SiteId>,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub typ: String,
    pub jti: String,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl_secs: i64,
}

impl TokenKeys {
    pub fn new(config: &Config) -> Self {
        // The algorithm is pinned: `alg: none` or an RSA/HMAC confusion fails to decode.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&config.jwt_issuer]);
        validation.set_audience(&[&config.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Expiry is checked against the app's Clock below, so tests can move time.
        validation.validate_exp = false;
        TokenKeys {
            encoding: EncodingKey::from_secret(config.jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(config.jwt_secret.as_bytes()),
            validation,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            access_ttl_secs: config.access_token_ttl.as_secs() as i64,
        }
    }

    pub fn issue_access(&self, actor: &Actor, now: DateTime<Utc>) -> Result<String, AppError> {
        let claims = AccessClaims {
            sub: actor.user_id.to_string(),
            role: actor.role,
            sites: actor.sites.clone(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.access_ttl_secs,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            typ: ACCESS.to_owned(),
            jti: random_token(16),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)
    }

    pub fn verify_access(&self, token: &str, now: DateTime<Utc>) -> Result<Actor, AppError> {
        let invalid = || AppError::Unauthorized("invalid or expired access token".into());
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                log::debug!("rejected access token: {e}");
                invalid()
            })?
            .claims;
        if claims.typ != ACCESS || claims.exp + LEEWAY_SECS < now.timestamp() {
            return Err(invalid());
        }
        Ok(Actor {
            user_id: claims.sub.parse().map(UserId::new).map_err(|_| invalid())?,
            role: claims.role,
            sites: claims.sites,
        })
    }
}

/// The access token of an `Authorization: Bearer` header.
pub fn bearer(headers: &actix_web::http::header::HeaderMap) -> Option<&str> {
    headers
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A random URL-safe token of `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Refresh tokens and API keys carry 256 random bits, so a fast hash is enough to make a
/// stolen database useless for replay.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        let dir = tempfile::tempdir().unwrap();
        TokenKeys::new(&Config::for_database("sqlite://x.db", dir.path()))
    }

    fn actor() -> Actor {
        Actor {
            user_id: UserId::new(7),
            role: Role::Butler,
            sites: vec![SiteId::new(1), SiteId::new(2)],
        }
    }

    #[test]
    fn access_token_round_trips_within_its_lifetime_and_leeway() {
        let keys = keys();
        let now = Utc::now();
        let token = keys.issue_access(&actor(), now).unwrap();
        let back = keys.verify_access(&token, now).unwrap();
        assert_eq!(
            (back.user_id, back.role, back.sites),
            (
                UserId::new(7),
                Role::Butler,
                vec![SiteId::new(1), SiteId::new(2)]
            )
        );
        let ttl = chrono::Duration::seconds(keys.access_ttl_secs);
        assert!(keys
            .verify_access(&token, now + ttl + chrono::Duration::seconds(29))
            .is_ok());
        assert!(keys
            .verify_access(&token, now + ttl + chrono::Duration::seconds(31))
            .is_err());
    }

    #[test]
    fn token_signed_with_another_secret_is_rejected() {
        let now = Utc::now();
        let token = keys().issue_access(&actor(), now).unwrap();
        assert!(keys().verify_access(&token, now).is_err());
    }

    #[test]
    fn refresh_token_hash_is_stable_and_hex() {
        let token = random_token(32);
        assert_eq!(hash_token(&token), hash_token(&token));
        assert_eq!(hash_token(&token).len(), 64);
        assert_ne!(random_token(32), token);
    }
}
