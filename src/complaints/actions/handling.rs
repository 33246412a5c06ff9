//! Handling and replies: the department, its deadline, what the complainant is told and
//! who is responsible, and the chases.

use super::{agreed_due, in_future, said_to_complainant, Action, Effect};
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::replies;
use crate::complaints::repo::{self, ComplaintChange};
use crate::db::utc;
use crate::error::{AppError, Precondition};
use crate::i18n::Msg;

/// R-CMP-5/19: a reply to the complainant, from the standard library or free text.
pub fn reply(input: NewReply) -> Action {
    Box::new(move |conn, ctx| {
        let standard = input
            .standard_reply_id
            .map(|id| replies::usable(conn, id, ctx.row.site_id))
            .transpose()?;
        let text = match (input.text, &standard) {
            (Some(text), _) => text.into(),
            (None, Some(s)) => s.body.clone(),
            (None, None) => return Err(AppError::field("text", "give text or standard_reply_id")),
        };
        let mut change = ComplaintChange::default();
        said_to_complainant(conn, ctx, &text, input.standard_reply_id, &mut change)?;
        let note = match &standard {
            Some(s) => format!("reply using standard reply \"{}\"", s.title),
            None => "reply".into(),
        };
        Ok(Effect {
            change,
            note: Some(note),
        })
    })
}

/// A note for staff only.
pub fn note(input: InternalNote) -> Action {
    Box::new(move |conn, ctx| {
        repo::add_message(
            conn,
            ctx.row.id,
            MessageKind::InternalNote,
            ctx.actor.user_id,
            &input.note,
            None,
            utc(ctx.now),
        )?;
        Ok(Effect::note("internal note"))
    })
}

/// R-CMP-6: to the responsible department (within 20 minutes for service quality).
pub fn hand_to_department(input: HandToDepartment) -> Action {
    Box::new(move |_, ctx| {
        let mut change = ComplaintChange {
            department: Some(Some(input.department)),
            ..Default::default()
        };
        if ctx.row.handed_off_at.is_none() {
            change.handed_off_at = Some(Some(utc(ctx.now)));
        }
        let mut note = format!("to {}", input.department);
        if let Some(extra) = input.note {
            note.push_str(&format!(": {extra}"));
        }
        Ok(Effect {
            change,
            note: Some(note),
        })
    })
}

/// R-CMP-9: the department replies with a fix deadline; chases aim at it.
pub fn set_fix_deadline(input: FixDeadline) -> Action {
    Box::new(move |_, ctx| {
        in_future(input.fix_by, ctx, "fix_by")?;
        if ctx.row.department.is_none() {
            return Err(AppError::precondition(
                Precondition::NoDepartment,
                "hand the complaint to a department first",
            ));
        }
        let mut row = ctx.row.clone();
        row.fix_by = Some(utc(input.fix_by));
        Ok(Effect {
            change: ComplaintChange {
                fix_by: Some(Some(utc(input.fix_by))),
                next_chase_at: Some(Some(utc(next_chase(row.major, ctx.now, agreed_due(&row))))),
                ..Default::default()
            },
            note: Some(format!(
                "fix by {}{}",
                input.fix_by.to_rfc3339(),
                input.note.map(|n| format!(": {n}")).unwrap_or_default()
            )),
        })
    })
}

/// R-CMP-8: not our fault and not explained at once: the explanation so far, and the date
/// by which a full reply is promised.
pub fn promise_reply(input: PromiseReply) -> Action {
    Box::new(move |conn, ctx| {
        in_future(input.reply_by, ctx, "reply_by")?;
        if ctx.row.responsibility == Some(Responsibility::Company) {
            return Err(AppError::precondition(
                Precondition::CompanyResponsible,
                "the company is responsible: reply and fix, do not defer",
            ));
        }
        let mut change = ComplaintChange::default();
        said_to_complainant(conn, ctx, &input.explanation, None, &mut change)?;
        // This message makes the promise; the next one keeps it.
        change.promise_kept_at = Some(None);
        change.reply_promised_by = Some(Some(utc(input.reply_by)));
        Ok(Effect {
            change,
            note: Some(format!("reply promised by {}", input.reply_by.to_rfc3339())),
        })
    })
}

/// R-CMP-8: who is responsible.
pub fn establish_responsibility(input: EstablishResponsibility) -> Action {
    Box::new(move |_, _| {
        Ok(Effect {
            change: ComplaintChange {
                responsibility: Some(Some(input.responsibility)),
                ..Default::default()
            },
            note: Some(format!(
                "responsibility: {}: {}",
                input.responsibility, input.note
            )),
        })
    })
}

/// R-CMP-8: no compensation is promised before the company's responsibility is established.
pub fn promise_compensation(input: PromiseCompensation) -> Action {
    Box::new(move |_, ctx| {
        match ctx.row.responsibility {
            None => {
                return Err(AppError::precondition(
                    Precondition::ResponsibilityUnknown,
                    "responsibility is not established yet: no compensation may be promised",
                ))
            }
            Some(r) if r != Responsibility::Company => {
                return Err(AppError::precondition(
                    Precondition::NotResponsible,
                    Msg::new(
                        "responsibility is %{responsibility}: the company promises no compensation",
                    )
                    .arg("responsibility", r),
                ))
            }
            Some(_) => {}
        }
        Ok(Effect {
            change: ComplaintChange {
                compensation: Some(Some(input.compensation.to_string())),
                ..Default::default()
            },
            note: Some(format!("compensation promised: {}", input.compensation)),
        })
    })
}

/// R-CMP-11: a chase; the next one is scheduled, and its result is passed to the
/// complainant as a reply (recorded as one even when the complainant is anonymous).
pub fn chase(input: ChaseResult) -> Action {
    Box::new(move |conn, ctx| {
        let mut change = ComplaintChange {
            next_chase_at: Some(Some(utc(next_chase(
                ctx.row.major,
                ctx.now,
                agreed_due(ctx.row),
            )))),
            ..Default::default()
        };
        said_to_complainant(conn, ctx, &input.result, None, &mut change)?;
        Ok(Effect {
            change,
            note: Some(input.result.into()),
        })
    })
}
