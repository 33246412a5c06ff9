//! Recording a complaint (R-CMP-1..6, 15): where, who complained, by which channel, and the
//! deadlines that start at once.

use chrono::NaiveDate;

use super::detail;
use crate::access::{self, Actor, Role};
use crate::calendar;
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::repo::{self, NewComplaintRow};
use crate::db::{utc, AnyConnection};
use crate::error::AppError;
use crate::idempotency::{self, Answer};
use crate::ids::{SiteId, UserId};
use crate::intake::{self, FirstStep, SiteWide};
use crate::numbering;
use crate::state::AppState;
use crate::timeline::Subject;
use crate::users::repo as users_repo;

pub const NUMBER_PREFIX: &str = "TS";

/// The complainant of a staff intake, as columns: (kind, user id, name, phone).
type ComplainantColumns = (
    ComplainantKind,
    Option<UserId>,
    Option<String>,
    Option<String>,
);

fn complainant_of(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: Option<NewComplainant>,
    site_id: SiteId,
    today: NaiveDate,
) -> Result<ComplainantColumns, AppError> {
    if actor.role == Role::Resident {
        if input.is_some() {
            return Err(AppError::field(
                "complainant",
                "residents complain in their own name",
            ));
        }
        let phone = intake::phone_or_own(conn, actor.user_id, None)?;
        return Ok((ComplainantKind::Resident, Some(actor.user_id), None, phone));
    }
    let input = input.ok_or_else(|| AppError::field("complainant", "required for staff intake"))?;
    match input.kind {
        ComplainantKind::Resident => {
            let user_id = input.user_id.expect("validated");
            let is_resident =
                users_repo::find(conn, user_id)?.is_some_and(|u| u.role == Role::Resident);
            let lives_here =
                is_resident && access::repo::lives_on_site(conn, user_id, site_id, today)?;
            if !lives_here {
                return Err(AppError::field(
                    "complainant.user_id",
                    "no resident of this site with this id",
                ));
            }
            let phone = intake::phone_or_own(conn, user_id, input.phone)?;
            Ok((ComplainantKind::Resident, Some(user_id), None, phone))
        }
        ComplainantKind::Named => Ok((
            ComplainantKind::Named,
            None,
            input.name.map(String::from),
            input.phone.map(String::from),
        )),
        ComplainantKind::Anonymous => Ok((ComplainantKind::Anonymous, None, None, None)),
    }
}

/// R-CMP-1: residents complain in the app; staff say how the complaint came in.
fn channel_of(actor: &Actor, input: &NewComplaint) -> Result<ComplaintChannel, AppError> {
    if actor.role == Role::Resident {
        if input.major || input.sensitive {
            return Err(AppError::field("major", "staff judge major and sensitive"));
        }
        return Ok(ComplaintChannel::App);
    }
    intake::channel(
        actor,
        input.channel,
        ComplaintChannel::App,
        None,
        "complaints",
    )
}

/// The first timeline entry: who received it, and whether a butler owns it yet (R-CMP-6).
fn first_step(owned: bool) -> FirstStep {
    let note = if owned {
        "received and owned by the receiving butler"
    } else {
        "received; waiting for a butler to own it"
    };
    FirstStep {
        action: "receive",
        status: ComplaintStatus::Received.as_str(),
        note: note.to_owned(),
    }
}

/// R-CMP-1..6, 15: records a complaint. A butler who receives it owns it; anyone else
/// (a resident's app, an engineer, a manager) leaves it for a butler to take (R-CMP-6).
pub async fn receive(
    state: &AppState,
    actor: &Actor,
    mut input: NewComplaint,
) -> Result<ComplaintDetail, AppError> {
    input.validate()?;
    let channel = channel_of(actor, &input)?;
    let (actor, now) = (actor.clone(), state.now());
    let write = move |conn: &mut AnyConnection| {
        let today = now.date_naive();
        let place = intake::place(
            conn,
            &actor,
            input.unit_id,
            input.site_id,
            SiteWide::StaffAndResidents,
            today,
        )?;
        let (site_id, unit_id) = (place.site_id, place.unit.map(|u| u.id));
        let (kind, complainant_id, name, phone) =
            complainant_of(conn, &actor, input.complainant.take(), site_id, today)?;
        let (tz, local_today) = crate::sites::service::site_today(conn, site_id, now)?;
        let calendar = calendar::service::load(conn, site_id, local_today)?;
        let owner = (actor.role == Role::Butler).then_some(actor.user_id);
        let number = numbering::next(conn, site_id, NUMBER_PREFIX, local_today)?;
        let row = repo::insert(
            conn,
            NewComplaintRow {
                site_id,
                number,
                complainant_kind: kind,
                complainant_id,
                complainant_name: name,
                complainant_phone: phone,
                unit_id,
                channel,
                class: input.class.unwrap_or(ComplaintClass::PropertyService),
                nature: input.nature.unwrap_or(Nature::Valid),
                communication_kind: input.communication_kind,
                subject: input.subject,
                major: input.major,
                sensitive: input.sensitive,
                description: input.description.into(),
                received_by: actor.user_id,
                owner_id: owner,
                status: ComplaintStatus::Received,
                respond_by: utc(respond_by(channel, now, &calendar, tz)),
                handoff_by: handoff_by(input.subject, now).map(utc),
                next_chase_at: Some(utc(next_chase(input.major, now, None))),
                created_at: utc(now),
                updated_at: utc(now),
            },
        )?;
        let first = first_step(owner.is_some());
        intake::record_first_step(
            conn,
            Subject::Complaint,
            row.id,
            row.site_id,
            &actor,
            first,
            now,
        )?;
        Ok((row, actor))
    };
    let read = move |conn: &mut AnyConnection, (row, actor)| detail(conn, &actor, row, now);
    idempotency::transaction_then_read(state, Answer::Created, write, read).await
}
