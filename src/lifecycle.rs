//! The action driver shared by tickets and complaints. An action runs in one transaction:
//! load the record the caller may see, check the state machine, let the action say what
//! changes, apply that only if nobody changed the record meanwhile (a version check), and
//! write the timeline entry.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;

use crate::access::Actor;
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::state::AppState;
use crate::text_enum::TextEnum;
use crate::timeline::{self, Step, Subject};

/// A record with a lifecycle: a state machine over statuses and actions.
pub trait Lifecycle {
    type Row;
    type Status: TextEnum;
    type Action: TextEnum;
    /// The columns an action changes; `Default` changes nothing.
    type Change: Default;
    const SUBJECT: Subject;
    /// For messages: "ticket", "complaint".
    const NOUN: &'static str;

    /// The record, if the actor may see it (otherwise 404).
    fn visible(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Self::Row, AppError>;
    fn status(row: &Self::Row) -> Result<Self::Status, AppError>;
    /// The status the action leads to, or `None` where it is not allowed.
    fn after(status: Self::Status, action: Self::Action) -> Option<Self::Status>;
    /// Writes `change` and the status `next`, bumps the version, and returns the new row;
    /// `None` when the row is no longer at `row`'s version.
    fn apply(
        conn: &mut AnyConnection,
        row: &Self::Row,
        next: Self::Status,
        change: Self::Change,
        now: NaiveDateTime,
    ) -> QueryResult<Option<Self::Row>>;
}

/// What an action's effect is handed.
pub struct Ctx<'a, Row> {
    pub actor: &'a Actor,
    pub row: &'a Row,
    pub now: DateTime<Utc>,
}

/// The change an action makes, and the note for the timeline.
pub struct Effect<Change> {
    pub change: Change,
    pub note: Option<String>,
}

impl<Change: Default> Effect<Change> {
    /// An action that changes no column, only writes its note.
    pub fn note(note: impl Into<String>) -> Self {
        Effect {
            change: Change::default(),
            note: Some(note.into()),
        }
    }
}

/// Runs one action inside the caller's transaction; returns the changed row.
pub fn run<L: Lifecycle>(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    action: L::Action,
    now: DateTime<Utc>,
    effect: impl FnOnce(&mut AnyConnection, &Ctx<L::Row>) -> Result<Effect<L::Change>, AppError>,
) -> Result<L::Row, AppError> {
    let row = L::visible(conn, actor, id, now)?;
    let status = L::status(&row)?;
    let next = L::after(status, action).ok_or_else(|| {
        AppError::InvalidTransition(format!(
            "cannot {} a {} that is {}",
            action.as_str().replace('_', " "),
            L::NOUN,
            status.as_str().replace('_', " ")
        ))
    })?;
    let Effect { change, note } = effect(
        conn,
        &Ctx {
            actor,
            row: &row,
            now,
        },
    )?;
    let updated =
        L::apply(conn, &row, next, change, utc(now))?.ok_or(AppError::StaleVersion(L::NOUN))?;
    let to = L::status(&updated)?;
    timeline::repo::record(
        conn,
        L::SUBJECT,
        id,
        Step {
            actor_id: Some(actor.user_id),
            action: action.as_str(),
            from_status: Some(status.as_str()),
            to_status: Some(to.as_str()),
            note,
        },
        utc(now),
    )?;
    Ok(updated)
}

/// Runs one action as its own use case (one transaction) and answers with `view` of the
/// changed record.
pub async fn act<L, T, F, V>(
    state: &AppState,
    actor: &Actor,
    id: i64,
    action: L::Action,
    effect: F,
    view: V,
) -> Result<T, AppError>
where
    L: Lifecycle,
    L::Action: Send,
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection, &Ctx<L::Row>) -> Result<Effect<L::Change>, AppError>
        + Send
        + 'static,
    V: FnOnce(&mut AnyConnection, &Actor, L::Row, DateTime<Utc>) -> Result<T, AppError>
        + Send
        + 'static,
{
    let (actor, now) = (actor.clone(), state.now());
    db::transaction(&state.pool, move |conn| {
        let updated = run::<L>(conn, &actor, id, action, now, effect)?;
        view(conn, &actor, updated, now)
    })
    .await
}
