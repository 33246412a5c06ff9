//! Merging a duplicate into the complaint about the same event (R-CMP-16).

use super::{Action, Effect};
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::repo::{self, ComplaintChange};
use crate::db::utc;
use crate::error::{AppError, Precondition};
use crate::timeline::{self, Step, Subject};

/// R-CMP-16: a duplicate is counted with the complaint about the same event: that one gains
/// an occurrence, a complainant if this one is a new person, and the impact.
pub fn merge(input: Merge) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[], &[("impact", input.impact.as_deref())])?;
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
        if target.status == ComplaintStatus::Merged.as_str() {
            return Err(AppError::field(
                "into_id",
                "that complaint is itself merged; merge into the one it was merged into",
            ));
        }
        let new_person = match row.complainant_id {
            Some(person) => !repo::event_has_complainant(conn, target.id, person)?,
            None => true,
        };
        let change = ComplaintChange {
            occurrences: Some(target.occurrences + 1),
            complainant_count: Some(target.complainant_count + i32::from(new_person)),
            impact: input.impact.clone().map(Some),
            updated_at: Some(utc(ctx.now)),
            version: Some(target.version + 1),
            ..Default::default()
        };
        repo::apply(conn, target.id, target.version, &change)?
            .ok_or_else(|| AppError::StaleVersion("complaint"))?;
        timeline::repo::record(
            conn,
            Subject::Complaint,
            target.id,
            Step {
                actor_id: Some(ctx.actor.user_id),
                action: "merge_in",
                from_status: None,
                to_status: None,
                note: Some(format!("{} counted with this event", row.number)),
            },
            utc(ctx.now),
        )?;
        Ok(Effect {
            change: ComplaintChange {
                merged_into: Some(Some(target.id)),
                closure_reason: Some(Some(ClosureReason::Merged.as_str().into())),
                closed_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(format!("merged into {}", target.number)),
        })
    })
}
