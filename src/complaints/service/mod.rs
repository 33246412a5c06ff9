//! Complaint use cases: intake (R-CMP-1..6, 15) in `intake.rs`, reading one complaint
//! (`view.rs`), the actions of the lifecycle, which run through the shared driver in
//! [`crate::lifecycle`], and the closing sweep (R-CMP-14) in `sweep.rs`.

mod intake;
mod notices;
mod sweep;
mod view;

pub use intake::{receive, NUMBER_PREFIX};
pub use sweep::{close_quiet, close_quiet_in_batches, SWEEP_BATCH};
pub use view::{to_complaint, to_complaints};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;

use super::dto::ComplaintDetail;
use super::model::*;
use super::repo::{self, ComplaintChange, ComplaintRow};
use crate::access::Actor;
use crate::db::{self, AnyConnection};
use crate::error::AppError;
use crate::files::{self, Intent};
use crate::ids::{ComplaintId, SiteId};
use crate::lifecycle::{self, Lifecycle};
use crate::state::AppState;
use crate::timeline::Subject;
use view::detail;

/// The complaint, if the caller may see it: staff of its site, or its complainant.
fn visible(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: ComplaintId,
) -> Result<ComplaintRow, AppError> {
    let row = repo::find(conn, id)?.ok_or(AppError::NotFound("complaint"))?;
    let visible = if actor.role.is_staff() {
        actor.covers_site(row.site_id)
    } else {
        row.complainant_id == Some(actor.user_id)
    };
    visible
        .then_some(row)
        .ok_or(AppError::NotFound("complaint"))
}

pub async fn get(
    state: &AppState,
    actor: &Actor,
    id: ComplaintId,
) -> Result<ComplaintDetail, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let row = visible(conn, &actor, id)?;
        detail(conn, &actor, row, now)
    })
    .await
}

pub type Ctx<'a> = lifecycle::Ctx<'a, ComplaintRow>;
pub type Effect = lifecycle::Effect<ComplaintChange>;

/// The complaint's state machine for the shared action driver.
pub struct ComplaintLifecycle;

impl Lifecycle for ComplaintLifecycle {
    type Id = ComplaintId;
    type Row = ComplaintRow;
    type Status = ComplaintStatus;
    type Action = ComplaintAction;
    type Change = ComplaintChange;
    const SUBJECT: Subject = Subject::Complaint;
    const NOUN: &'static str = "complaint";

    fn visible(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: ComplaintId,
        _now: DateTime<Utc>,
    ) -> Result<ComplaintRow, AppError> {
        visible(conn, actor, id)
    }

    fn status(row: &ComplaintRow) -> ComplaintStatus {
        row.status
    }

    fn site_id(row: &ComplaintRow) -> SiteId {
        row.site_id
    }

    fn after(status: ComplaintStatus, action: ComplaintAction) -> Option<ComplaintStatus> {
        status.after(action)
    }

    fn apply(
        conn: &mut AnyConnection,
        row: &ComplaintRow,
        next: ComplaintStatus,
        mut change: ComplaintChange,
        now: NaiveDateTime,
    ) -> QueryResult<Option<ComplaintRow>> {
        change.status = Some(next);
        change.updated_at = Some(now);
        change.version = Some(row.version + 1);
        repo::apply(conn, row.id, row.version, change)
    }

    fn notices(
        _conn: &mut AnyConnection,
        action: ComplaintAction,
        row: &ComplaintRow,
        _now: DateTime<Utc>,
    ) -> QueryResult<Vec<crate::notifications::Notice>> {
        notices::of_action(action, row)
    }

    /// A complaint that closes files its handling form (投诉处理书) into its unit's archive:
    /// the result, the complainant's opinion and the manager's review (R-ARC-4). A merged
    /// duplicate is filed with the event it joined, not on its own.
    fn then(
        conn: &mut AnyConnection,
        from: ComplaintStatus,
        row: &ComplaintRow,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if row.status != ComplaintStatus::Closed
            || from == ComplaintStatus::Closed
            || row.merged_into.is_some()
        {
            return Ok(());
        }
        crate::archives::filing::file_closed(
            conn,
            crate::archives::filing::ClosedRecord {
                unit_id: row.unit_id,
                ticket_id: None,
                complaint_id: Some(row.id.get()),
                title: format!("{}: {}", row.number, row.subject.as_str().replace('_', " ")),
                summary: handling_form(row),
                raised_by: row.complainant_id,
            },
            now,
        )
    }
}

/// The handling form's text: what was done, why it happened, what the complainant said of
/// it and whether a manager reviewed it.
fn handling_form(row: &ComplaintRow) -> String {
    let result = row.resolution.as_deref().unwrap_or("no result recorded");
    let cause = row.root_cause.map_or("not recorded", |c| c.as_str());
    let opinion = match (row.opinion, &row.opinion_comment) {
        (Some(o), Some(comment)) => format!("{} ({comment})", o.as_str()),
        (Some(o), None) => o.as_str().to_owned(),
        (None, _) => "not given".to_owned(),
    };
    let review = match (row.reviewed_by, row.reviewed_at) {
        (Some(by), Some(at)) => format!("by manager {by} on {}", at.format("%Y-%m-%d")),
        _ => "none".to_owned(),
    };
    format!(
        "Result: {result}. Root cause: {cause}. Complainant's opinion: {opinion}. \
         Manager's review: {review}."
    )
}

/// Runs one complaint action in one transaction (see [`lifecycle::run`]).
pub async fn act<F>(
    state: &AppState,
    actor: &Actor,
    id: ComplaintId,
    action: ComplaintAction,
    effect: F,
) -> Result<ComplaintDetail, AppError>
where
    F: FnOnce(&mut AnyConnection, &Ctx) -> Result<Effect, AppError> + Send + 'static,
{
    lifecycle::act::<ComplaintLifecycle, _, _, _>(state, actor, id, action, effect, detail).await
}

/// A complaint's files: photos and documents from whoever may see it, while it is open.
pub struct ComplaintFiles;

impl files::Holder for ComplaintFiles {
    const SUBJECT: Subject = Subject::Complaint;
    type Id = ComplaintId;

    fn check(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: ComplaintId,
        intent: Intent,
        _now: DateTime<Utc>,
    ) -> Result<SiteId, AppError> {
        let complaint = visible(conn, actor, id)?;
        if let Intent::Attach(stage) = intent {
            files::still_open(complaint.status.is_open(), &complaint.number)?;
            files::no_work_photos(stage, "complaint")?;
        }
        Ok(complaint.site_id)
    }
}
