//! Merging a duplicate into the complaint about the same event (R-CMP-16).

use super::{Action, Effect};
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::repo::{self, ComplaintChange, ComplaintRow};
use crate::complaints::service::ComplaintLifecycle;
use crate::db::{utc, AnyConnection};
use crate::error::{AppError, Precondition};
use crate::ids::ComplaintId;
use crate::lifecycle::{self, By};

/// R-CMP-16: whether the complainant of `row` has not complained about the event yet (see
/// [`Person::same_as`]).
fn new_person(
    conn: &mut AnyConnection,
    row: &ComplaintRow,
    event_id: ComplaintId,
) -> Result<bool, AppError> {
    let me = Person::of(
        row.complainant_kind,
        row.complainant_id,
        row.complainant_name.as_deref(),
        row.complainant_phone.as_deref(),
    );
    for known in repo::event_complainants(conn, event_id)? {
        let known = Person::of(
            known.complainant_kind,
            known.complainant_id,
            known.complainant_name.as_deref(),
            known.complainant_phone.as_deref(),
        );
        if me.same_as(&known) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// R-CMP-16: a duplicate is counted with the complaint about the same event: that one gains
/// an occurrence, a complainant if this one is a new person, and the impact.
pub fn merge(input: Merge) -> Action {
    Box::new(move |conn, ctx| {
        let row = ctx.row;
        if input.into_id == row.id {
            return Err(AppError::field(
                "into_id",
                "cannot merge a complaint into itself",
            ));
        }
        if row.occurrences > 1 {
            return Err(AppError::precondition(
                Precondition::HasMerged,
                "other complaints are merged into this one; merge the others into it instead",
            ));
        }
        let target = repo::find(conn, input.into_id)?
            .filter(|t| ctx.actor.covers_site(t.site_id))
            .ok_or_else(|| AppError::field("into_id", "no complaint with this id among yours"))?;
        if target.site_id != row.site_id {
            return Err(AppError::field(
                "into_id",
                "complaints of different sites are different events",
            ));
        }
        if target.status == ComplaintStatus::Merged {
            return Err(AppError::field(
                "into_id",
                "that complaint is itself merged; merge into the one it was merged into",
            ));
        }
        let new_person = new_person(conn, row, target.id)?;
        let counted = Effect {
            change: ComplaintChange {
                occurrences: Some(target.occurrences + 1),
                complainant_count: Some(target.complainant_count + i32::from(new_person)),
                impact: input.impact.clone().map(|impact| Some(impact.into())),
                ..Default::default()
            },
            note: Some(format!("{} counted with this event", row.number)),
        };
        lifecycle::step::<ComplaintLifecycle>(
            conn,
            By::Actor(ctx.actor),
            target.id,
            &target,
            ComplaintAction::MergeIn,
            counted,
            ctx.now,
        )?;
        Ok(Effect {
            change: ComplaintChange {
                merged_into: Some(Some(target.id)),
                closure_reason: Some(Some(ClosureReason::Merged)),
                closed_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(format!("merged into {}", target.number)),
        })
    })
}
