//! Repair tickets (报修): the states and actions and the state machine, here; deadlines and
//! overdue (R-TKT-4, 10, 11) in `timing.rs`; routing between engineering and the developer's
//! warranty (R-TKT-5) and the workmanship warranty (R-TKT-12) in `routing.rs`. Pure code: no
//! database, no HTTP.

mod routing;
mod timing;

pub use routing::*;
pub use timing::*;

use crate::money::Fen;
use crate::text_enum;

text_enum! {
    /// What broke. A fixed list covering the procedures; it drives deadlines and routing.
    pub enum Category {
        WaterSupply = "water_supply",
        Drainage = "drainage",
        Electrical = "electrical",
        Lift = "lift",
        DoorsWindows = "doors_windows",
        SanitaryFittings = "sanitary_fittings",
        RoofWallSeepage = "roof_wall_seepage",
        Heating = "heating",
        HotWater = "hot_water",
        RailingsStairs = "railings_stairs",
        PublicFacilities = "public_facilities",
        Other = "other",
    }
}

text_enum! {
    /// R-TKT-2: inside a home (户内) or in a public area (公共区域).
    pub enum Scope {
        InHome = "in_home",
        PublicArea = "public_area",
    }
}

text_enum! {
    /// R-TKT-3: urgent (急修) or general (一般).
    pub enum Priority {
        Urgent = "urgent",
        General = "general",
    }
}

text_enum! {
    /// How the report reached the desk.
    pub enum Channel {
        App = "app",
        Phone = "phone",
        Counter = "counter",
        Staff = "staff",
    }
}

text_enum! {
    /// R-TKT-5: who repairs.
    pub enum Route {
        Engineering = "engineering",
        Developer = "developer",
    }
}

text_enum! {
    pub enum TicketStatus {
        /// Reported, not yet dispatched.
        Reported = "reported",
        /// Engineers assigned, not yet on site.
        Dispatched = "dispatched",
        OnSite = "on_site",
        /// Repaired, waiting for the resident's acceptance.
        Completed = "completed",
        /// The resident rejected the result; engineers go back.
        Rework = "rework",
        /// Accepted, waiting for the follow-up visit.
        Accepted = "accepted",
        Closed = "closed",
        /// With the developer under construction warranty.
        Transferred = "transferred",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// R-TKT-8: a charge's way from proposal to bill.
    pub enum ChargeStatus {
        None = "none",
        /// Outside the fee schedule: the engineering supervisor (a manager) reviews it.
        PendingApproval = "pending_approval",
        AwaitingResident = "awaiting_resident",
        Accepted = "accepted",
        Declined = "declined",
    }
}

text_enum! {
    /// R-TKT-9: how the resident signed.
    pub enum Acceptance {
        App = "app",
        Paper = "paper",
    }
}

text_enum! {
    /// Every action on a ticket, one `POST /tickets/{id}/<action>` each.
    pub enum TicketAction {
        Reclassify = "reclassify",
        Dispatch = "dispatch",
        Arrive = "arrive",
        Complete = "complete",
        Transfer = "transfer",
        DeveloperAcknowledge = "developer_acknowledge",
        DeveloperComplete = "developer_complete",
        TakeOver = "take_over",
        SettlementSigned = "settlement_signed",
        Charge = "charge",
        ApproveCharge = "approve_charge",
        AcceptCharge = "accept_charge",
        DeclineCharge = "decline_charge",
        Confirm = "confirm",
        Reject = "reject",
        RecordSignature = "record_signature",
        Visit = "visit",
        Chase = "chase",
        Cancel = "cancel",
    }
}

use TicketAction as A;
use TicketStatus as S;

/// The statuses of a ticket still being worked on; read by `repo::list` too.
pub const OPEN: &[TicketStatus] = &[
    S::Reported,
    S::Dispatched,
    S::OnSite,
    S::Completed,
    S::Rework,
    S::Accepted,
    S::Transferred,
];

impl TicketStatus {
    pub fn is_open(self) -> bool {
        OPEN.contains(&self)
    }

    /// The state the action leads to from this one, or `None` when it is not allowed here.
    pub fn after(self, action: TicketAction) -> Option<TicketStatus> {
        let (from, to): (&[TicketStatus], Option<TicketStatus>) = match action {
            A::Reclassify => (
                &[
                    S::Reported,
                    S::Dispatched,
                    S::OnSite,
                    S::Rework,
                    S::Transferred,
                ],
                None,
            ),
            A::Dispatch => (&[S::Reported, S::Dispatched], Some(S::Dispatched)),
            A::Arrive => (&[S::Dispatched, S::Rework], Some(S::OnSite)),
            A::Complete => (&[S::OnSite], Some(S::Completed)),
            A::Transfer => (&[S::Reported], Some(S::Transferred)),
            A::DeveloperAcknowledge => (&[S::Transferred], None),
            A::DeveloperComplete => (&[S::Transferred], Some(S::Completed)),
            A::TakeOver => (&[S::Transferred], Some(S::Reported)),
            A::SettlementSigned => (&[S::Completed, S::Accepted, S::Closed], None),
            A::Charge | A::ApproveCharge | A::AcceptCharge | A::DeclineCharge => {
                (&[S::OnSite, S::Completed], None)
            }
            A::Confirm | A::RecordSignature => (&[S::Completed], Some(S::Accepted)),
            A::Reject => (&[S::Completed], Some(S::Rework)),
            A::Visit => (&[S::Accepted], Some(S::Closed)),
            A::Chase => (OPEN, None),
            A::Cancel => (
                &[S::Reported, S::Dispatched, S::Transferred],
                Some(S::Cancelled),
            ),
        };
        from.contains(&self).then_some(to.unwrap_or(self))
    }
}

/// The cost of materials given as (quantity, unit price); `None` when it does not fit.
pub fn materials_total(materials: &[(i64, Fen)]) -> Option<Fen> {
    materials
        .iter()
        .map(|(quantity, price)| price.checked_mul(*quantity))
        .try_fold(Fen::ZERO, |sum, line| sum.checked_add(line?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_machine_allows_only_listed_moves() {
        assert_eq!(S::Reported.after(A::Dispatch), Some(S::Dispatched));
        assert_eq!(S::Dispatched.after(A::Arrive), Some(S::OnSite));
        assert_eq!(S::Reported.after(A::Arrive), None);
        assert_eq!(S::Completed.after(A::Reject), Some(S::Rework));
        assert_eq!(S::Rework.after(A::Arrive), Some(S::OnSite));
        assert_eq!(S::OnSite.after(A::Cancel), None);
        assert_eq!(S::Closed.after(A::Chase), None);
        assert_eq!(S::Transferred.after(A::TakeOver), Some(S::Reported));
        assert_eq!(S::Accepted.after(A::Visit), Some(S::Closed));
    }

    #[test]
    fn material_totals_refuse_overflow() {
        assert_eq!(
            materials_total(&[(2, Fen::new(1500)), (1, Fen::new(800))]),
            Some(Fen::new(3800))
        );
        assert_eq!(materials_total(&[(i64::MAX, Fen::new(2))]), None);
        let huge = Fen::new(5_000_000_000_000_000_000);
        assert_eq!(materials_total(&[(1, huge), (1, huge)]), None);
    }
}
