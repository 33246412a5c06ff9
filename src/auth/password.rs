//! Password hashing with argon2id (the crate's defaults: m=19456 KiB, t=2, p=1), stored as
//! PHC strings. Both functions are CPU-heavy and fill 19 MiB each: run them through
//! [`hashing`], which runs them on one low-priority thread per core, each reusing one
//! [`Workspace`], with a short queue and 503 beyond. So a login storm takes a fixed ~19 MiB
//! per core instead of an allocation per attempt (which the allocator keeps afterwards), and
//! the CPU it uses goes to every other request first.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// The memory blocks one argon2 run fills, kept from one run to the next.
#[derive(Default)]
pub struct Workspace(Vec<Block>);

impl Workspace {
    fn blocks(&mut self, params: &Params) -> &mut [Block] {
        let count = params.block_count();
        if self.0.len() < count {
            self.0.resize(count, Block::new());
        }
        &mut self.0[..count]
    }

    /// The raw argon2 output of `password` with `salt` under `hasher`'s parameters.
    fn run(
        &mut self,
        hasher: &Argon2,
        password: &str,
        salt: &[u8],
        out: &mut [u8],
    ) -> argon2::Result<()> {
        let blocks = self.blocks(hasher.params());
        hasher.hash_password_into_with_memory(password.as_bytes(), salt, out, blocks)
    }
}

pub fn hash(password: &str, workspace: &mut Workspace) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let hasher = Argon2::default();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    workspace
        .run(&hasher, password, &salt, &mut out)
        .map_err(AppError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::default().into()),
        params: hasher.params().try_into().map_err(AppError::internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(AppError::internal)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc`, under the parameters `phc` names.
pub fn verify(password: &str, phc: &str, workspace: &mut Workspace) -> bool {
    matches(password, phc, workspace).unwrap_or(false)
}

/// `None` when `phc` is not an argon2 PHC string with a hash.
fn matches(password: &str, phc: &str, workspace: &mut Workspace) -> Option<bool> {
    let parsed = PasswordHash::new(phc).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = parsed.version.map(Version::try_from).transpose().ok()?;
    let params = Params::try_from(&parsed).ok()?;
    let expected = parsed.hash?;
    let mut salt = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
    let hasher = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut out = vec![0u8; expected.len()];
    workspace.run(&hasher, password, salt, &mut out).ok()?;
    // `Output`'s equality is constant-time.
    Some(Output::new(&out).ok()? == expected)
}

/// Verifies against a throw-away hash, so a login for an unknown account costs the same
/// time as one with a wrong password and reveals nothing.
pub fn verify_dummy(password: &str, workspace: &mut Workspace) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("propdesk-dummy-password", workspace).unwrap_or_default());
    let _ = verify(password, phc, workspace);
}

type Job = Box<dyn FnOnce(&mut Workspace) + Send>;

/// `running` hashing threads and room for `waiting` more jobs; a job beyond both is refused.
pub struct Gate {
    admitted: Arc<Semaphore>,
    queue: SyncSender<Job>,
}

/// A place taken in a [`Gate`]'s threads or queue, before the job's other work (reading the
/// account), so that a refused login costs next to nothing.
pub struct Slot {
    admitted: OwnedSemaphorePermit,
    queue: SyncSender<Job>,
}

impl Gate {
    pub fn new(running: usize, waiting: usize) -> Self {
        // The semaphore bounds the jobs; the channel only needs room for all of them.
        let (queue, jobs) = sync_channel::<Job>(running + waiting);
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..running {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work_through(&jobs))
                .expect("a password hashing thread starts");
        }
        Gate {
            admitted: Arc::new(Semaphore::new(running + waiting)),
            queue,
        }
    }

    /// A slot for one job; 503 when the threads and the queue are full.
    pub fn reserve(&self) -> Result<Slot, AppError> {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::Unavailable("password hashing is at capacity".into()))?;
        Ok(Slot {
            admitted,
            queue: self.queue.clone(),
        })
    }
}

impl Slot {
    /// Runs `work` on a hashing thread once one is free.
    pub async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&mut Workspace) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        self.submit(work)?
            .await
            .map_err(|_| AppError::internal("password hashing failed"))
    }

    /// Queues `work`; the receiver answers when it has run.
    fn submit<T: Send + 'static>(
        self,
        work: impl FnOnce(&mut Workspace) -> T + Send + 'static,
    ) -> Result<oneshot::Receiver<T>, AppError> {
        let (answer, answered) = oneshot::channel();
        let admitted = self.admitted;
        let job: Job = Box::new(move |workspace| {
            let _ = answer.send(work(workspace));
            drop(admitted);
        });
        self.queue
            .try_send(job)
            .map_err(|_| AppError::internal("the password hashing threads have stopped"))?;
        Ok(answered)
    }
}

/// A hashing thread: below normal priority, one workspace, jobs until the gate is gone.
fn work_through(jobs: &Mutex<Receiver<Job>>) {
    lower_priority();
    let mut workspace = Workspace::default();
    loop {
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        // A panicking job drops its answer (the caller gets a 500); the thread lives on.
        let _ = catch_unwind(AssertUnwindSafe(|| job(&mut workspace)));
    }
}

/// Nice 10 for the calling thread: when the CPU is short, a login waits a little longer and
/// every other request keeps its latency.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority reads no memory of ours; on Linux `who = 0` is the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// A slot in the process's [`Gate`]: one hashing thread per core, and up to four jobs per
/// core waiting.
pub fn reserve() -> Result<Slot, AppError> {
    static GATE: OnceLock<Gate> = OnceLock::new();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    GATE.get_or_init(|| Gate::new(cores, 4 * cores)).reserve()
}

/// Runs password work through the process's [`Gate`], or answers 503 at once.
pub async fn hashing<T: Send + 'static>(
    work: impl FnOnce(&mut Workspace) -> T + Send + 'static,
) -> Result<T, AppError> {
    reserve()?.run(work).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[actix_web::test]
    async fn the_gate_runs_a_few_queues_a_few_and_refuses_the_rest() {
        let gate = Gate::new(1, 1);
        let (first, second) = (gate.reserve().unwrap(), gate.reserve().unwrap());
        let refused = gate.reserve();
        assert!(
            matches!(refused, Err(AppError::Unavailable(_))),
            "{:?}",
            refused.err()
        );
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let first = first.submit(move |_| wait.recv().is_ok()).unwrap();
        let second = second.submit(|_| true).unwrap();
        release.send(()).unwrap();
        assert!(first.await.unwrap());
        assert!(second.await.unwrap());
        let again = gate.reserve().expect("a slot is free again");
        assert!(again.run(|_| true).await.unwrap());
    }

    #[actix_web::test]
    async fn a_panicking_job_fails_alone_and_the_thread_lives_on() {
        let gate = Gate::new(1, 1);
        let slot = gate.reserve().unwrap();
        let failed = slot.run(|_| -> bool { panic!("a bug") }).await;
        assert!(
            matches!(failed, Err(AppError::Internal { .. })),
            "{failed:?}"
        );
        let slot = gate.reserve().unwrap();
        assert!(slot.run(|_| true).await.unwrap());
    }

    #[test]
    fn hash_is_argon2id_and_verifies_only_the_right_password() {
        let mut workspace = Workspace::default();
        let phc = hash("correct horse", &mut workspace).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse", &phc, &mut workspace));
        assert!(!verify("wrong horse", &phc, &mut workspace));
        assert!(!verify("correct horse", "not a phc string", &mut workspace));
        // The stored string is the standard one: the crate's own verifier accepts it.
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
    }

    #[test]
    fn a_hash_made_with_other_parameters_verifies_under_its_own() {
        let small = Params::new(64, 1, 1, None).unwrap();
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let phc = Argon2::new(Algorithm::Argon2id, Version::V0x13, small)
            .hash_password(b"old password", &salt)
            .unwrap()
            .to_string();
        let mut workspace = Workspace::default();
        hash("fills the workspace", &mut workspace).unwrap();
        assert!(verify("old password", &phc, &mut workspace));
        assert!(!verify("new password", &phc, &mut workspace));
    }
}
