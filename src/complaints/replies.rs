//! R-CMP-19: the standard-reply library (统一回复口径). Managers keep approved texts per site
//! and subject; butlers pick one when replying, and the reply records which.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::ComplaintSubject;
use super::repo::{self, StandardReplyRow};
use crate::access::Actor;
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup};
use crate::idempotency::{self, Answer};
use crate::ids::SiteId;
use crate::sites;
use crate::state::AppState;
use crate::text::{NameText, NoteText};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "site_id": 1, "subject": "fees", "title": "Why the property fee rose in 2026",
    "body": "The fee was set at the owners' general meeting of 12 March; the minutes are on the notice board."
}))]
pub struct NewStandardReply {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    pub subject: ComplaintSubject,
    /// Unique on the site.
    pub title: NameText,
    pub body: NoteText,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandardReply {
    pub id: i64,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    pub subject: ComplaintSubject,
    pub title: String,
    pub body: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StandardReplyFilter {
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub subject: Option<ComplaintSubject>,
}

fn to_reply(row: StandardReplyRow) -> StandardReply {
    StandardReply {
        id: row.id,
        site_id: row.site_id,
        subject: row.subject,
        title: row.title,
        body: row.body,
        active: row.active,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

/// A reply a butler may use on a complaint of `site_id`.
pub fn usable(
    conn: &mut AnyConnection,
    id: i64,
    site_id: SiteId,
) -> Result<StandardReplyRow, AppError> {
    repo::find_standard_reply(conn, id)?
        .filter(|r| r.active && r.site_id == site_id)
        .ok_or_else(|| {
            AppError::field(
                "standard_reply_id",
                "no active standard reply of this complaint's site with this id",
            )
        })
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewStandardReply,
) -> Result<StandardReply, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        sites::service::visible_site(conn, &actor, input.site_id)
            .missing_as(|| AppError::field("site_id", "no site with this id among yours"))?;
        if repo::standard_reply_title_taken(conn, input.site_id, &input.title)? {
            return Err(AppError::Duplicate(
                "the site already has a standard reply with this title".into(),
            ));
        }
        let row = repo::insert_standard_reply(
            conn,
            input.site_id,
            input.subject,
            &input.title,
            &input.body,
            utc(now),
        )?;
        Ok(to_reply(row))
    })
    .await
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: StandardReplyFilter,
) -> Result<Vec<StandardReply>, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let rows =
            repo::standard_replies_of(conn, &actor.site_scope(), filter.site_id, filter.subject)?;
        Ok(rows.into_iter().map(to_reply).collect())
    })
    .await
}

/// Retires a text; replies that used it keep pointing at it.
pub async fn deactivate(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<StandardReply, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        repo::find_standard_reply(conn, id)?
            .filter(|r| actor.covers_site(r.site_id))
            .ok_or(AppError::NotFound("standard reply"))?;
        Ok(to_reply(repo::deactivate_standard_reply(
            conn,
            id,
            utc(now),
        )?))
    })
    .await
}
