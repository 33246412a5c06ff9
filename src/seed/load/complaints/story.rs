//! What came of a complaint (root cause, responsibility, opinion, review) and what was
//! said and done on the way: messages to the complainant, internal notes, the timeline.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::SmallRng;
use rand::Rng;

use super::draw::{Plan, Who};
use crate::complaints::model::*;
use crate::ids::UserId;
use crate::seed::load::bulk::{minutes, pick};
use crate::seed::load::estate::{Estate, Site};
use crate::visits::Satisfaction;

use ComplaintAction as A;

/// How the handling ended, for those handled.
#[derive(Clone, Copy)]
pub struct Outcome {
    pub root_cause: Option<RootCause>,
    pub responsibility: Option<Responsibility>,
    pub opinion: Option<Satisfaction>,
    pub reviewed: Option<DateTime<Utc>>,
}

pub fn outcome(rng: &mut SmallRng, p: &Plan, now: DateTime<Utc>) -> Outcome {
    let root_cause = p
        .resolved
        .map(|_| RootCause::ALL[rng.random_range(0..RootCause::ALL.len())]);
    let responsibility = p.resolved.filter(|_| rng.random_bool(0.4)).map(|_| {
        if p.class == ComplaintClass::Developer {
            Responsibility::Developer
        } else {
            pick(
                rng,
                &[
                    (Responsibility::Company, 50),
                    (Responsibility::ThirdParty, 20),
                    (Responsibility::None, 30),
                ],
            )
        }
    });
    let opinion = match (&p.who, p.resolved) {
        (Who::Resident(_), Some(_)) if rng.random_bool(0.5) => Some(pick(
            rng,
            &[
                (Satisfaction::Satisfied, 75),
                (Satisfaction::Neutral, 18),
                (Satisfaction::Dissatisfied, 7),
            ],
        )),
        _ => None,
    };
    let reviewed = p
        .resolved
        .filter(|_| rng.random_bool(0.3))
        .map(|at| at + minutes(rng, 60, 2880))
        .filter(|at| *at < now);
    Outcome {
        root_cause,
        responsibility,
        opinion,
        reviewed,
    }
}

pub struct Message {
    pub kind: MessageKind,
    pub author: UserId,
    pub body: &'static str,
    pub standard_reply_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// One action after intake; `actor` is `None` for the system (the quiet-week sweep).
pub struct Step {
    pub actor: Option<UserId>,
    pub action: ComplaintAction,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub struct Story {
    pub messages: Vec<Message>,
    /// Oldest first.
    pub steps: Vec<Step>,
    /// The last chase, or intake when there was none: the next chase counts from it.
    pub last_chase: DateTime<Utc>,
}

const FIRST_REPLY: &str =
    "Thank you, we are looking into it and will call you back 已收到，正在处理";

/// Everything said and done about the complaint up to now, in order.
pub fn story(
    rng: &mut SmallRng,
    estate: &Estate,
    site: &Site,
    plans: &[Plan],
    p: &Plan,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Story {
    let desk = p.owner.map_or(site.butlers[0].id, |(id, _)| id);
    let mut messages = Vec::new();
    let mut steps = Vec::new();
    let mut step = |actor: Option<UserId>, action, note: String, at| {
        steps.push(Step {
            actor,
            action,
            note: Some(note),
            at,
        })
    };
    if let Some((butler, at)) = p.owner.filter(|(id, _)| *id != p.received_by) {
        step(Some(desk), A::AssignOwner, format!("owner: #{butler}"), at);
    }
    if p.major {
        let at = p.created + Duration::minutes(30);
        step(
            Some(desk),
            A::MarkMajor,
            "major: several households".into(),
            at,
        );
    }
    if let Some(at) = p.first_reply {
        let standard = site
            .standard_replies
            .iter()
            .find(|(_, subject, _)| *subject == p.subject)
            .filter(|_| rng.random_bool(0.5));
        let (body, standard_reply_id) =
            standard.map_or((FIRST_REPLY, None), |(id, _, body)| (*body, Some(*id)));
        messages.push(Message {
            kind: MessageKind::Reply,
            author: desk,
            body,
            standard_reply_id,
            at,
        });
        step(Some(desk), A::Reply, "reply".into(), at);
    }
    if let Some((department, at)) = p.handoff {
        step(
            Some(desk),
            A::HandToDepartment,
            format!("to {department}"),
            at,
        );
    }
    if let Some(at) = p.transfer {
        step(
            Some(desk),
            A::TransferToDeveloper,
            "to the developer".into(),
            at,
        );
    }
    if let Some(at) = p.developer_reply {
        let note = "developer's solution: repair booked".into();
        step(Some(desk), A::DeveloperReply, note, at);
    }
    // Chases while open, every three days (daily when major), passed to the complainant;
    // one complaint in three is due for its next chase now.
    let every = Duration::days(if p.major { 1 } else { 3 });
    let open_until = p.resolved.or(p.closed.map(|c| c.1)).unwrap_or(now);
    let mut last_chase = p.created;
    if p.first_reply.is_some() {
        let skip = if rng.random_bool(0.35) {
            every
        } else {
            Duration::zero()
        };
        let mut at = p.created + every;
        let mut chases = 0;
        while at + skip < open_until && chases < 8 {
            messages.push(Message {
                kind: MessageKind::Reply,
                author: desk,
                body: "Update: the work is scheduled 进展：已安排处理",
                standard_reply_id: None,
                at,
            });
            step(Some(desk), A::Chase, "the work is scheduled".into(), at);
            last_chase = at;
            chases += 1;
            at += every;
        }
    }
    if rng.random_bool(0.15) {
        let at = p.created + minutes(rng, 5, 120);
        if at < open_until {
            messages.push(Message {
                kind: MessageKind::InternalNote,
                author: desk,
                body: "Called the caller back, line busy 回电占线",
                standard_reply_id: None,
                at,
            });
            step(Some(desk), A::Note, "internal note".into(), at);
        }
    }
    if let Some(at) = p.resolved {
        step(
            Some(desk),
            A::Resolve,
            "handled (root cause recorded)".into(),
            at,
        );
        if let (Some(o), Who::Resident(r)) = (outcome.opinion, &p.who) {
            let at = at + Duration::hours(2);
            step(
                Some(estate.residents[*r].id),
                A::Opinion,
                format!("opinion: {o}"),
                at,
            );
        }
    }
    if let Some(at) = outcome.reviewed {
        step(
            Some(site.manager.id),
            A::Review,
            "handling form reviewed".into(),
            at,
        );
    }
    for (d, at) in &p.merged_in {
        let note = format!("{} counted with this event", plans[*d].number);
        step(Some(desk), A::MergeIn, note, *at);
    }
    match p.closed {
        Some((ClosureReason::SatisfiedAtVisit, at)) => {
            step(Some(desk), A::Visit, "satisfied by phone".into(), at);
        }
        Some((ClosureReason::QuietWeek, at)) => {
            let note = "no visit due and no repeat complaint within a week".into();
            step(None, A::CloseQuiet, note, at);
        }
        Some((ClosureReason::Merged, at)) => {
            let into = &plans[p.merged_into.expect("a merged plan has its event")];
            step(
                Some(desk),
                A::Merge,
                format!("merged into {}", into.number),
                at,
            );
        }
        None => {}
    }
    steps.retain(|s| s.at <= now);
    steps.sort_by_key(|s| s.at);
    messages.retain(|m| m.at <= now);
    Story {
        messages,
        steps,
        last_chase,
    }
}
