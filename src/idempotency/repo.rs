//! The `idempotency_keys` rows: claiming a key, recording its response, releasing it.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::db::schema::idempotency_keys as keys;
use crate::db::{utc, AnyConnection};
use crate::error::AppError;
use crate::ids::UserId;

/// How long a request may hold its key before another may take it over: a request that
/// runs longer lost its client long ago, and its holder may have died.
pub const HOLD: Duration = Duration::seconds(60);
/// Keys are kept 24 hours after their first use.
pub const KEEP: Duration = Duration::hours(24);

#[derive(Queryable)]
struct KeyRow {
    fingerprint: String,
    created_at: chrono::NaiveDateTime,
    locked_until: Option<chrono::NaiveDateTime>,
    response_status: Option<i64>,
    response_body: Option<String>,
}

/// A caller's key as a request found it.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// The key is this request's to run under, until it records a response or lets go.
    Claimed(Claim),
    /// The work was done: the first response, to send again.
    Done { status: u16, body: String },
    /// Another request with this key is running.
    InProgress,
    /// The key was first used with another request.
    OtherRequest,
}

/// A request's hold on its key: its caller, the key and the claim's own token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub user_id: UserId,
    pub key: String,
    pub token: String,
}

/// Looks the key up and, unless it is done, in progress or taken by another request,
/// claims it for this one until `now + HOLD`.
pub fn claim(
    conn: &mut AnyConnection,
    claim: Claim,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Found, AppError> {
    let mine = keys::table
        .filter(keys::user_id.eq(claim.user_id))
        .filter(keys::key.eq(&claim.key));
    let row: Option<KeyRow> = mine
        .select((
            keys::fingerprint,
            keys::created_at,
            keys::locked_until,
            keys::response_status,
            keys::response_body,
        ))
        .first(conn)
        .optional()?;
    let hold = (
        keys::claim.eq(&claim.token),
        keys::locked_until.eq(utc(now + HOLD)),
    );
    match row {
        // Expired but not yet swept: as good as gone.
        Some(row) if row.created_at <= utc(now - KEEP) => {
            diesel::delete(mine).execute(conn)?;
            insert(conn, &claim, fingerprint, now)
        }
        None => insert(conn, &claim, fingerprint, now),
        Some(row) if row.fingerprint != fingerprint => Ok(Found::OtherRequest),
        Some(KeyRow {
            response_status: Some(status),
            response_body: Some(body),
            ..
        }) => Ok(Found::Done {
            status: u16::try_from(status).map_err(AppError::internal)?,
            body,
        }),
        Some(KeyRow {
            locked_until: Some(until),
            ..
        }) if until > utc(now) => Ok(Found::InProgress),
        // Held by a request that died or ran out of time: take it over, unless another
        // request took it over first.
        Some(KeyRow {
            locked_until: Some(until),
            ..
        }) => {
            let taken = diesel::update(mine.filter(keys::locked_until.eq(until)))
                .set(hold)
                .execute(conn)?;
            Ok(if taken == 1 {
                Found::Claimed(claim)
            } else {
                Found::InProgress
            })
        }
        // The table's CHECKs and `release` leave no key neither done nor held.
        Some(_) => Err(AppError::internal(
            "idempotency key neither answered nor held",
        )),
    }
}

fn insert(
    conn: &mut AnyConnection,
    claim: &Claim,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Found, AppError> {
    let inserted = diesel::insert_into(keys::table)
        .values((
            keys::user_id.eq(claim.user_id),
            keys::key.eq(&claim.key),
            keys::fingerprint.eq(fingerprint),
            keys::created_at.eq(utc(now)),
            keys::claim.eq(&claim.token),
            keys::locked_until.eq(utc(now + HOLD)),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(Found::Claimed(claim.clone())),
        // PostgreSQL: a concurrent first use of the key committed its claim first.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(Found::InProgress),
        Err(err) => Err(err.into()),
    }
}

/// Records the response on the claimed key, in the transaction of the work that made it.
/// Fails when the claim was taken over meanwhile (the request outran `HOLD`), so the work
/// rolls back rather than run twice.
pub fn record(
    conn: &mut AnyConnection,
    claim: &Claim,
    status: u16,
    body: &str,
) -> Result<(), AppError> {
    let recorded = diesel::update(
        keys::table
            .filter(keys::user_id.eq(claim.user_id))
            .filter(keys::key.eq(&claim.key))
            .filter(keys::claim.eq(&claim.token)),
    )
    .set((
        keys::claim.eq(None::<String>),
        keys::locked_until.eq(None::<chrono::NaiveDateTime>),
        keys::response_status.eq(Some(i64::from(status))),
        keys::response_body.eq(Some(body)),
    ))
    .execute(conn)?;
    if recorded == 1 {
        Ok(())
    } else {
        Err(AppError::IdempotencyKeyInUse)
    }
}

/// Lets go of a claim whose request did no work (it failed), so the key may be used again.
pub fn release(conn: &mut AnyConnection, claim: &Claim) -> QueryResult<usize> {
    diesel::delete(
        keys::table
            .filter(keys::user_id.eq(claim.user_id))
            .filter(keys::key.eq(&claim.key))
            .filter(keys::claim.eq(&claim.token))
            .filter(keys::response_status.is_null()),
    )
    .execute(conn)
}

/// Deletes about `batch` of the keys first used before `now - KEEP` (the oldest); how many
/// it deleted.
pub fn expire(conn: &mut AnyConnection, now: DateTime<Utc>, batch: i64) -> QueryResult<usize> {
    let newest_of_batch: Option<chrono::NaiveDateTime> = keys::table
        .filter(keys::created_at.le(utc(now - KEEP)))
        .select(keys::created_at)
        .order(keys::created_at)
        .offset(batch - 1)
        .first(conn)
        .optional()?;
    let upto = newest_of_batch.unwrap_or(utc(now - KEEP));
    diesel::delete(keys::table.filter(keys::created_at.le(upto))).execute(conn)
}
