//! Typed configuration from the environment (and `.env`), with defaults that run out of the
//! box on a fresh machine: a SQLite file under `./data/`, a generated JWT secret kept there.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::RngCore;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    /// The database pool: PostgreSQL connections, or SQLite readers beside the one writer.
    pub db_pool: crate::db::PoolSettings,
    pub bind: String,
    pub data_dir: PathBuf,
    pub jwt_secret: String,
    /// The key personal data is sealed with, 64 hex digits (`PII_KEY`; see `crate::pii`).
    pub pii_key: String,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub body_limit_bytes: usize,
    pub login_max_failures: i32,
    pub login_lockout_base: Duration,
    pub login_lockout_max: Duration,
    pub workers: Option<usize>,
    /// Proxies (addresses or CIDR ranges) whose `Forwarded` / `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Where attachments are kept (`FILE_STORE`).
    pub file_store: FileStore,
    /// The largest attachment taken, in bytes (`ATTACHMENT_MAX_BYTES`).
    pub attachment_max_bytes: u64,
    /// How many attachments one record may hold (`ATTACHMENTS_PER_RECORD`).
    pub attachments_per_record: usize,
    /// Whether webhook endpoints may be on loopback, link-local or private addresses
    /// (`WEBHOOKS_ALLOW_PRIVATE_TARGETS`, default false: refused, against SSRF). For tests
    /// and for a receiver on the company's own network.
    pub webhooks_allow_private_targets: bool,
}

/// Where attachment bytes are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileStore {
    /// `FILE_STORE=local` (the default): files under `DATA_DIR/files`.
    Local,
    /// `FILE_STORE=s3://bucket/prefix`: an S3-compatible object store.
    S3(S3Settings),
}

/// An S3 bucket. What is left `None` comes from the standard `AWS_*` variables
/// (`AWS_ENDPOINT` for a store other than Amazon's, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    /// The folder in the bucket the objects go under; empty for its root.
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Access key id and secret.
    pub credentials: Option<(String, String)>,
}

impl FileStore {
    fn parse(text: &str) -> Result<FileStore, ConfigError> {
        if text == "local" {
            return Ok(FileStore::Local);
        }
        let invalid = || ConfigError::Invalid {
            name: "FILE_STORE",
            reason: format!("{text} is neither `local` nor `s3://bucket[/prefix]`"),
        };
        let rest = text.strip_prefix("s3://").ok_or_else(invalid)?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(invalid());
        }
        Ok(FileStore::S3(S3Settings {
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
            endpoint: None,
            region: None,
            credentials: None,
        }))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("JWT secret file {path}: {source}")]
    SecretFile {
        path: String,
        source: std::io::Error,
    },
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
    }
}

/// `10.0.0.0/8, 192.168.1.4`: ranges, or single addresses.
fn trusted_proxies(list: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError::Invalid {
                    name: "TRUSTED_PROXIES",
                    reason: format!("{entry} is not an address or a CIDR range"),
                })
        })
        .collect()
}

impl Config {
    /// Reads the environment. Does not touch the disk: see [`Config::ensure_secrets`].
    pub fn from_env() -> Result<Self, ConfigError> {
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                data_dir.join("propdesk.db").to_string_lossy()
            )
        });
        let config = Config {
            database_url,
            db_pool: crate::db::PoolSettings {
                size: parsed("DB_POOL_SIZE", crate::db::PoolSettings::DEFAULT_SIZE)?,
                wait: Duration::from_millis(parsed("DB_POOL_WAIT_MS", 2000)?),
                statement_timeout: Duration::from_millis(parsed(
                    "DB_STATEMENT_TIMEOUT_MS",
                    10_000,
                )?),
            },
            bind: var("BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir,
            jwt_secret: var("JWT_SECRET").unwrap_or_default(),
            pii_key: var("PII_KEY").unwrap_or_default(),
            jwt_issuer: var("JWT_ISSUER").unwrap_or_else(|| "propdesk".into()),
            jwt_audience: var("JWT_AUDIENCE").unwrap_or_else(|| "propdesk-api".into()),
            access_token_ttl: Duration::from_secs(parsed("ACCESS_TOKEN_TTL_SECS", 900)?),
            refresh_token_ttl: Duration::from_secs(parsed(
                "REFRESH_TOKEN_TTL_SECS",
                30 * 24 * 3600,
            )?),
            body_limit_bytes: parsed("BODY_LIMIT_BYTES", 64 * 1024)?,
            login_max_failures: parsed("LOGIN_MAX_FAILURES", 5)?,
            login_lockout_base: Duration::from_secs(parsed("LOGIN_LOCKOUT_SECS", 60)?),
            login_lockout_max: Duration::from_secs(parsed("LOGIN_LOCKOUT_MAX_SECS", 900)?),
            workers: var("WORKERS")
                .map(|_| parsed("WORKERS", 1usize))
                .transpose()?,
            trusted_proxies: trusted_proxies(&var("TRUSTED_PROXIES").unwrap_or_default())?,
            file_store: FileStore::parse(var("FILE_STORE").as_deref().unwrap_or("local"))?,
            attachment_max_bytes: parsed("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)?,
            attachments_per_record: parsed("ATTACHMENTS_PER_RECORD", 20)?,
            webhooks_allow_private_targets: parsed("WEBHOOKS_ALLOW_PRIVATE_TARGETS", false)?,
        };
        if config.db_pool.size == 0 {
            return Err(ConfigError::Invalid {
                name: "DB_POOL_SIZE",
                reason: "must be at least 1".into(),
            });
        }
        Ok(config)
    }

    /// A configuration for tests and tools: defaults, the given database, a random secret.
    pub fn for_database(database_url: &str, data_dir: &Path) -> Self {
        let mut config = Config::from_env().expect("default configuration is valid");
        config.database_url = database_url.to_owned();
        config.data_dir = data_dir.to_owned();
        config.jwt_secret = random_hex(48);
        config.pii_key = random_hex(32);
        config
    }

    /// The secrets that, unset, are generated once and kept in the data folder: the JWT
    /// secret and the key personal data is sealed with. A hard-coded fallback would be every
    /// default install's, letting anyone forge tokens or open a copied database.
    pub fn ensure_secrets(&mut self) -> Result<(), ConfigError> {
        self.jwt_secret = JWT_SECRET.ensure(&self.jwt_secret, &self.data_dir)?;
        self.pii_key = PII_KEY.ensure(&self.pii_key, &self.data_dir)?;
        Ok(())
    }
}

/// A secret from the environment, or else the one kept in a file of the data folder.
struct KeptSecret {
    name: &'static str,
    file: &'static str,
    valid: fn(&str) -> bool,
    requirement: &'static str,
    /// Random bytes a new one has (written as hex).
    bytes: usize,
}

const JWT_SECRET: KeptSecret = KeptSecret {
    name: "JWT_SECRET",
    file: "jwt_secret",
    valid: |secret| secret.len() >= 32,
    requirement: "must be at least 32 characters",
    bytes: 48,
};

const PII_KEY: KeptSecret = KeptSecret {
    name: "PII_KEY",
    file: "pii_key",
    valid: |key| crate::pii::key_from_hex(key).is_some(),
    requirement: "must be 64 hexadecimal digits (32 bytes)",
    bytes: 32,
};

impl KeptSecret {
    fn ensure(&self, given: &str, data_dir: &Path) -> Result<String, ConfigError> {
        let invalid = |reason: String| ConfigError::Invalid {
            name: self.name,
            reason,
        };
        if !given.is_empty() {
            return if (self.valid)(given) {
                Ok(given.to_owned())
            } else {
                Err(invalid(self.requirement.into()))
            };
        }
        let path = data_dir.join(self.file);
        let io_err = |source| ConfigError::SecretFile {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(kept) if (self.valid)(kept.trim()) => {
                log::info!(
                    "{} not set: using the one kept in {}",
                    self.name,
                    path.display()
                );
                Ok(kept.trim().to_owned())
            }
            // Never replaced silently: what it sealed or signed would be lost with it.
            Ok(_) => Err(invalid(format!(
                "unset, and the one kept in {} {}; restore it or delete the file",
                path.display(),
                self.requirement
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(io_err)?;
                let secret = random_hex(self.bytes);
                write_private(&path, &secret).map_err(io_err)?;
                log::warn!(
                    "{} not set: generated a new one and kept it in {}",
                    self.name,
                    path.display()
                );
                Ok(secret)
            }
            Err(e) => Err(io_err(e)),
        }
    }
}

fn random_hex(bytes: usize) -> String {
    let mut random = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut random);
    random.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_are_ranges_or_single_addresses() {
        let nets = trusted_proxies("10.0.0.0/8, 192.168.1.4 ::1").unwrap();
        let shown: Vec<String> = nets.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.168.1.4/32", "::1/128"]);
        assert!(trusted_proxies("").unwrap().is_empty());
        assert!(matches!(
            trusted_proxies("10.0.0.0/8,balancer"),
            Err(ConfigError::Invalid {
                name: "TRUSTED_PROXIES",
                ..
            })
        ));
    }

    #[test]
    fn the_file_store_is_local_or_an_s3_bucket_with_a_prefix() {
        assert_eq!(FileStore::parse("local").unwrap(), FileStore::Local);
        let FileStore::S3(bucket) = FileStore::parse("s3://propdesk-files/prod/").unwrap() else {
            panic!("an S3 store");
        };
        assert_eq!(
            (bucket.bucket.as_str(), bucket.prefix.as_str()),
            ("propdesk-files", "prod")
        );
        let FileStore::S3(root) = FileStore::parse("s3://files").unwrap() else {
            panic!("an S3 store");
        };
        assert_eq!(root.prefix, "");
        for wrong in ["s3://", "s3:///x", "/var/files", "gs://bucket"] {
            assert!(FileStore::parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn generated_secrets_are_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let unset = || {
            let mut config = Config::for_database("sqlite://x.db", dir.path());
            config.jwt_secret.clear();
            config.pii_key.clear();
            config
        };
        let mut first = unset();
        first.ensure_secrets().unwrap();
        assert!(first.jwt_secret.len() >= 64);
        assert!(crate::pii::Vault::from_hex(&first.pii_key).is_ok());

        let mut second = unset();
        second.ensure_secrets().unwrap();
        assert_eq!(first.jwt_secret, second.jwt_secret);
        assert_eq!(first.pii_key, second.pii_key);

        // A kept key that no longer reads is an error, never silently replaced.
        std::fs::write(dir.path().join("pii_key"), "damaged").unwrap();
        let refused = unset().ensure_secrets().unwrap_err();
        assert!(matches!(
            refused,
            ConfigError::Invalid {
                name: "PII_KEY",
                ..
            }
        ));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("pii_key")).unwrap(),
            "damaged"
        );
    }

    #[test]
    fn explicit_secrets_that_are_too_weak_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_database("sqlite://x.db", dir.path());
        config.jwt_secret = "short".into();
        assert!(config.ensure_secrets().is_err());
        let mut config = Config::for_database("sqlite://x.db", dir.path());
        config.pii_key = "0123456789abcdef".into();
        assert!(matches!(
            config.ensure_secrets(),
            Err(ConfigError::Invalid {
                name: "PII_KEY",
                ..
            })
        ));
    }
}
