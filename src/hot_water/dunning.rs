//! The dunning ladder for arrears (催缴, R-HW-6): ask the reason, then the reminder,
//! dunning, urgent dunning and lawyer's letters 7 days apart, the lawsuit file 3 days after
//! the lawyer's letter, and the suit within a month. The desk takes each step when it is
//! due; a valid service complaint raised when the resident is asked holds the ladder until
//! it is resolved; the payment that clears the arrears ends it.
//!
//! Each step keeps the figures of its day (arrears, since when, late fee); a letter is
//! written from them when it is read, in the reader's language, and told to the unit's
//! residents when it is taken.

use chrono::{DateTime, NaiveDate, Utc};

use super::model;
use super::repo::{self, DunningRow, DunningStepRow, NewDunningRow, NewDunningStepRow};
use super::{Dunning, DunningStep, DunningStepView, NewDunningStep};
use crate::access::{self, Actor};
use crate::archives;
use crate::complaints;
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Precondition};
use crate::i18n::{Language, Msg};
use crate::idempotency::{self, Answer};
use crate::ids::{HotWaterAccountId, SiteId, UnitId};
use crate::money::Fen;
use crate::notifications::{self, Kind, Notice};
use crate::sites;
use crate::state::AppState;
use crate::timeline::Subject;
use crate::units;
use crate::users;

/// The unit's latest ladder, open or ended (its residents and its site's staff).
pub async fn ladder(state: &AppState, actor: &Actor, unit_id: UnitId) -> Result<Dunning, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        // A resident reads the ladders of their own time in the unit, not the last owner's.
        let since = super::service::history_since(conn, &actor, unit_id, now)?;
        let row = repo::latest_dunning(conn, unit_id)?
            .filter(|row| since.is_none_or(|since| row.created_at >= since))
            .ok_or(AppError::NotFound("dunning"))?;
        let mut views = views(conn, vec![row])?;
        Ok(views.remove(0))
    })
    .await
}

/// The site's open ladders, oldest first, each with its next step and when it is due:
/// the desk's list of what to do.
pub async fn open_ladders(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
) -> Result<Vec<Dunning>, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let rows = repo::open_dunnings_of_site(conn, site_id)?;
        views(conn, rows)
    })
    .await
}

/// R-HW-6: the next step of the unit's ladder (the desk). 409 when the account is not in
/// arrears, the step is not the next one, it is not due yet, or a linked complaint is
/// still open.
pub async fn take_step(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewDunningStep,
) -> Result<Dunning, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let unit = units::service::visible_unit(conn, &actor, unit_id, now.date_naive())?;
        let (_, today) = sites::service::site_today(conn, unit.site_id, now)?;
        let account = repo::account_of_unit(conn, unit.id)?.ok_or_else(not_in_arrears)?;
        // The ladder's steps and the payments that end it are decided one after the other.
        repo::lock(conn, account.id)?;
        let balance = repo::totals(conn, account.id)?.balance_fen;
        if balance >= 0 {
            return Err(not_in_arrears());
        }
        let ladder = match repo::open_dunning(conn, account.id)? {
            None => start(conn, &account, &input, today, actor.user_id, now)?,
            Some(ladder) => {
                check_next(conn, &ladder, &input, today)?;
                ladder
            }
        };
        let arrears_since = repo::supply_of(conn, account.id)?
            .and_then(|supply| supply.arrears_since)
            .unwrap_or(today);
        let late_fee_fen = late_fee(conn, &account, arrears_since, today)?;
        let step = repo::insert_dunning_step(
            conn,
            NewDunningStepRow {
                dunning_id: ladder.id,
                step: input.step,
                taken_on: today,
                arrears_fen: -balance,
                arrears_since,
                late_fee_fen,
                note: input.note.map(|n| n.as_str().to_owned()),
                taken_by: actor.user_id,
                created_at: utc(now),
            },
        )?;
        let owners = users::repo::owner_names_of_unit(conn, unit.id, today)?;
        if let Some((title, letter)) = letter(&step, &unit.label(), &owners) {
            // The archive keeps the copy handed to the owner, in the language of the
            // estate's paperwork.
            let title = format!("{title} {}", step.taken_on);
            let copy = letter.render(Language::ZhCn);
            archives::filing::file_letter(conn, unit.id, title, copy, now)?;
            let residents = access::repo::residents_of_unit(conn, unit.id, today)?;
            let notices = Notice::to_each(
                residents,
                Kind::HotWaterDunning,
                unit.site_id,
                Some(unit.id),
                &letter,
            );
            let account_id: i64 = account.id.into();
            notifications::notify(
                conn,
                Subject::HotWaterAccount,
                account_id,
                notices,
                Some(actor.user_id),
                now,
            )?;
        }
        let mut views = views(conn, vec![ladder])?;
        Ok(views.remove(0))
    })
    .await
}

/// The account's late fee today, from its balance at the end of each day in arrears.
fn late_fee(
    conn: &mut AnyConnection,
    account: &repo::AccountRow,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<i64, AppError> {
    let tz = sites::service::time_zone(conn, account.site_id)?;
    let movements: Vec<(NaiveDate, i64)> = repo::movements(conn, account.id)?
        .into_iter()
        .map(|(at, fen)| (at.and_utc().with_timezone(&tz).date_naive(), fen))
        .collect();
    Ok(model::late_fee(&movements, since, today))
}

/// Opens the account's ladder with its first step, asking the reason.
fn start(
    conn: &mut AnyConnection,
    account: &repo::AccountRow,
    input: &NewDunningStep,
    today: NaiveDate,
    actor: crate::ids::UserId,
    now: DateTime<Utc>,
) -> Result<DunningRow, AppError> {
    if input.step != DunningStep::AskReason {
        return Err(not_next(DunningStep::AskReason));
    }
    if let Some(complaint_id) = input.complaint_id {
        let about_unit = complaints::repo::find(conn, complaint_id)?
            .is_some_and(|c| c.unit_id == Some(account.unit_id) && c.status.is_open());
        if !about_unit {
            return Err(AppError::field(
                "complaint_id",
                "must be an open complaint about this unit",
            ));
        }
    }
    Ok(repo::insert_dunning(
        conn,
        NewDunningRow {
            account_id: account.id,
            site_id: account.site_id,
            unit_id: account.unit_id,
            complaint_id: input.complaint_id,
            started_on: today,
            started_by: actor,
            created_at: utc(now),
        },
    )?)
}

/// The step must be the ladder's next, due, and not held by an open complaint.
fn check_next(
    conn: &mut AnyConnection,
    ladder: &DunningRow,
    input: &NewDunningStep,
    today: NaiveDate,
) -> Result<(), AppError> {
    if input.complaint_id.is_some() {
        return Err(AppError::field(
            "complaint_id",
            "a complaint is linked when the reason is asked, at the ladder's first step",
        ));
    }
    let steps = repo::dunning_steps(conn, &[ladder.id])?;
    let last = steps.last().expect("a ladder opens with its first step");
    let Some((next, due)) = model::next_due(last.step, last.taken_on) else {
        return Err(AppError::precondition(
            Precondition::DunningStepNotNext,
            "the ladder is complete: the suit is filed",
        ));
    };
    if input.step != next {
        return Err(not_next(next));
    }
    if paused(conn, ladder)? {
        return Err(AppError::precondition(
            Precondition::DunningPaused,
            "the ladder waits for the resident's complaint to be resolved",
        ));
    }
    if today < due {
        return Err(AppError::precondition(
            Precondition::DunningStepNotDue,
            Msg::new("the %{step} step is due from %{date}")
                .arg("step", next.as_str())
                .arg("date", due),
        ));
    }
    Ok(())
}

/// Whether the ladder's linked complaint is still being handled.
fn paused(conn: &mut AnyConnection, ladder: &DunningRow) -> Result<bool, AppError> {
    let Some(complaint_id) = ladder.complaint_id else {
        return Ok(false);
    };
    Ok(complaints::repo::find(conn, complaint_id)?.is_some_and(|c| c.status.is_open()))
}

/// R-HW-6: a payment that brings the balance back to zero or above ends the account's
/// ladder (in the payment's transaction).
pub(super) fn end_when_paid(
    conn: &mut AnyConnection,
    account: HotWaterAccountId,
    today: NaiveDate,
) -> Result<(), AppError> {
    Ok(repo::end_dunning(conn, account, today)?)
}

fn views(conn: &mut AnyConnection, rows: Vec<DunningRow>) -> Result<Vec<Dunning>, AppError> {
    let ids: Vec<_> = rows.iter().map(|row| row.id).collect();
    let mut steps = repo::dunning_steps(conn, &ids)?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let own: Vec<DunningStepRow> = steps.extract_if(.., |s| s.dunning_id == row.id).collect();
        let label = units::service::label(conn, row.unit_id)?;
        let last = own.last();
        let today = last.map_or(row.started_on, |s| s.taken_on);
        let owners = users::repo::owner_names_of_unit(conn, row.unit_id, today)?;
        let next = match (row.ended_on, last) {
            (None, Some(last)) => model::next_due(last.step, last.taken_on),
            _ => None,
        };
        views.push(Dunning {
            id: row.id,
            unit_id: row.unit_id,
            started_on: row.started_on,
            ended_on: row.ended_on,
            complaint_id: row.complaint_id,
            paused: row.ended_on.is_none() && paused(conn, &row)?,
            next_step: next.map(|(step, _)| step),
            next_due: next.map(|(_, due)| due),
            sue_by: own
                .iter()
                .find(|step| step.step == DunningStep::LawsuitFile)
                .map(|file| model::sue_by(file.taken_on)),
            steps: own
                .into_iter()
                .map(|step| DunningStepView {
                    letter: letter(&step, &label, &owners).map(|(_, text)| text),
                    id: step.id,
                    step: step.step,
                    taken_on: step.taken_on,
                    arrears_fen: step.arrears_fen,
                    arrears_since: step.arrears_since,
                    late_fee_fen: step.late_fee_fen,
                    note: step.note,
                    taken_by: step.taken_by,
                    created_at: step.created_at.and_utc(),
                })
                .collect(),
        });
    }
    Ok(views)
}

/// The letter a step sends, its figures filled in, with its name in the archive's
/// catalogue; none for asking the reason or the suit.
fn letter(step: &DunningStepRow, unit: &str, owners: &[String]) -> Option<(&'static str, Msg)> {
    let (title, text) = match step.step {
        DunningStep::AskReason | DunningStep::Sued => return None,
        DunningStep::ReminderLetter => (
            "提示函 Reminder letter",
            Msg::new(
                "Reminder letter (提示函) to %{owner}, owner of unit %{unit}: the hot-water \
             account has been in arrears since %{since}, %{amount} yuan on %{today}. Please \
             pay at the service desk by %{pay_by}.",
            ),
        ),
        DunningStep::DunningLetter => (
            "催缴函 Dunning letter",
            Msg::new(
                "Dunning letter (催缴函) to %{owner}, owner of unit %{unit}: %{amount} yuan of \
             hot water is unpaid since %{since}, despite our reminder. Please pay by \
             %{pay_by}; a late fee of 0.03% a day accrues, %{late_fee} yuan on %{today}.",
            ),
        ),
        DunningStep::UrgentLetter => (
            "紧急催缴函 Urgent dunning letter",
            Msg::new(
                "Urgent dunning letter (紧急催缴函) to %{owner}, owner of unit %{unit}: %{amount} \
             yuan of hot water is unpaid since %{since}, with a late fee of %{late_fee} yuan \
             on %{today}. Pay by %{pay_by}, or the matter goes to our lawyers.",
            ),
        ),
        DunningStep::LawyerLetter => (
            "律师函 Lawyer's letter",
            Msg::new(
                "Lawyer's letter (律师函) to %{owner}, owner of unit %{unit}: unless %{amount} \
             yuan of hot-water arrears since %{since} and the late fee of %{late_fee} yuan \
             on %{today} are paid by %{pay_by}, the company will sue for them.",
            ),
        ),
        DunningStep::LawsuitFile => (
            "起诉材料 Lawsuit file",
            Msg::new(
                "Lawsuit file: %{owner}, owner of unit %{unit}; hot-water arrears from %{since} \
             to %{today}: %{amount} yuan; late fee %{late_fee} yuan. To be filed with the \
             court by %{sue_by}.",
            ),
        ),
    };
    let owner = if owners.is_empty() {
        "—".to_owned()
    } else {
        owners.join(", ")
    };
    Some((
        title,
        text.arg("owner", owner)
            .arg("unit", unit)
            .arg("since", step.arrears_since)
            .arg("today", step.taken_on)
            .arg("amount", Fen::new(step.arrears_fen).yuan())
            .arg("late_fee", Fen::new(step.late_fee_fen).yuan())
            .arg("pay_by", step.taken_on + chrono::Days::new(7))
            .arg("sue_by", model::sue_by(step.taken_on)),
    ))
}

fn not_in_arrears() -> AppError {
    AppError::precondition(
        Precondition::NotInArrears,
        "the unit's hot-water account is not in arrears",
    )
}

fn not_next(next: DunningStep) -> AppError {
    AppError::precondition(
        Precondition::DunningStepNotNext,
        Msg::new("the ladder's next step is %{step}").arg("step", next.as_str()),
    )
}
