//! The handheld offline: an engineer's handheld works in basements without a network and
//! replays what was done later, in one batch. Each item is one ticket action, with the
//! ticket `version` it was based on, or one hot-water meter reading, each with its own
//! `Idempotency-Key`, run in order, each in its own transaction, as if it had been sent
//! alone (`POST /tickets/{id}/{action}` or `POST /units/{id}/hot-water/readings` with that
//! key): replaying a batch replays its items, and an item whose ticket changed since is a
//! conflict, answered with the ticket as it is now, while the others apply.
//!
//! What was taken away meanwhile, the handheld learns from `GET
//! /tickets?engineer_id=&updated_since=`: tickets the engineer was taken off since are
//! listed too (their engineers no longer name them), and so are cancelled ones.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::tokens::random_token;
use crate::access::Actor;
use crate::error::{AppError, Problem, Validator};
use crate::hot_water::{meters, NewReading, Reading};
use crate::i18n::Msg;
use crate::idempotency::{self, Claim, Claimed};
use crate::ids::{TicketId, UnitId};
use crate::state::AppState;
use crate::text_enum;
use crate::tickets::dto::TicketDetail;
use crate::tickets::model::TicketAction;
use crate::tickets::{actions, service as tickets};

/// The most items one batch takes.
pub const MAX_ITEMS: usize = 100;

text_enum! {
    /// What a handheld does offline: the engineer's steps of a work order, and meter
    /// readings.
    pub enum HandheldAction {
        /// `POST /tickets/{id}/arrive`: no body.
        Arrive = "arrive",
        /// `POST /tickets/{id}/complete`, its body.
        Complete = "complete",
        /// `POST /tickets/{id}/charge`, its body.
        Charge = "charge",
        /// `POST /units/{id}/hot-water/readings`, its body (with `read_on`, the day read).
        ReadMeter = "read_meter",
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"items": [
    {"idempotency_key": "h7-0001", "ticket_id": 12, "action": "arrive", "version": 2},
    {"idempotency_key": "h7-0002", "ticket_id": 12, "action": "complete", "version": 3,
     "body": {"labour_minutes": 90, "head_count": 1, "result_note": "Replaced the valve",
              "materials": []}},
    {"idempotency_key": "h7-0003", "unit_id": 3, "action": "read_meter",
     "body": {"litres": 52340, "read_on": "2026-12-27"}}
]}))]
pub struct SyncBatch {
    /// 1 to 100, run in this order.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<SyncItem>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncItem {
    /// This action's own key (1-255 visible ASCII characters but `"`), unique in the batch.
    #[schema(min_length = 1, max_length = 255, pattern = "^[!#-~]+$")]
    pub idempotency_key: String,
    /// The ticket acted on: required for a ticket's action.
    #[schema(value_type = Option<i64>)]
    pub ticket_id: Option<TicketId>,
    /// The unit whose meter was read: required for `read_meter`.
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    pub action: HandheldAction,
    /// The ticket's `version` the handheld saw when it acted: required for a ticket's
    /// action.
    pub version: Option<i64>,
    /// The action's body, as its own route takes it; omitted for `arrive`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub body: Option<serde_json::Map<String, serde_json::Value>>,
}

text_enum! {
    /// What became of one item.
    pub enum SyncOutcome {
        /// Done now.
        Applied = "applied",
        /// Done before, under the same key: the answer then.
        Replayed = "replayed",
        /// The ticket changed since the handheld saw it, or its status no longer allows
        /// the action: `ticket` is how it is now.
        Conflict = "conflict",
        /// Refused (`problem` says why); nothing changed.
        Refused = "refused",
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncResult {
    pub idempotency_key: String,
    pub outcome: SyncOutcome,
    /// The status the action alone would have had.
    pub status: u16,
    /// The ticket after the action (applied, replayed) or as it is now (conflict).
    #[schema(value_type = Option<TicketDetail>)]
    pub ticket: Option<serde_json::Value>,
    /// The reading recorded (`read_meter`, applied or replayed).
    #[schema(value_type = Option<Reading>)]
    pub reading: Option<serde_json::Value>,
    pub problem: Option<Problem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncResults {
    /// One per item, in the batch's order.
    pub results: Vec<SyncResult>,
}

/// Replays the batch's items in order; refuses the whole batch (422) only when it is no
/// batch: empty, too long, or with a missing, malformed or repeated key.
pub async fn replay(
    state: &AppState,
    actor: &Actor,
    batch: SyncBatch,
) -> Result<SyncResults, AppError> {
    let mut v = Validator::new();
    v.check(
        (1..=MAX_ITEMS).contains(&batch.items.len()),
        "items",
        Msg::new("send 1 to %{max} items").arg("max", MAX_ITEMS),
    );
    for (i, item) in batch.items.iter().enumerate() {
        let key = &item.idempotency_key;
        v.check(
            idempotency::is_valid_key(key),
            &format!("items[{i}].idempotency_key"),
            "must be 1 to 255 visible ASCII characters but '\"'",
        );
        v.check(
            !batch.items[..i].iter().any(|o| &o.idempotency_key == key),
            &format!("items[{i}].idempotency_key"),
            "used by an earlier item of this batch",
        );
    }
    v.finish()?;
    let mut results = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        results.push(replay_one(state, actor, item).await);
    }
    Ok(SyncResults { results })
}

async fn replay_one(state: &AppState, actor: &Actor, item: SyncItem) -> SyncResult {
    let key = item.idempotency_key.clone();
    let target = match item.target() {
        Ok(target) => target,
        Err(err) => return refused(key, err),
    };
    // The item is the same request as the action sent alone with this key: `arrive` with
    // no body, the others with their body as compact JSON.
    let bytes = match (&item.action, &item.body) {
        (HandheldAction::Arrive, _) | (_, None) => Vec::new(),
        (_, Some(body)) => serde_json::to_vec(body).unwrap_or_default(),
    };
    let path = target.path(item.action);
    let fingerprint = idempotency::fingerprint(&state.pii, "POST", &path, "", &bytes);
    let claim = Claim {
        user_id: actor.user_id,
        key: key.clone(),
        token: random_token(12),
    };
    let done = match idempotency::claim_key(state, claim, fingerprint).await {
        Err(err) => return refused(key, err),
        Ok(Claimed::Replayed { status, body }) => {
            let done = serde_json::from_str(&body).ok();
            return SyncResult {
                outcome: SyncOutcome::Replayed,
                status,
                ..target.answer(key, done)
            };
        }
        Ok(Claimed::Mine(claim)) => {
            let work = apply(state, actor, &item, target, &bytes);
            idempotency::run_claimed(state, claim, &path, work, Result::is_ok).await
        }
    };
    match done {
        Ok((status, done)) => SyncResult {
            outcome: SyncOutcome::Applied,
            status,
            ..target.answer(key, Some(done))
        },
        Err(err @ (AppError::StaleVersion(_) | AppError::InvalidTransition(_))) => {
            let Target::Ticket { id, .. } = target else {
                return refused(key, err);
            };
            match tickets::get(state, actor, id).await {
                Ok(now) => SyncResult {
                    outcome: SyncOutcome::Conflict,
                    status: 409,
                    problem: Some(err.problem()),
                    ..target.answer(key, serde_json::to_value(now).ok())
                },
                Err(other) => refused(key, other),
            }
        }
        Err(err) => refused(key, err),
    }
}

/// What an item acts on.
#[derive(Clone, Copy)]
enum Target {
    /// A ticket, at the version the handheld saw.
    Ticket { id: TicketId, version: i64 },
    /// A unit's meter.
    Meter(UnitId),
}

impl SyncItem {
    /// The item's record, which its action needs named, and nothing else: 422 otherwise.
    fn target(&self) -> Result<Target, AppError> {
        let mut v = Validator::new();
        match self.action {
            HandheldAction::ReadMeter => {
                v.check(
                    self.unit_id.is_some(),
                    "unit_id",
                    "read_meter names the unit read",
                );
                for (given, field) in [
                    (self.ticket_id.is_some(), "ticket_id"),
                    (self.version.is_some(), "version"),
                ] {
                    v.check(!given, field, "read_meter names a unit, not a ticket");
                }
                v.finish()?;
                Ok(Target::Meter(self.unit_id.expect("checked")))
            }
            _ => {
                v.check(
                    self.ticket_id.is_some(),
                    "ticket_id",
                    "a ticket's action names it",
                );
                v.check(
                    self.version.is_some(),
                    "version",
                    "a ticket's action names the version it saw",
                );
                v.check(
                    self.unit_id.is_none(),
                    "unit_id",
                    "a ticket's action names a ticket, not a unit",
                );
                v.finish()?;
                Ok(Target::Ticket {
                    id: self.ticket_id.expect("checked"),
                    version: self.version.expect("checked"),
                })
            }
        }
    }
}

impl Target {
    /// The route the item's action has when sent alone.
    fn path(self, action: HandheldAction) -> String {
        match self {
            Target::Ticket { id, .. } => format!("/api/v1/tickets/{id}/{}", action.as_str()),
            Target::Meter(unit) => format!("/api/v1/units/{unit}/hot-water/readings"),
        }
    }

    /// An answer carrying `record` as this target's kind of record.
    fn answer(self, idempotency_key: String, record: Option<serde_json::Value>) -> SyncResult {
        let (ticket, reading) = match self {
            Target::Ticket { .. } => (record, None),
            Target::Meter(_) => (None, record),
        };
        SyncResult {
            idempotency_key,
            outcome: SyncOutcome::Applied,
            status: 200,
            ticket,
            reading,
            problem: None,
        }
    }
}

/// Runs the item's action (a ticket's, if the ticket is still at the version the handheld
/// saw): its status and record.
async fn apply(
    state: &AppState,
    actor: &Actor,
    item: &SyncItem,
    target: Target,
    body: &[u8],
) -> Result<(u16, serde_json::Value), AppError> {
    if item.action != HandheldAction::Arrive && item.body.is_none() {
        return Err(AppError::field("body", "this action takes a body"));
    }
    let (ticket_id, seen) = match target {
        Target::Meter(unit) => {
            let reading: NewReading = crate::json::parse(body)?;
            let reading = meters::read(state, actor, unit, reading).await?;
            return Ok((201, json(reading)));
        }
        Target::Ticket { id, version } => (id, version),
    };
    let (action, effect) = match item.action {
        HandheldAction::Arrive => {
            if item.body.as_ref().is_some_and(|b| !b.is_empty()) {
                return Err(AppError::field("body", "arrive takes no body"));
            }
            (TicketAction::Arrive, actions::arrive())
        }
        HandheldAction::Complete => (
            TicketAction::Complete,
            actions::complete(crate::json::parse(body)?),
        ),
        HandheldAction::Charge => (
            TicketAction::Charge,
            actions::charge(crate::json::parse(body)?),
        ),
        HandheldAction::ReadMeter => unreachable!("a reading's target is a meter"),
    };
    let ticket = tickets::act(state, actor, ticket_id, action, move |conn, ctx| {
        if ctx.row.version != seen {
            return Err(AppError::StaleVersion("ticket"));
        }
        effect(conn, ctx)
    })
    .await?;
    Ok((200, json(ticket)))
}

fn json(value: impl Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

fn refused(key: String, err: AppError) -> SyncResult {
    let problem = err.problem();
    if problem.status >= 500 {
        // The batch itself answers 200, so the request's own 5xx log line never comes.
        log::error!("sync item {key}: {}", err.chain());
    }
    SyncResult {
        idempotency_key: key,
        outcome: SyncOutcome::Refused,
        status: problem.status,
        ticket: None,
        reading: None,
        problem: Some(problem),
    }
}
