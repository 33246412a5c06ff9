//! A year of complaints: residents' own in the app and those staff record for residents,
//! named callers and anonymous ones; most handled and closed, a few percent in each open
//! status, some resolved and waiting for their visit or their quiet week, some duplicates
//! merged into the complaint about the same event; with their replies, notes, chases,
//! timeline and visits, numbered per site and local day. What each is and when:
//! `draw.rs`; what came of it and what was said and done: `story.rs`; the rows: `rows.rs`.

mod draw;
mod rows;
mod story;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use rand::rngs::SmallRng;
use rand::Rng;

use self::draw::{draw, person, Plan, Who};
use self::rows::*;
use self::story::{outcome, story, Outcome, Story};
use super::bulk::{insert_all, pick, stored};
use super::estate::Estate;
use super::history::{EntryRow, VisitRow};
use crate::complaints::model::*;
use crate::complaints::service::NUMBER_PREFIX;
use crate::db::schema::{complaint_messages, complaints, follow_up_visits, timeline_entries};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::ids::UserId;

use ComplaintStatus as S;

/// Complaints written per transaction.
const BATCH: usize = 5_000;

/// What the load generator reports about the complaints.
#[derive(Default)]
pub struct ComplaintStats {
    pub complaints: usize,
    pub open: usize,
    pub merged: usize,
    pub messages: usize,
    pub timeline: usize,
    pub numbers: HashMap<(usize, NaiveDate), i64>,
}

#[derive(Default)]
struct Rows {
    complaints: Vec<ComplaintRow>,
    messages: Vec<MessageRow>,
    timeline: Vec<EntryRow>,
    visits: Vec<VisitRow>,
}

/// Writes `count` complaints, in order of intake, `BATCH` per transaction.
pub fn write(
    conn: &mut AnyConnection,
    estate: &Estate,
    count: usize,
    rng: &mut SmallRng,
    now: DateTime<Utc>,
) -> Result<ComplaintStats, AppError> {
    let weights: Vec<u32> = estate.sites.iter().map(|s| s.units.len() as u32).collect();
    let mut plans: Vec<Plan> = (0..count)
        .map(|_| draw(rng, estate, &weights, now))
        .collect();
    let mut stats = ComplaintStats::default();
    arrange(&mut plans, estate, &mut stats.numbers);
    for batch in plans.chunks(BATCH) {
        let mut rows = Rows::default();
        for plan in batch {
            build(&mut rows, rng, estate, &plans, plan, now);
            stats.complaints += 1;
            stats.open += usize::from(plan.status.is_open());
            stats.merged += usize::from(plan.status == S::Merged);
        }
        stats.messages += rows.messages.len();
        stats.timeline += rows.timeline.len();
        conn.transaction::<_, AppError, _>(|conn| {
            insert_all!(conn, complaints::table, rows.complaints);
            insert_all!(conn, complaint_messages::table, rows.messages);
            insert_all!(conn, timeline_entries::table, rows.timeline);
            insert_all!(conn, follow_up_visits::table, rows.visits);
            Ok(())
        })?;
    }
    Ok(stats)
}

/// Orders the plans by intake, numbers them per site and day, and counts each duplicate on
/// a recent complaint of its site (the same subject and place) that is not itself merged.
fn arrange(plans: &mut [Plan], estate: &Estate, numbers: &mut HashMap<(usize, NaiveDate), i64>) {
    plans.sort_by_key(|p| p.created);
    let mut recent: Vec<Vec<usize>> = vec![Vec::new(); estate.sites.len()];
    for i in 0..plans.len() {
        let site = &estate.sites[plans[i].site];
        let day = plans[i].created.with_timezone(&site.tz).date_naive();
        let serial = numbers.entry((plans[i].site, day)).or_insert(0);
        *serial += 1;
        plans[i].id = i as i64 + 1;
        plans[i].number = format!("{NUMBER_PREFIX}-{}-{serial:04}", day.format("%Y%m%d"));
        let candidates = &mut recent[plans[i].site];
        if plans[i].status == S::Merged {
            let created = plans[i].created;
            let target = candidates
                .iter()
                .rev()
                .copied()
                .find(|t| created - plans[*t].created < Duration::days(3));
            match target {
                Some(t) => {
                    let merged_at = plans[i].closed.expect("a merged plan is closed").1;
                    let new_person = {
                        let me = person(estate, &plans[i].who);
                        let known =
                            std::iter::once(t).chain(plans[t].merged_in.iter().map(|(d, _)| *d));
                        !known
                            .into_iter()
                            .any(|k| me.same_as(&person(estate, &plans[k].who)))
                    };
                    plans[t].complainants += i32::from(new_person);
                    plans[t].merged_in.push((i, merged_at));
                    plans[i].merged_into = Some(t);
                    plans[i].subject = plans[t].subject;
                    plans[i].unit = plans[t].unit;
                    plans[i].class = plans[t].class;
                }
                // Nothing recent to count it on: an ordinary new complaint, waiting.
                None => {
                    plans[i].status = S::Received;
                    plans[i].closed = None;
                }
            }
        }
        if plans[i].status != S::Merged {
            candidates.push(i);
            if candidates.len() > 50 {
                candidates.remove(0);
            }
        }
    }
}

/// The rows of one complaint: itself, its messages, timeline and visit.
fn build(
    rows: &mut Rows,
    rng: &mut SmallRng,
    estate: &Estate,
    plans: &[Plan],
    p: &Plan,
    now: DateTime<Utc>,
) {
    let site = &estate.sites[p.site];
    let outcome = outcome(rng, p, now);
    let story = story(rng, estate, site, plans, p, &outcome, now);
    if let Some((ClosureReason::SatisfiedAtVisit, at)) = p.closed {
        rows.visits.push(VisitRow {
            subject: "complaint",
            subject_id: p.id,
            butler_id: p.owner.map_or(site.butlers[0].id, |o| o.0).get(),
            method: if rng.random_bool(0.8) {
                "phone"
            } else {
                "visit"
            },
            satisfaction: if rng.random_bool(0.85) {
                "satisfied"
            } else {
                "neutral"
            },
            result: "Satisfied with the handling 对处理结果满意",
            visited_at: stored(at),
            created_at: stored(at),
        });
    }
    // Each step's statuses, replayed through the state machine.
    let mut status = S::Received;
    rows.timeline.push(EntryRow {
        subject: "complaint",
        subject_id: p.id,
        actor_id: Some(p.received_by.get()),
        action: "receive",
        from_status: None,
        to_status: Some(S::Received.as_str()),
        note: Some(if p.owner.is_some_and(|(id, _)| id == p.received_by) {
            "received and owned by the receiving butler".into()
        } else {
            "received; waiting for a butler to own it".into()
        }),
        created_at: stored(p.created),
    });
    for s in &story.steps {
        let to = status.after(s.action);
        debug_assert!(to.is_some(), "{} from {status}", s.action);
        let to = to.unwrap_or(status);
        rows.timeline.push(EntryRow {
            subject: "complaint",
            subject_id: p.id,
            actor_id: s.actor.map(UserId::get),
            action: s.action.as_str(),
            from_status: Some(status.as_str()),
            to_status: Some(to.as_str()),
            note: s.note.clone(),
            created_at: stored(s.at),
        });
        status = to;
    }
    debug_assert_eq!(status, p.status);
    rows.messages
        .extend(story.messages.iter().map(|m| MessageRow {
            complaint_id: p.id,
            kind: m.kind.as_str(),
            author_id: m.author.get(),
            body: m.body,
            standard_reply_id: m.standard_reply_id,
            created_at: stored(m.at),
        }));
    rows.complaints
        .push(complaint_row(rng, estate, plans, p, &outcome, &story));
}

fn complaint_row(
    rng: &mut SmallRng,
    estate: &Estate,
    plans: &[Plan],
    p: &Plan,
    outcome: &Outcome,
    story: &Story,
) -> ComplaintRow {
    let site = &estate.sites[p.site];
    let developer_due = p.transfer.map(developer_due);
    let (kind, complainant_id, name, phone) = match &p.who {
        Who::Resident(r) => {
            let person = &estate.residents[*r];
            let phone = Some(person.phone.clone());
            (
                ComplainantKind::Resident,
                Some(person.id.get()),
                None,
                phone,
            )
        }
        Who::Named { name, phone } => {
            let (name, phone) = (Some(name.clone()), Some(phone.clone()));
            (ComplainantKind::Named, None, name, phone)
        }
        Who::Anonymous => (ComplainantKind::Anonymous, None, None, None),
    };
    let opt = |at: Option<DateTime<Utc>>| at.map(stored);
    let Outcome {
        root_cause,
        responsibility,
        opinion,
        reviewed,
    } = *outcome;
    ComplaintRow {
        id: p.id,
        site_id: site.id.get(),
        number: p.number.clone(),
        complainant_kind: kind.as_str(),
        complainant_id,
        complainant_name: name,
        complainant_phone: phone,
        unit_id: p.unit.map(|u| estate.units[u].id.get()),
        channel: p.channel.as_str(),
        class: p.class.as_str(),
        nature: p.nature.as_str(),
        communication_kind: (p.nature == Nature::Communication)
            .then(|| pick(rng, &COMMUNICATION_MIX).as_str()),
        subject: p.subject.as_str(),
        major: p.major,
        major_lead_id: p.major.then(|| site.manager.id.get()),
        sensitive: p.sensitive,
        description: description(p.subject),
        received_by: p.received_by.get(),
        owner_id: p.owner.map(|(id, _)| id.get()),
        department: match (p.transfer, p.handoff) {
            (Some(_), _) => Some(Department::Developer.as_str()),
            (None, Some((d, _))) => Some(d.as_str()),
            _ => None,
        },
        status: p.status.as_str(),
        respond_by: stored(respond_by(p.channel, p.created, &site.calendar, site.tz)),
        responded_at: opt(p.first_reply),
        handoff_by: opt(handoff_by(p.subject, p.created)),
        handed_off_at: opt(p.handoff.map(|h| h.1)),
        reply_promised_by: None,
        promise_kept_at: None,
        fix_by: None,
        responsibility: responsibility.map(|r| r.as_str()),
        compensation: (responsibility == Some(Responsibility::Company) && rng.random_bool(0.1))
            .then_some("Free cleaning of the stairwell 免费清洁楼道"),
        escalation: (p.first_reply.is_some() && rng.random_bool(0.02))
            .then_some(Escalation::Supervisor.as_str()),
        developer_due_at: opt(developer_due),
        developer_replied_at: opt(p.developer_reply),
        next_chase_at: Some(stored(next_chase(p.major, story.last_chase, developer_due))),
        resolution: p
            .resolved
            .map(|_| "Handled with the department; the complainant was told 已协调处理并告知"),
        root_cause: root_cause.map(|r| r.as_str()),
        resolved_at: opt(p.resolved),
        opinion: opinion.map(|o| o.as_str()),
        opinion_comment: opinion
            .filter(|o| *o == crate::visits::Satisfaction::Dissatisfied)
            .map(|_| "too slow 太慢了"),
        reviewed_by: reviewed.map(|_| site.manager.id.get()),
        reviewed_at: opt(reviewed),
        visit_exemption: p.resolved.and(p.exemption).map(|e| e.as_str()),
        visit_by: opt(p.resolved.filter(|_| p.exemption.is_none()).map(visit_by)),
        closure_reason: p.closed.map(|c| c.0.as_str()),
        closed_at: opt(p.closed.map(|c| c.1)),
        merged_into: p.merged_into.map(|t| plans[t].id),
        complainant_count: p.complainants,
        occurrences: 1 + p.merged_in.len() as i32,
        impact: (!p.merged_in.is_empty()).then_some("several households 多户"),
        reopen_count: 0,
        version: story.steps.len() as i64,
        created_at: stored(p.created),
        updated_at: stored(story.steps.last().map_or(p.created, |s| s.at)),
    }
}

const COMMUNICATION_MIX: [(CommunicationKind, u32); 3] = [
    (CommunicationKind::HelpRequest, 40),
    (CommunicationKind::Question, 40),
    (CommunicationKind::Venting, 20),
];
