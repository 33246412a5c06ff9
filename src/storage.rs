//! Where the bytes of attachments live: one seam over the `object_store` crate. By default the local
//! filesystem under `DATA_DIR/files` (nothing to install); with `FILE_STORE=s3://bucket/prefix`
//! any S3-compatible store. Both write an object whole or not at all: the local store writes
//! a staging file and renames it, S3 completes a multipart upload.

use std::io::Read;
use std::ops::Range;
use std::sync::Arc;

use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};

use crate::config::{Config, FileStore, S3Settings};
use crate::error::AppError;

/// Reads up to `most` bytes of the file on the blocking pool; the file comes back with them.
async fn read_chunk(
    file: std::fs::File,
    most: usize,
) -> Result<(std::fs::File, Vec<u8>), AppError> {
    actix_web::web::block(move || {
        let mut file = file;
        let mut chunk = Vec::with_capacity(most);
        (&mut file).take(most as u64).read_to_end(&mut chunk)?;
        Ok::<_, std::io::Error>((file, chunk))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| AppError::internal_from("reading an upload's temporary file", e))
}

/// S3 takes parts of 5 MiB at least (but the last): the most of an upload held in memory.
const PART_BYTES: usize = 5 * 1024 * 1024;
/// What is read from a temporary file at a time.
const READ_BYTES: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
#[error("file store: {0}")]
pub struct StoreError(#[from] object_store::Error);

/// The bytes of an object, as they stream out of the store.
pub type ByteStream = BoxStream<'static, Result<actix_web::web::Bytes, AppError>>;

pub struct Store {
    objects: Arc<dyn ObjectStore>,
}

/// The store is down or refuses us: the request may be tried again later.
fn unavailable(err: object_store::Error) -> AppError {
    match err {
        object_store::Error::NotFound { path, .. } => {
            AppError::internal(format!("file store: object {path} is missing"))
        }
        other => {
            log::error!("file store: {other}");
            AppError::Unavailable(format!("file store: {other}"))
        }
    }
}

impl Store {
    /// Opens the store the configuration names. The local one creates its folder.
    pub fn open(config: &Config) -> Result<Store, StoreError> {
        let objects: Arc<dyn ObjectStore> = match &config.file_store {
            FileStore::Local => {
                let root = config.data_dir.join("files");
                std::fs::create_dir_all(&root).map_err(|source| object_store::Error::Generic {
                    store: "LocalFileSystem",
                    source: Box::new(source),
                })?;
                Arc::new(LocalFileSystem::new_with_prefix(root)?)
            }
            FileStore::S3(settings) => s3(settings)?,
        };
        Ok(Store { objects })
    }

    /// Copies a finished temporary file of `size` bytes into the store under `key`: in one
    /// request when it fits in a part, else a part at a time.
    pub async fn put_file(
        &self,
        key: &str,
        file: std::fs::File,
        size: u64,
    ) -> Result<(), AppError> {
        if size <= PART_BYTES as u64 {
            let (_, whole) = read_chunk(file, PART_BYTES).await?;
            return self.put_bytes(key, whole).await;
        }
        let upload = self
            .objects
            .put_multipart(&Key::from(key))
            .await
            .map_err(unavailable)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut file = file;
        loop {
            let (back, chunk) = read_chunk(file, READ_BYTES).await?;
            if chunk.is_empty() {
                break;
            }
            writer.write(&chunk);
            if let Err(err) = writer.wait_for_capacity(2).await {
                return Err(unavailable(err));
            }
            file = back;
        }
        writer.finish().await.map_err(unavailable)?;
        Ok(())
    }

    /// Writes a small object (a thumbnail) in one go.
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        self.objects
            .put(&Key::from(key), PutPayload::from(bytes))
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// The object's bytes, or those of `range` within it.
    pub async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream, AppError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        let found = self
            .objects
            .get_opts(&Key::from(key), options)
            .await
            .map_err(unavailable)?;
        Ok(found.into_stream().map_err(unavailable).boxed())
    }

    /// Deletes the object; one already gone is fine.
    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        match self.objects.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(unavailable(err)),
        }
    }

    /// The keys of the objects under `prefix` (a folder, without the trailing `/`).
    pub async fn keys_under(&self, prefix: &str) -> Result<Vec<String>, AppError> {
        self.objects
            .list(Some(&Key::from(prefix)))
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(unavailable)
    }
}

/// An S3 client from the standard `AWS_*` environment (`AWS_ENDPOINT`, `AWS_REGION`,
/// `AWS_ACCESS_KEY_ID`, ...), with what the configuration sets explicitly on top.
fn s3(settings: &S3Settings) -> Result<Arc<dyn ObjectStore>, StoreError> {
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(&settings.bucket);
    if let Some(endpoint) = &settings.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    if let Some(region) = &settings.region {
        builder = builder.with_region(region);
    }
    if let Some((id, secret)) = &settings.credentials {
        builder = builder
            .with_access_key_id(id)
            .with_secret_access_key(secret);
    }
    let bucket = builder.build()?;
    Ok(if settings.prefix.is_empty() {
        Arc::new(bucket)
    } else {
        Arc::new(PrefixStore::new(bucket, settings.prefix.as_str()))
    })
}
