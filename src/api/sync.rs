//! The handheld offline: replaying what an engineer did without a network.

use actix_web::{post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::EngineerOnly;
use crate::auth::Auth;
use crate::error::AppError;
use crate::json::Json;
use crate::state::AppState;
use crate::sync::{self, SyncBatch, SyncResults};

/// Replay a handheld's actions (1 to 100): each with its own `idempotency_key`, run in
/// order, each in its own transaction, as if sent alone with that key: a ticket's step
/// (`arrive`, `complete`, `charge`, with the ticket `version` it was based on) to `POST
/// /tickets/{id}/{action}`, a meter reading (`read_meter`, R-HW-2, with the day it was
/// read) to `POST /units/{id}/hot-water/readings`. Every item gets its answer: `applied`,
/// `replayed` (done before under that key), `conflict` (the ticket changed since, or its
/// status no longer allows the action: `ticket` is how it is now) or `refused` (`problem`
/// says why, such as a reading below the previous one); one item's conflict or refusal
/// leaves the others to apply. To drop what is no longer theirs, the handheld reads `GET
/// /tickets?engineer_id=<me>&updated_since=<last sync>`, which also lists the tickets the
/// engineer was taken off since.
#[utoipa::path(
    tag = "tickets",
    request_body = SyncBatch,
    responses((status = 200, description = "One result per item, in order", body = SyncResults)),
    security(("bearer" = [])),
)]
#[post("/sync/batch")]
pub async fn sync_batch(
    state: web::Data<AppState>,
    actor: Auth<EngineerOnly>,
    body: Json<SyncBatch>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sync::replay(&state, &actor, body.0).await?))
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(sync_batch);
}
