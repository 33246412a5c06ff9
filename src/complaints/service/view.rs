//! A complaint as the API shows it: deadlines as running, met or missed, and for
//! complainants the replies without staff notes.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::access::Actor;
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::repo::{self, ComplaintRow};
use crate::db::{utc, AnyConnection};
use crate::deadlines;
use crate::error::AppError;
use crate::ids::UnitId;
use crate::timeline::{self, Subject};
use crate::units;
use crate::visits;

fn opt_utc(at: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    at.map(|a| a.and_utc())
}

pub fn to_complaint(
    row: ComplaintRow,
    unit_code: Option<String>,
    now: DateTime<Utc>,
) -> Result<Complaint, AppError> {
    let n = utc(now);
    let status = row.status;
    Ok(Complaint {
        deadlines: ComplaintDeadlines {
            first_response: deadlines::view(Some(row.respond_by), row.responded_at, n)
                .expect("respond_by is set"),
            department_handoff: deadlines::view(row.handoff_by, row.handed_off_at, n),
            promised_reply: deadlines::view(row.reply_promised_by, row.promise_kept_at, n),
            fix: deadlines::view(row.fix_by, row.resolved_at, n),
            developer: deadlines::view(row.developer_due_at, row.developer_replied_at, n),
            visit: deadlines::view(
                row.visit_by,
                row.closed_at
                    .filter(|_| row.closure_reason == Some(ClosureReason::SatisfiedAtVisit)),
                n,
            ),
        },
        complainant: Complainant {
            kind: row.complainant_kind,
            user_id: row.complainant_id,
            name: row.complainant_name,
            phone: row.complainant_phone,
        },
        next_chase_at: opt_utc(row.next_chase_at).filter(|_| status.is_open()),
        status,
        id: row.id,
        number: row.number,
        site_id: row.site_id,
        unit_id: row.unit_id,
        unit_code,
        channel: row.channel,
        class: row.class,
        nature: row.nature,
        communication_kind: row.communication_kind,
        subject: row.subject,
        major: row.major,
        major_lead_id: row.major_lead_id,
        sensitive: row.sensitive,
        description: row.description,
        received_by: row.received_by,
        owner_id: row.owner_id,
        department: row.department,
        responsibility: row.responsibility,
        compensation: row.compensation,
        escalation: row.escalation,
        resolution: row.resolution,
        root_cause: row.root_cause,
        resolved_at: opt_utc(row.resolved_at),
        opinion: row.opinion,
        opinion_comment: row.opinion_comment,
        reviewed_by: row.reviewed_by,
        reviewed_at: opt_utc(row.reviewed_at),
        visit_exemption: row.visit_exemption,
        closure_reason: row.closure_reason,
        closed_at: opt_utc(row.closed_at),
        merged_into: row.merged_into,
        event: EventCount {
            complainants: row.complainant_count,
            occurrences: row.occurrences,
            impact: row.impact,
        },
        reopen_count: row.reopen_count,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

/// Rows to API complaints, loading unit codes in one query.
pub fn to_complaints(
    conn: &mut AnyConnection,
    rows: Vec<ComplaintRow>,
    now: DateTime<Utc>,
) -> Result<Vec<Complaint>, AppError> {
    let unit_ids: Vec<UnitId> = rows.iter().filter_map(|r| r.unit_id).collect();
    let codes = units::repo::codes(conn, &unit_ids)?;
    rows.into_iter()
        .map(|row| {
            let code = row.unit_id.and_then(|u| codes.get(&u).cloned());
            to_complaint(row, code, now)
        })
        .collect()
}

pub(super) fn detail(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: ComplaintRow,
    now: DateTime<Utc>,
) -> Result<ComplaintDetail, AppError> {
    let id = row.id;
    let staff = actor.role.is_staff();
    let complaint = to_complaints(conn, vec![row], now)?
        .pop()
        .expect("one complaint");
    let messages = repo::messages(conn, id, !staff)?
        .into_iter()
        .map(|m| {
            Ok(Message {
                id: m.id,
                kind: m.kind,
                author_id: m.author_id,
                body: m.body,
                standard_reply_id: m.standard_reply_id,
                at: m.created_at.and_utc(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let mut timeline = timeline::repo::history(conn, Subject::Complaint, id)?;
    if !staff {
        // Notes are the desk's working record; replies reach the complainant as messages.
        timeline.retain(|entry| entry.action != ComplaintAction::Note.as_str());
        for entry in &mut timeline {
            entry.note = None;
        }
    }
    Ok(ComplaintDetail {
        complaint,
        messages,
        timeline,
        visits: visits::repo::of_subject(conn, Subject::Complaint, id)?,
    })
}
