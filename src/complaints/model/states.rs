//! The complaint's states and actions, and which action leads where (the state machine).

use crate::text_enum;

text_enum! {
    pub enum ComplaintStatus {
        /// Recorded, nothing said to the complainant yet.
        Received = "received",
        /// Being handled (department, reply, escalation).
        InProgress = "in_progress",
        /// Class 2: waiting for the developer's solution.
        WithDeveloper = "with_developer",
        /// Handled: result recorded; opinion, review and visit follow.
        Resolved = "resolved",
        Closed = "closed",
        /// A duplicate counted with another complaint.
        Merged = "merged",
    }
}

text_enum! {
    /// Every action on a complaint, one `POST /complaints/{id}/<action>` each, and the steps
    /// without a route of their own: a dissatisfied visit, a duplicate counted on the
    /// complaint it is merged into, and the quiet-week close of the sweep.
    pub enum ComplaintAction {
        AssignOwner = "assign_owner",
        Classify = "classify",
        MarkMajor = "mark_major",
        Reply = "reply",
        Note = "note",
        HandToDepartment = "hand_to_department",
        SetFixDeadline = "set_fix_deadline",
        PromiseReply = "promise_reply",
        EstablishResponsibility = "establish_responsibility",
        PromiseCompensation = "promise_compensation",
        Escalate = "escalate",
        TransferToDeveloper = "transfer_to_developer",
        DeveloperReply = "developer_reply",
        Chase = "chase",
        Resolve = "resolve",
        Opinion = "opinion",
        Review = "review",
        Visit = "visit",
        /// A visit that found the resident dissatisfied (R-CMP-14): the same route, `visit`.
        VisitDissatisfied = "visit_dissatisfied",
        RefuseVisits = "refuse_visits",
        MarkUnreachable = "mark_unreachable",
        Merge = "merge",
        /// R-CMP-16: a duplicate counted on this complaint (the other side of `merge`).
        MergeIn = "merge_in",
        /// R-CMP-14: the sweep closes an exempt complaint after a quiet week.
        CloseQuiet = "close_quiet",
    }
}

use ComplaintAction as A;
use ComplaintStatus as S;

/// Every status but `merged`: a note, or a duplicate counted in, may come at any of them.
const NOT_MERGED: &[ComplaintStatus] = &[
    S::Received,
    S::InProgress,
    S::WithDeveloper,
    S::Resolved,
    S::Closed,
];

/// Still being worked on: counted by the daily board, chased.
pub const OPEN: &[ComplaintStatus] = &[S::Received, S::InProgress, S::WithDeveloper];

impl ComplaintStatus {
    pub fn is_open(self) -> bool {
        OPEN.contains(&self)
    }

    /// The state the action leads to from this one, or `None` when it is not allowed here.
    pub fn after(self, action: ComplaintAction) -> Option<ComplaintStatus> {
        let handled: &[ComplaintStatus] = &[S::Resolved, S::Closed];
        let (from, to): (&[ComplaintStatus], Option<ComplaintStatus>) = match action {
            A::AssignOwner | A::MarkMajor | A::EstablishResponsibility | A::PromiseCompensation => {
                (
                    &[S::Received, S::InProgress, S::WithDeveloper, S::Resolved],
                    None,
                )
            }
            A::Classify | A::Chase => (OPEN, None),
            A::Note => (NOT_MERGED, None),
            // Saying something to the complainant starts the handling.
            // (A reply while the developer has it leaves it there.)
            A::Reply | A::PromiseReply => {
                (OPEN, (self != S::WithDeveloper).then_some(S::InProgress))
            }
            A::HandToDepartment => (&[S::Received, S::InProgress], Some(S::InProgress)),
            A::SetFixDeadline | A::Escalate => (&[S::InProgress, S::WithDeveloper], None),
            A::TransferToDeveloper => (&[S::Received, S::InProgress], Some(S::WithDeveloper)),
            A::DeveloperReply => (&[S::WithDeveloper], Some(S::InProgress)),
            // Solved on the spot, straight from intake.
            A::Resolve => (&[S::Received, S::InProgress], Some(S::Resolved)),
            A::Opinion | A::Review => (handled, None),
            A::Visit => (&[S::Resolved], Some(S::Closed)),
            A::VisitDissatisfied => (&[S::Resolved], Some(S::InProgress)),
            A::RefuseVisits | A::MarkUnreachable => (&[S::Resolved], None),
            A::Merge => (&[S::Received, S::InProgress], Some(S::Merged)),
            // Any event may be counted on, even one handled already; a duplicate may not.
            A::MergeIn => (NOT_MERGED, None),
            A::CloseQuiet => (&[S::Resolved], Some(S::Closed)),
        };
        from.contains(&self).then_some(to.unwrap_or(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-CMP-2, R-CMP-12, R-CMP-14, R-CMP-16
    #[test]
    fn the_state_machine_allows_each_action_only_where_it_makes_sense() {
        assert_eq!(S::Received.after(A::Reply), Some(S::InProgress));
        assert_eq!(S::WithDeveloper.after(A::Reply), Some(S::WithDeveloper));
        assert_eq!(S::Received.after(A::Resolve), Some(S::Resolved));
        assert_eq!(S::Resolved.after(A::Visit), Some(S::Closed));
        assert_eq!(S::Resolved.after(A::VisitDissatisfied), Some(S::InProgress));
        assert_eq!(S::InProgress.after(A::Visit), None);
        assert_eq!(S::Closed.after(A::Resolve), None);
        assert_eq!(S::Merged.after(A::Note), None);
        assert_eq!(S::Resolved.after(A::Merge), None);
        assert_eq!(S::Closed.after(A::MergeIn), Some(S::Closed));
        assert_eq!(S::Merged.after(A::MergeIn), None);
        assert_eq!(S::Resolved.after(A::CloseQuiet), Some(S::Closed));
        assert_eq!(S::InProgress.after(A::CloseQuiet), None);
    }
}
