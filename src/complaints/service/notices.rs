//! Whom each complaint action tells: the butler it is assigned to, and the complainant (when
//! they have an account) of a reply or a follow-up visit.

use diesel::QueryResult;

use crate::complaints::model::ComplaintAction as A;
use crate::complaints::repo::ComplaintRow;
use crate::i18n::Msg;
use crate::notifications::{Kind, Notice};

pub fn of_action(action: A, row: &ComplaintRow) -> QueryResult<Vec<Notice>> {
    let number = &row.number;
    let (recipient, kind, message) = match action {
        A::AssignOwner => (
            row.owner_id,
            Kind::ComplaintAssigned,
            Msg::new("%{number}: this complaint is now yours"),
        ),
        A::Reply => (
            row.complainant_id,
            Kind::ComplaintReply,
            Msg::new("%{number}: a reply on your complaint"),
        ),
        A::Visit | A::VisitDissatisfied => (
            row.complainant_id,
            Kind::VisitRecorded,
            Msg::new("%{number}: thank you for your feedback on the complaint"),
        ),
        _ => return Ok(Vec::new()),
    };
    Ok(Notice::to_each(
        recipient,
        kind,
        row.site_id,
        row.unit_id,
        &message.arg("number", number),
    ))
}
