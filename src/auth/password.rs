//! Password hashing with argon2id (the crate's defaults: m=19456 KiB, t=2, p=1), stored as
//! PHC strings. Both functions are CPU-heavy and take 19 MiB each: run them through
//! [`hashing`], which lets about one run per core and a short queue wait, and answers 503
//! beyond, so a login storm neither starves every other request of CPU nor takes gigabytes.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

use crate::error::AppError;

pub fn hash(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a throw-away hash, so a login for an unknown account costs the same
/// time as one with a wrong password and reveals nothing.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("propdesk-dummy-password").unwrap_or_default());
    let _ = verify(password, phc);
}

/// Admits at most `running + waiting` hashing jobs at once, `running` of them on threads.
pub struct Gate {
    admitted: Semaphore,
    running: Semaphore,
}

impl Gate {
    pub fn new(running: usize, waiting: usize) -> Self {
        Gate {
            admitted: Semaphore::new(running + waiting),
            running: Semaphore::new(running),
        }
    }

    /// Runs `work` off the async workers once a slot is free; 503 when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let busy = || AppError::Unavailable("password hashing is at capacity".into());
        let _admitted = self.admitted.try_acquire().map_err(|_| busy())?;
        let _running = self.running.acquire().await.map_err(|_| busy())?;
        Ok(actix_web::web::block(work).await?)
    }
}

/// Runs password work through the process's [`Gate`]: one hash per core at a time, and
/// up to four per core waiting.
pub async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    static GATE: OnceLock<Gate> = OnceLock::new();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    GATE.get_or_init(|| Gate::new(cores, 4 * cores))
        .run(work)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn the_gate_runs_a_few_queues_a_few_and_refuses_the_rest() {
        let gate = std::sync::Arc::new(Gate::new(1, 1));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let first = {
            let gate = gate.clone();
            actix_web::rt::spawn(async move { gate.run(move || wait.recv().is_ok()).await })
        };
        let second = {
            let gate = gate.clone();
            actix_web::rt::spawn(async move { gate.run(|| true).await })
        };
        while gate.admitted.available_permits() > 0 {
            actix_web::rt::task::yield_now().await;
        }
        let refused = gate.run(|| true).await;
        assert!(
            matches!(refused, Err(AppError::Unavailable(_))),
            "{refused:?}"
        );
        release.send(()).unwrap();
        assert!(first.await.unwrap().unwrap());
        assert!(second.await.unwrap().unwrap());
        assert!(gate.run(|| true).await.unwrap(), "a slot is free again");
    }

    #[test]
    fn hash_is_argon2id_and_verifies_only_the_right_password() {
        let phc = hash("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse", &phc));
        assert!(!verify("wrong horse", &phc));
        assert!(!verify("correct horse", "not a phc string"));
    }
}
