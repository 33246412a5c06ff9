//! Whom each ticket action tells: the resident hears of the steps of their repair, each
//! engineer of a work order dispatched to them.

use chrono::{DateTime, Utc};
use diesel::QueryResult;

use super::model::{ChargeStatus, TicketAction as A};
use super::repo::{self, TicketRow};
use crate::access;
use crate::db::AnyConnection;
use crate::i18n::Msg;
use crate::ids::UserId;
use crate::notifications::{Kind, Notice};

/// The ticket's residents: the resident who reported it, or, for a report staff took (by
/// phone, at the counter), the people who live in its unit today. A public-area repair has
/// none.
fn residents(
    conn: &mut AnyConnection,
    row: &TicketRow,
    now: DateTime<Utc>,
) -> QueryResult<Vec<UserId>> {
    match (row.received_by, row.unit_id) {
        (None, _) => Ok(vec![row.reporter_id]),
        (Some(_), Some(unit)) => access::repo::residents_of_unit(conn, unit, now.date_naive()),
        (Some(_), None) => Ok(Vec::new()),
    }
}

pub fn of_action(
    conn: &mut AnyConnection,
    action: A,
    row: &TicketRow,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Notice>> {
    let to_residents = |conn: &mut AnyConnection, kind, message: Msg| {
        Ok(Notice::to_each(
            residents(conn, row, now)?,
            kind,
            row.site_id,
            row.unit_id,
            &message.arg("number", &row.number),
        ))
    };
    match action {
        A::Dispatch => {
            let mut notices = to_residents(
                conn,
                Kind::TicketDispatched,
                Msg::new("%{number}: an engineer is assigned to your repair"),
            )?;
            notices.extend(to_engineers(
                conn,
                row,
                Kind::WorkOrderDispatched,
                Msg::new("%{number}: a work order for you, to be fixed by %{due}"),
            )?);
            Ok(notices)
        }
        A::Arrive => to_residents(
            conn,
            Kind::EngineerOnSite,
            Msg::new("%{number}: the engineer has arrived"),
        ),
        A::Complete | A::DeveloperComplete => to_residents(
            conn,
            Kind::TicketCompleted,
            Msg::new("%{number}: the repair is done; please confirm it"),
        ),
        A::Charge | A::ApproveCharge if row.charge_status == ChargeStatus::AwaitingResident => {
            to_residents(
                conn,
                Kind::ChargeToAccept,
                Msg::new("%{number}: a repair charge waits for your acceptance"),
            )
        }
        A::Visit => to_residents(
            conn,
            Kind::VisitRecorded,
            Msg::new("%{number}: thank you for your feedback on the repair"),
        ),
        _ => Ok(Vec::new()),
    }
}

/// To each engineer of the work order: `message`, of its number and fix-by deadline.
fn to_engineers(
    conn: &mut AnyConnection,
    row: &TicketRow,
    kind: Kind,
    message: Msg,
) -> QueryResult<Vec<Notice>> {
    let engineers = repo::engineers_of(conn, &[row.id])?
        .into_iter()
        .map(|(_, engineer, _, _)| engineer);
    let due = row.fix_by.and_utc().format("%Y-%m-%d %H:%M UTC");
    Ok(Notice::to_each(
        engineers,
        kind,
        row.site_id,
        row.unit_id,
        &message.arg("number", &row.number).arg("due", due),
    ))
}

/// To each engineer of the work order: its fix-by deadline is near.
pub fn deadline_near(conn: &mut AnyConnection, row: &TicketRow) -> QueryResult<Vec<Notice>> {
    to_engineers(
        conn,
        row,
        Kind::DeadlineNear,
        Msg::new("%{number}: soon due: to be fixed by %{due}"),
    )
}
