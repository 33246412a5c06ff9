//! The effects of the lifecycle actions: each checks what only it knows and says which
//! columns change; [`super::service::act`] does the rest. By phase: `repair.rs` from the
//! report to the work order (re-classify, dispatch, on site, complete, chase, cancel),
//! `developer.rs` the developer's warranty repairs (transfer to settlement), and
//! `acceptance.rs` charges, the resident's acceptance or rejection and the follow-up visit.

mod acceptance;
mod developer;
mod repair;

pub use acceptance::*;
pub use developer::*;
pub use repair::*;

use crate::db::{utc, AnyConnection};
use crate::error::AppError;
use crate::tickets::model::*;
use crate::tickets::repo::TicketChange;
use crate::tickets::service::{Ctx, Effect};

type Action = Box<dyn FnOnce(&mut AnyConnection, &Ctx) -> Result<Effect, AppError> + Send>;

fn note_only(note: Option<String>) -> Result<Effect, AppError> {
    Ok(Effect {
        change: TicketChange::default(),
        note,
    })
}

/// R-TKT-4/10: done now; the follow-up visit falls due (same local day for hot water).
fn completion(conn: &mut AnyConnection, ctx: &Ctx) -> Result<TicketChange, AppError> {
    let category = ctx.row.category;
    let tz = crate::sites::service::time_zone(conn, ctx.row.site_id)?;
    Ok(TicketChange {
        completed_at: Some(Some(utc(ctx.now))),
        visit_by: Some(Some(utc(visit_by(category, ctx.now, tz)))),
        ..Default::default()
    })
}
