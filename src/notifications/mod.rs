//! Notifications: what a resident or a staff member is told, written in the transaction of
//! the event that causes it, so a notice never tells of something that did not happen.
//! Lifecycle actions say whom they tell through `Lifecycle::notices`, and the action driver
//! writes them with the step ([`notify`]). Delivery by SMS, WeChat or push will go through
//! webhooks, so the core holds no vendor SDK; a notice that staff deliver by phone or on
//! paper records that delivery (who, how, when) on itself.

pub mod repo;
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::{utc, AnyConnection};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::ids::{SiteId, UnitId, UserId};
use crate::outbox::{self, EventType, NotificationCreated};
use crate::text_enum;
use crate::timeline::Subject;

text_enum! {
    /// What a notification tells of.
    pub enum Kind {
        /// To the resident: engineers are assigned to their repair.
        TicketDispatched = "ticket_dispatched",
        /// To each engineer assigned: a new work order.
        WorkOrderDispatched = "work_order_dispatched",
        /// To the resident: the engineer is at the door.
        EngineerOnSite = "engineer_on_site",
        /// To the resident: the repair is done and waits for their acceptance.
        TicketCompleted = "ticket_completed",
        /// To the resident: a repair charge waits for their acceptance.
        ChargeToAccept = "charge_to_accept",
        /// To the butler: a complaint is now theirs.
        ComplaintAssigned = "complaint_assigned",
        /// To the complainant: a reply on their complaint.
        ComplaintReply = "complaint_reply",
        /// To the resident: a follow-up visit was recorded.
        VisitRecorded = "visit_recorded",
        /// To each engineer of a work order: its fix-by deadline is near (a job finds them).
        DeadlineNear = "deadline_near",
        /// To the site's managers: someone asks to borrow an archive.
        LoanRequested = "loan_requested",
        /// To the borrower: their loan is approved or refused.
        LoanDecided = "loan_decided",
        /// To the residents of the unit: their key is lent for a repair, and when to expect
        /// it back (R-KEY-2).
        KeyLent = "key_lent",
        /// To the site's butlers: a lent key is past its due date (a job finds them).
        KeyLoanOverdue = "key_loan_overdue",
        /// To the depositor: the key they deposited was collected (R-KEY-4).
        KeyCollected = "key_collected",
        /// To an endpoint's managers: a webhook delivery was given up after 3 days and the
        /// endpoint is marked failing.
        WebhookFailing = "webhook_failing",
        /// To the residents of a unit: the hot-water renewal notice (热水续费通知书), their
        /// balance fell below the site's threshold (R-HW-4).
        HotWaterRenewal = "hot_water_renewal",
        /// To the residents of a unit (and, for a stop proposed, the site's managers): its
        /// hot-water supply limited, stopped or restored (R-HW-5).
        HotWaterSupply = "hot_water_supply",
        /// To the residents of a unit: a dunning letter for its hot-water arrears (R-HW-6).
        HotWaterDunning = "hot_water_dunning",
        /// To the residents of a metered unit: its hot-water meter is read in the quarter's
        /// window, 25th to 30th of its last month (R-HW-2).
        HotWaterReading = "hot_water_reading",
    }
}

text_enum! {
    /// How staff delivered a notice themselves.
    pub enum DeliveredVia {
        Phone = "phone",
        Paper = "paper",
        InPerson = "in_person",
    }
}

/// A notice to write: to whom, of what, about which site and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub recipient_id: UserId,
    pub kind: Kind,
    pub site_id: SiteId,
    pub unit_id: Option<UnitId>,
    /// Written in the recipient's language.
    pub message: Msg,
}

impl Notice {
    /// The same notice to each of `recipients`.
    pub fn to_each(
        recipients: impl IntoIterator<Item = UserId>,
        kind: Kind,
        site_id: SiteId,
        unit_id: Option<UnitId>,
        message: &Msg,
    ) -> Vec<Notice> {
        recipients
            .into_iter()
            .map(|recipient_id| Notice {
                recipient_id,
                kind,
                site_id,
                unit_id,
                message: message.clone(),
            })
            .collect()
    }
}

/// Writes the notices of an event on `subject_id`, in the caller's transaction: each
/// person once, and never the one who caused it (`actor`); with the outbox event of each.
pub fn notify(
    conn: &mut AnyConnection,
    subject: Subject,
    subject_id: i64,
    mut notices: Vec<Notice>,
    actor: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    notices.retain(|n| Some(n.recipient_id) != actor);
    let mut seen = std::collections::HashSet::new();
    notices.retain(|n| seen.insert((n.recipient_id, n.kind)));
    if notices.is_empty() {
        return Ok(());
    }
    let ids = repo::insert(conn, subject, subject_id, &notices, utc(now))?;
    for (id, notice) in ids.into_iter().zip(notices) {
        let event = NotificationCreated {
            id,
            recipient_id: notice.recipient_id,
            kind: notice.kind.as_str(),
            subject,
            subject_id,
            site_id: notice.site_id,
            unit_id: notice.unit_id,
        };
        outbox::record(
            conn,
            EventType::NotificationCreated,
            notice.site_id,
            &event,
            now,
        )?;
    }
    Ok(())
}

/// A notification as its recipient, or the staff who deliver it, see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 42, "kind": "ticket_dispatched", "subject": "ticket", "subject_id": 7,
    "site_id": 1, "unit_id": 3, "message": "BX-20261123-0001: an engineer is assigned to your repair",
    "created_at": "2026-11-23T10:05:00Z", "read_at": null, "delivery": null
}))]
pub struct Notification {
    pub id: i64,
    pub kind: Kind,
    /// What it is about: a ticket or a complaint, by `subject_id`.
    pub subject: Subject,
    pub subject_id: i64,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    /// When the recipient marked it read; `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
    /// Set when staff delivered it by phone, on paper or in person.
    pub delivery: Option<Delivery>,
}

/// Who delivered a notice themselves, how and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    #[schema(value_type = i64)]
    pub by: UserId,
    pub via: DeliveredVia,
    pub at: DateTime<Utc>,
}

/// `GET /me/notifications` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// `true`: only those not read yet.
    pub unread: Option<bool>,
}

/// How many notifications the caller has not read.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

/// How many notifications `read-all` marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: i64,
}

/// A delivery staff made themselves.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDelivery {
    pub via: DeliveredVia,
}
