//! The reasons a request cannot be done now, for clients that branch on them.

use serde::Serialize;
use utoipa::ToSchema;

/// Why an action cannot be done now, on a `/problems/precondition-failed` (409): each
/// names a condition the caller can check or change before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precondition {
    /// The site is deactivated.
    SiteInactive,
    /// The unit is deactivated.
    UnitInactive,
    /// Staff do not deactivate their own account.
    OwnAccount,
    /// The resident already belongs to the unit.
    AlreadyMember,
    /// The membership has already ended.
    MembershipEnded,
    /// `seed-demo` fills only an empty database.
    DatabaseNotEmpty,
    /// The record refers to, or is referred to by, another.
    Referenced,
    /// The change would break a data rule of the database.
    DataRule,
    /// Complaints: hand it to a department first.
    NoDepartment,
    /// Complaints: the company is responsible; reply and fix.
    CompanyResponsible,
    /// Complaints: responsibility is not established yet (R-CMP-8).
    ResponsibilityUnknown,
    /// Complaints: the company is not responsible, so promises no compensation.
    NotResponsible,
    /// Complaints: only class 2 goes to the developer (R-CMP-10).
    NotDeveloperClass,
    /// Complaints: exempt from the follow-up visit (R-CMP-13).
    VisitExempt,
    /// Complaints: already escalated to this level or higher (R-CMP-9).
    AlreadyEscalated,
    /// Complaints: others are merged into this one.
    HasMerged,
    /// Tickets: the developer has already acknowledged.
    DeveloperAcknowledged,
    /// Tickets: the developer's deadline has not passed (R-TKT-6).
    DeveloperDeadlineRunning,
    /// Tickets: only a completed take-over is settled.
    NotTakenOver,
    /// Tickets: the settlement is already signed.
    SettlementSigned,
    /// Tickets: a repeat within the workmanship warranty is free (R-TKT-12).
    WarrantyRepeat,
    /// Tickets: the developer's repairs are not charged by us.
    DeveloperRepair,
    /// Tickets: the charge is not in the state the action needs.
    ChargeState,
    /// Tickets: an engineer has already been on site.
    EngineerArrived,
    /// Keys: the giver named is not the key's holder now (R-KEY-3).
    NotHolder,
    /// Keys: the desk (a staff member or the cabinet) does not hold the key (R-KEY-1).
    NotWithDesk,
    /// Keys: the key is already out on a loan (R-KEY-2).
    KeyOnLoan,
    /// Keys: the key is not deposited in the cabinet (R-KEY-4).
    NotDeposited,
    /// Keys: the key is deposited for its named collectors and leaves the cabinet only by
    /// pick-up (R-KEY-4).
    KeyDeposited,
    /// Keys: the deposit's authorisation does not name this collector (R-KEY-4).
    CollectorNotAuthorised,
    /// Keys: the key was never handed out, so not handed out wrongly (R-KEY-5).
    NothingHandedOut,
    /// Move-in: the unit's owner has not moved out (their occupancy is open).
    OwnerInResidence,
    /// Move-in: the desk holds no entry-door key or no mailbox key of the unit (R-KEY-1).
    MoveInKeysMissing,
    /// Hot water: a refund larger than the money the account holds.
    RefundOverBalance,
    /// Hot water: the unit has no meter in service.
    NoMeter,
    /// Hot water: the meter named is not the unit's meter in service (replaced already).
    MeterNotInService,
    /// Hot water: the quarter's reading window is over; its notices come too late.
    ReadingWindowOver,
    /// Hot water: a later quarter's reading is announced in that quarter, not before.
    ReadingNoticeTooEarly,
    /// Hot water: the reading is not flagged, or has been confirmed already.
    NothingToConfirm,
    /// Hot water: no stop of the unit's supply is proposed, so none can be approved (R-HW-5).
    StopNotProposed,
    /// Hot water: the account is not in arrears, so there is nothing to dun (R-HW-6).
    NotInArrears,
    /// Hot water: the dunning step is not the ladder's next one (R-HW-6).
    DunningStepNotNext,
    /// Hot water: the dunning step is not due yet: 7 days after the one before (3 for the
    /// lawsuit file).
    DunningStepNotDue,
    /// Hot water: the ladder waits for the resident's complaint to be resolved (R-HW-6).
    DunningPaused,
}
