//! The repair fee schedule (R-TKT-8): items with a fixed price, kept by managers per site.
//! A charge from the schedule goes straight to the resident; anything else needs a manager.

pub mod repo;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::Actor;
use crate::db::{self, utc};
use crate::error::{AppError, Lookup};
use crate::idempotency::{self, Answer};
use crate::ids::SiteId;
use crate::money::{Amount, Fen};
use crate::sites;
use crate::state::AppState;
use crate::text::NameText;

#[derive(Debug, Serialize, ToSchema)]
pub struct FeeItem {
    pub id: i64,
    pub site_id: i64,
    #[schema(example = "Replace a tap cartridge")]
    pub name: String,
    pub price_fen: Fen,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"site_id": 1, "name": "Replace a tap cartridge", "price_fen": 3000}))]
pub struct NewFeeItem {
    pub site_id: i64,
    /// Unique per site.
    pub name: NameText,
    pub price_fen: Amount,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeeFilter {
    pub site_id: Option<i64>,
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewFeeItem,
) -> Result<FeeItem, AppError> {
    let actor = actor.clone();
    let now = utc(state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        sites::service::visible_site(conn, &actor, SiteId::new(input.site_id))
            .missing_as(|| AppError::field("site_id", "no site with this id among yours"))?;
        Ok(repo::insert(
            conn,
            input.site_id,
            &input.name,
            input.price_fen.fen(),
            now,
        )?)
    })
    .await
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: FeeFilter,
) -> Result<Vec<FeeItem>, AppError> {
    let scope = actor.site_scope();
    db::read(&state.pool, move |conn| {
        Ok(repo::list(conn, &scope, filter.site_id)?)
    })
    .await
}

pub async fn deactivate(state: &AppState, actor: &Actor, id: i64) -> Result<FeeItem, AppError> {
    let actor = actor.clone();
    idempotency::transaction(state, Answer::Done, move |conn| {
        let item = repo::find(conn, id)?
            .filter(|item| actor.covers_site(SiteId::new(item.site_id)))
            .ok_or(AppError::NotFound("fee item"))?;
        Ok(repo::set_active(conn, item.id, false)?)
    })
    .await
}
