//! The effects of the complaint actions: each checks what only it knows and says which
//! columns change. [`super::service::act`] does the rest. One file per phase of a
//! complaint: intake and ownership, handling and replies, escalation and the developer,
//! close-out and visits, and merging duplicates.

mod closeout;
mod escalation;
mod handling;
mod intake;
mod merge;

pub use closeout::{
    mark_unreachable, opinion, refuse_visits, resolve, review, visit, visit_action,
};
pub use escalation::{developer_reply, escalate, transfer_to_developer};
pub use handling::{
    chase, establish_responsibility, hand_to_department, note, promise_compensation, promise_reply,
    reply, set_fix_deadline,
};
pub use intake::{assign_owner, classify, mark_major};
pub use merge::merge;

use chrono::{DateTime, Utc};

use super::model::*;
use super::repo::{self, ComplaintChange, ComplaintRow};
use super::service::{Ctx, Effect};
use crate::access::{self, Role};
use crate::db::{utc, AnyConnection};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::ids::UserId;

type Action = Box<dyn FnOnce(&mut AnyConnection, &Ctx) -> Result<Effect, AppError> + Send>;

/// The earliest deadline agreed with someone, which long-running chases aim at (R-CMP-11).
fn agreed_due(row: &ComplaintRow) -> Option<DateTime<Utc>> {
    [row.fix_by, row.developer_due_at, row.reply_promised_by]
        .into_iter()
        .flatten()
        .min()
        .map(|d| d.and_utc())
}

/// Something was said to the complainant: the first such message is the first response
/// (R-CMP-5), and one after a promised reply date keeps the promise (R-CMP-8).
fn said_to_complainant(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    text: &str,
    standard_reply_id: Option<i64>,
    change: &mut ComplaintChange,
) -> Result<(), AppError> {
    repo::add_message(
        conn,
        ctx.row.id,
        MessageKind::Reply,
        ctx.actor.user_id,
        text,
        standard_reply_id,
        utc(ctx.now),
    )?;
    let now = Some(Some(utc(ctx.now)));
    if ctx.row.responded_at.is_none() {
        change.responded_at = now;
    }
    if ctx.row.reply_promised_by.is_some() && ctx.row.promise_kept_at.is_none() {
        change.promise_kept_at = now;
    }
    Ok(())
}

/// A staff user who is active, in `role`, and works for the complaint's site.
fn staff_of_site(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    user_id: UserId,
    role: Role,
    field: &str,
) -> Result<String, AppError> {
    access::staff_of_site(conn, user_id, role, ctx.row.site_id)?.ok_or_else(|| {
        AppError::field(
            field,
            Msg::new("no active %{role} of this site with this id").term("role", role.as_str()),
        )
    })
}

fn in_future(at: DateTime<Utc>, ctx: &Ctx, field: &str) -> Result<(), AppError> {
    if at <= ctx.now {
        return Err(AppError::field(field, "must be in the future"));
    }
    Ok(())
}
