//! The action driver shared by tickets and complaints. An action runs in one transaction:
//! load the record the caller may see, check the state machine, let the action say what
//! changes, apply that only if nobody changed the record meanwhile (a version check), and
//! write the timeline entry and, when the status changed, the outbox event. [`run`] does that for someone signed in; [`step`] does the
//! same on a record already read, for the system (a sweep) or for a second record that
//! one action changes.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;

use crate::access::Actor;
use crate::db::{utc, AnyConnection};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{SiteId, UserId};
use crate::notifications::{self, Notice};
use crate::outbox::{self, StatusChanged};
use crate::state::AppState;
use crate::text_enum::TextEnum;
use crate::timeline::{self, Step, Subject};

/// A record with a lifecycle: a state machine over statuses and actions.
pub trait Lifecycle {
    /// The record's id type; the timeline stores it as a plain integer.
    type Id: Copy + Into<i64> + Send + 'static;
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
        id: Self::Id,
        now: DateTime<Utc>,
    ) -> Result<Self::Row, AppError>;
    /// The record's status, as its row holds it.
    fn status(row: &Self::Row) -> Self::Status;
    /// The site the record belongs to (whose webhook endpoints hear of its changes).
    fn site_id(row: &Self::Row) -> SiteId;
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
    /// Whom `action`, just taken, tells what (`row` as it is now); written with the step.
    /// Most actions tell nobody.
    fn notices(
        _conn: &mut AnyConnection,
        _action: Self::Action,
        _row: &Self::Row,
        _now: DateTime<Utc>,
    ) -> QueryResult<Vec<Notice>> {
        Ok(Vec::new())
    }
    /// What else a step does once written, in its transaction (`row` as it is now, `from`
    /// its status before): a ticket or complaint that closes files itself into its unit's
    /// archive. Most steps do nothing more.
    fn then(
        _conn: &mut AnyConnection,
        _from: Self::Status,
        _row: &Self::Row,
        _now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        Ok(())
    }
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

/// Who takes a step: someone signed in, or the system (a sweep), which the timeline records
/// with no actor.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Actor(&'a Actor),
    System,
}

impl By<'_> {
    /// The user the timeline names; `None` for the system.
    pub fn actor_id(self) -> Option<UserId> {
        match self {
            By::Actor(actor) => Some(actor.user_id),
            By::System => None,
        }
    }
}

/// A step the state machine allows on a record as read, not written yet.
struct Allowed<'a, L: Lifecycle> {
    id: L::Id,
    row: &'a L::Row,
    action: L::Action,
    from: L::Status,
    next: L::Status,
}

/// The step, if the action is allowed from the record's status (otherwise 409).
fn allow<L: Lifecycle>(
    id: L::Id,
    row: &L::Row,
    action: L::Action,
) -> Result<Allowed<'_, L>, AppError> {
    let from = L::status(row);
    let next = L::after(from, action).ok_or_else(|| {
        AppError::InvalidTransition(
            Msg::new("cannot %{action} a %{record} that is %{status}")
                // As the API spells them: clients and staff find them in the spec.
                .arg("action", action.as_str())
                .term("record", L::NOUN)
                .arg("status", from.as_str()),
        )
    })?;
    Ok(Allowed {
        id,
        row,
        action,
        from,
        next,
    })
}

/// Writes the effect only if the record is still at the version read (409 "changed
/// meanwhile" otherwise), and records the timeline entry; returns the changed row.
fn commit<L: Lifecycle>(
    conn: &mut AnyConnection,
    by: By,
    allowed: Allowed<L>,
    effect: Effect<L::Change>,
    now: DateTime<Utc>,
) -> Result<L::Row, AppError> {
    let Effect { change, note } = effect;
    let updated = L::apply(conn, allowed.row, allowed.next, change, utc(now))?
        .ok_or(AppError::StaleVersion(L::NOUN))?;
    let to = L::status(&updated);
    timeline::repo::record(
        conn,
        L::SUBJECT,
        allowed.id.into(),
        Step {
            actor_id: by.actor_id(),
            action: allowed.action.as_str(),
            from_status: Some(allowed.from.as_str()),
            to_status: Some(to.as_str()),
            note,
        },
        utc(now),
    )?;
    if to != allowed.from {
        outbox::status_changed(
            conn,
            StatusChanged {
                subject: L::SUBJECT,
                id: allowed.id.into(),
                site_id: L::site_id(&updated),
                action: allowed.action.as_str(),
                from_status: Some(allowed.from.as_str()),
                to_status: to.as_str(),
                actor_id: by.actor_id(),
            },
            now,
        )?;
    }
    L::then(conn, allowed.from, &updated, now)?;
    let notices = L::notices(conn, allowed.action, &updated, now)?;
    notifications::notify(
        conn,
        L::SUBJECT,
        allowed.id.into(),
        notices,
        by.actor_id(),
        now,
    )?;
    Ok(updated)
}

/// Runs one action inside the caller's transaction; returns the changed row.
pub fn run<L: Lifecycle>(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: L::Id,
    action: L::Action,
    now: DateTime<Utc>,
    effect: impl FnOnce(&mut AnyConnection, &Ctx<L::Row>) -> Result<Effect<L::Change>, AppError>,
) -> Result<L::Row, AppError> {
    let row = L::visible(conn, actor, id, now)?;
    let allowed = allow::<L>(id, &row, action)?;
    let effect = effect(
        conn,
        &Ctx {
            actor,
            row: &row,
            now,
        },
    )?;
    commit::<L>(conn, By::Actor(actor), allowed, effect, now)
}

/// Takes one step on record `id`, which the caller has read as `row` and may change: a
/// step by the system (a sweep), or one that another action takes on a second record (a
/// merge counting on the complaint merged into). The same state check, versioned update
/// and timeline entry as [`run`], with an effect worked out beforehand; a step that keeps
/// the status is a plain versioned update with its timeline entry.
pub fn step<L: Lifecycle>(
    conn: &mut AnyConnection,
    by: By,
    id: L::Id,
    row: &L::Row,
    action: L::Action,
    effect: Effect<L::Change>,
    now: DateTime<Utc>,
) -> Result<L::Row, AppError> {
    let allowed = allow::<L>(id, row, action)?;
    commit::<L>(conn, by, allowed, effect, now)
}

/// Runs one action as its own use case (one transaction) and answers with `view` of the
/// changed record.
pub async fn act<L, T, F, V>(
    state: &AppState,
    actor: &Actor,
    id: L::Id,
    action: L::Action,
    effect: F,
    view: V,
) -> Result<T, AppError>
where
    L: Lifecycle,
    L::Action: Send,
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&mut AnyConnection, &Ctx<L::Row>) -> Result<Effect<L::Change>, AppError>
        + Send
        + 'static,
    V: FnOnce(&mut AnyConnection, &Actor, L::Row, DateTime<Utc>) -> Result<T, AppError>
        + Send
        + 'static,
{
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let updated = run::<L>(conn, &actor, id, action, now, effect)?;
        view(conn, &actor, updated, now)
    })
    .await
}
