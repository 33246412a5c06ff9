//! Recording a complaint (R-CMP-1..6, 15): where, who complained, by which channel, and the
//! deadlines that start at once.

use chrono::{DateTime, NaiveDate, Utc};

use super::detail;
use crate::access::{self, Actor, Role};
use crate::calendar;
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::repo::{self, NewComplaintRow};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup};
use crate::numbering;
use crate::sites;
use crate::state::AppState;
use crate::timeline::{self, Step, Subject};
use crate::units;
use crate::users::repo as users_repo;

pub const NUMBER_PREFIX: &str = "TS";

/// The complainant of a staff intake, as columns: (kind, user id, name, phone).
type ComplainantColumns = (ComplainantKind, Option<i64>, Option<String>, Option<String>);

fn complainant_of(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: Option<NewComplainant>,
    site_id: i64,
    today: NaiveDate,
) -> Result<ComplainantColumns, AppError> {
    if actor.role == Role::Resident {
        if input.is_some() {
            return Err(AppError::field(
                "complainant",
                "residents complain in their own name",
            ));
        }
        let me = users_repo::find(conn, actor.user_id)?.ok_or(AppError::NotFound("user"))?;
        return Ok((ComplainantKind::Resident, Some(me.id), None, me.phone));
    }
    let input = input.ok_or_else(|| AppError::field("complainant", "required for staff intake"))?;
    match input.kind {
        ComplainantKind::Resident => {
            let user_id = input.user_id.expect("validated");
            let resident = users_repo::find(conn, user_id)?.filter(|u| u.role == Role::Resident);
            let lives_here = match &resident {
                Some(_) => access::repo::lives_on_site(conn, user_id, site_id, today)?,
                None => false,
            };
            if !lives_here {
                return Err(AppError::field(
                    "complainant.user_id",
                    "no resident of this site with this id",
                ));
            }
            let phone = input
                .phone
                .map(|p| crate::contact::normalize_phone(&p))
                .or(resident.and_then(|u| u.phone));
            Ok((ComplainantKind::Resident, Some(user_id), None, phone))
        }
        ComplainantKind::Named => Ok((
            ComplainantKind::Named,
            None,
            input.name,
            input.phone.map(|p| crate::contact::normalize_phone(&p)),
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
    match input.channel {
        Some(ComplaintChannel::App) => Err(AppError::field(
            "channel",
            "app is for residents' own complaints",
        )),
        Some(other) => Ok(other),
        None => Err(AppError::field("channel", "required for staff intake")),
    }
}

/// The site and unit complained about, if the caller may see them: (site id, unit id).
fn place_of(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &NewComplaint,
    today: NaiveDate,
) -> Result<(i64, Option<i64>), AppError> {
    match input.unit_id {
        Some(unit_id) => {
            let unit = units::service::visible_unit(conn, actor, unit_id, today)
                .found()?
                .filter(|u| u.active && input.site_id.is_none_or(|s| s == u.site_id))
                .ok_or_else(|| {
                    AppError::field("unit_id", "no active unit with this id among yours")
                })?;
            Ok((unit.site_id, Some(unit.id)))
        }
        None => {
            let site_id = input.site_id.expect("validated");
            if !access::may_see_site(conn, actor, site_id, today)? {
                return Err(AppError::field(
                    "site_id",
                    "no site with this id among yours",
                ));
            }
            Ok((site_id, None))
        }
    }
}

/// The first timeline entry: who received it, and whether a butler owns it yet (R-CMP-6).
fn record_receipt(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    owned: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let note = if owned {
        "received and owned by the receiving butler"
    } else {
        "received; waiting for a butler to own it"
    };
    timeline::repo::record(
        conn,
        Subject::Complaint,
        id,
        Step {
            actor_id: Some(actor.user_id),
            action: "receive",
            from_status: None,
            to_status: Some(ComplaintStatus::Received.as_str()),
            note: Some(note.to_owned()),
        },
        utc(now),
    )?;
    Ok(())
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
    db::transaction(&state.pool, move |conn| {
        let today = now.date_naive();
        let (site_id, unit_id) = place_of(conn, &actor, &input, today)?;
        let (kind, complainant_id, name, phone) =
            complainant_of(conn, &actor, input.complainant.take(), site_id, today)?;
        let tz = sites::service::time_zone(conn, site_id)?;
        let calendar = calendar::service::load(conn, site_id)?;
        let local_today = now.with_timezone(&tz).date_naive();
        let number = numbering::next(conn, site_id, NUMBER_PREFIX, local_today)?;
        let owner = (actor.role == Role::Butler).then_some(actor.user_id);
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
                description: input.description,
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
        record_receipt(conn, &actor, row.id, owner.is_some(), now)?;
        detail(conn, &actor, row, now)
    })
    .await
}
