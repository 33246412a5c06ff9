//! The rules of keys as plain values: the holder's four forms, which actions a key's status
//! allows, who answers for an incident (R-KEY-5), whether a collector is one the depositor
//! named (R-KEY-4), and a loan's due date (R-KEY-2). No database here.

use chrono::{DateTime, Duration, Utc};

use super::{HolderKind, IncidentKind, KeyAction, KeyStatus};
use crate::contact::{name_key, normalize_phone};
use crate::ids::UserId;

/// The longest a key is lent: the developer's repairs take about a week.
pub const MAX_LOAN_DAYS: i64 = 30;

/// Who holds a key: exactly one of four forms, as the key row's CHECK admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    Resident(UserId),
    Staff(UserId),
    /// A named outside party, with a phone if given.
    External {
        name: String,
        phone: Option<String>,
    },
    /// A slot of the desk's deposit cabinet.
    Cabinet {
        slot: String,
    },
}

/// A holder's columns: kind, account, name, phone, cabinet slot.
pub type HolderColumns = (
    HolderKind,
    Option<UserId>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Holder {
    pub fn kind(&self) -> HolderKind {
        match self {
            Holder::Resident(_) => HolderKind::Resident,
            Holder::Staff(_) => HolderKind::Staff,
            Holder::External { .. } => HolderKind::External,
            Holder::Cabinet { .. } => HolderKind::Cabinet,
        }
    }

    /// The account of a resident or staff holder.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Holder::Resident(id) | Holder::Staff(id) => Some(*id),
            _ => None,
        }
    }

    /// The company holds it: a staff member or the cabinet.
    pub fn is_company(&self) -> bool {
        matches!(self, Holder::Staff(_) | Holder::Cabinet { .. })
    }

    pub fn columns(&self) -> HolderColumns {
        match self {
            Holder::Resident(id) => (HolderKind::Resident, Some(*id), None, None, None),
            Holder::Staff(id) => (HolderKind::Staff, Some(*id), None, None, None),
            Holder::External { name, phone } => (
                HolderKind::External,
                None,
                Some(name.clone()),
                phone.clone(),
                None,
            ),
            Holder::Cabinet { slot } => (HolderKind::Cabinet, None, None, None, Some(slot.clone())),
        }
    }

    /// The holder stored in `columns`; `None` where they are not one form (the database's
    /// CHECK never lets that happen).
    pub fn from_columns(columns: HolderColumns) -> Option<Holder> {
        match columns {
            (HolderKind::Resident, Some(id), None, None, None) => Some(Holder::Resident(id)),
            (HolderKind::Staff, Some(id), None, None, None) => Some(Holder::Staff(id)),
            (HolderKind::External, None, Some(name), phone, None) => {
                Some(Holder::External { name, phone })
            }
            (HolderKind::Cabinet, None, None, None, Some(slot)) => Some(Holder::Cabinet { slot }),
            _ => None,
        }
    }

    /// Whether a holder as someone names it is this one: accounts by id, outside parties by
    /// name (ignoring case and white space) and phone where both give one, cabinet slots
    /// ignoring case.
    pub fn is(&self, named: &Holder) -> bool {
        match (self, named) {
            (Holder::Resident(a), Holder::Resident(b)) | (Holder::Staff(a), Holder::Staff(b)) => {
                a == b
            }
            (
                Holder::External { name, phone },
                Holder::External {
                    name: named_name,
                    phone: named_phone,
                },
            ) => {
                name_key(name) == name_key(named_name)
                    && match (phone, named_phone) {
                        (Some(a), Some(b)) => normalize_phone(a) == normalize_phone(b),
                        _ => true,
                    }
            }
            (Holder::Cabinet { slot }, Holder::Cabinet { slot: named }) => {
                slot.eq_ignore_ascii_case(named)
            }
            _ => false,
        }
    }
}

/// The status a key's action leads to, or `None` where it is not allowed: a key out of
/// circulation changes hands no more.
pub fn after(status: KeyStatus, action: KeyAction) -> Option<KeyStatus> {
    use KeyAction::*;
    match (status, action) {
        (KeyStatus::InUse, ReportLost) => Some(KeyStatus::Lost),
        (KeyStatus::InUse, ReportDamaged) => Some(KeyStatus::Damaged),
        (
            KeyStatus::InUse,
            Issue | Lend | Return | Deposit | PickUp | Transfer | ReportWrongHandout,
        ) => Some(KeyStatus::InUse),
        _ => None,
    }
}

/// The link of the chain an incident is weighed against: the last handoff of the key.
#[derive(Debug, Clone)]
pub struct LastHandoff {
    /// The giver; `None` for the key's registration.
    pub from: Option<Holder>,
    /// Who recorded it: the staff member at the cabinet when one side is the cabinet.
    pub recorded_by: UserId,
}

/// Who answers for an incident (R-KEY-5): the holder at that moment, and the staff member
/// who answers for it, if staff held it. A loss or damage is the current holder's; a
/// wrong hand-out is the giver's of the last handoff, who held the key when it went to the
/// wrong hands. A key in the cabinet is the desk's: the staff member who put it there or
/// took it out answers. `None` for a wrong hand-out of a key never handed out.
pub fn accountable(
    kind: IncidentKind,
    holder_now: &Holder,
    last: &LastHandoff,
) -> Option<(Holder, Option<UserId>)> {
    let holder = match kind {
        IncidentKind::Lost | IncidentKind::Damaged => holder_now.clone(),
        IncidentKind::WrongHandout => last.from.clone()?,
    };
    let staff = match &holder {
        Holder::Staff(id) => Some(*id),
        Holder::Cabinet { .. } => Some(last.recorded_by),
        Holder::Resident(_) | Holder::External { .. } => None,
    };
    Some((holder, staff))
}

/// A person as a deposit's authorisation names them, or as they present at pick-up.
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    pub name: &'a str,
    pub phone: &'a str,
}

/// Whether the collector is one the authorisation names (R-KEY-4): the same name (ignoring
/// case and white space) and the same phone. A name alone is not enough to hand out a key.
pub fn authorised(collector: Person, named: &[Person]) -> bool {
    named.iter().any(|p| {
        name_key(p.name) == name_key(collector.name)
            && normalize_phone(p.phone) == normalize_phone(collector.phone)
    })
}

/// Whether a loan's due date is acceptable: in the future, at most [`MAX_LOAN_DAYS`] ahead.
pub fn due_back_ok(due_back: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    due_back > now && due_back <= now + Duration::days(MAX_LOAN_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn external(name: &str, phone: Option<&str>) -> Holder {
        Holder::External {
            name: name.into(),
            phone: phone.map(Into::into),
        }
    }

    // R-KEY-3
    #[test]
    fn a_holder_is_one_form_and_round_trips_through_its_columns() {
        let holders = [
            Holder::Resident(UserId::new(4)),
            Holder::Staff(UserId::new(2)),
            external("Developer customer service", Some("4008001234")),
            external("Mr Wu", None),
            Holder::Cabinet {
                slot: "A-12".into(),
            },
        ];
        for holder in holders {
            assert_eq!(Holder::from_columns(holder.columns()), Some(holder.clone()));
        }
        // Two forms at once are no holder.
        assert_eq!(
            Holder::from_columns((
                HolderKind::Resident,
                Some(UserId::new(4)),
                None,
                None,
                Some("A-1".into())
            )),
            None
        );
        assert_eq!(
            Holder::from_columns((HolderKind::Staff, None, None, None, None)),
            None
        );
    }

    // R-KEY-3
    #[test]
    fn the_holder_someone_names_is_matched_by_account_name_and_phone_or_slot() {
        assert!(Holder::Staff(UserId::new(2)).is(&Holder::Staff(UserId::new(2))));
        assert!(!Holder::Staff(UserId::new(2)).is(&Holder::Resident(UserId::new(2))));
        let developer = external("Developer CS", Some("400 800-1234"));
        assert!(developer.is(&external(" developer  cs", Some("4008001234"))));
        assert!(developer.is(&external("Developer CS", None)));
        assert!(!developer.is(&external("Developer CS", Some("4008009999"))));
        assert!(!developer.is(&external("Mr Wu", Some("4008001234"))));
        assert!(Holder::Cabinet {
            slot: "a-12".into()
        }
        .is(&Holder::Cabinet {
            slot: "A-12".into()
        }));
        assert!(!Holder::Cabinet {
            slot: "A-12".into()
        }
        .is(&Holder::Cabinet {
            slot: "A-13".into()
        }));
    }

    #[test]
    fn a_key_out_of_circulation_changes_hands_no_more() {
        assert_eq!(
            after(KeyStatus::InUse, KeyAction::Lend),
            Some(KeyStatus::InUse)
        );
        assert_eq!(
            after(KeyStatus::InUse, KeyAction::ReportLost),
            Some(KeyStatus::Lost)
        );
        assert_eq!(
            after(KeyStatus::InUse, KeyAction::ReportDamaged),
            Some(KeyStatus::Damaged)
        );
        for action in KeyAction::ALL {
            assert_eq!(after(KeyStatus::Lost, *action), None);
            assert_eq!(after(KeyStatus::Damaged, *action), None);
        }
    }

    // R-KEY-5
    #[test]
    fn an_incident_is_the_holders_then_and_a_cabinet_key_is_the_desks() {
        let clerk = UserId::new(2);
        let butler = UserId::new(3);
        let from_cabinet = LastHandoff {
            from: Some(Holder::Cabinet { slot: "B-1".into() }),
            recorded_by: clerk,
        };
        let with_butler = Holder::Staff(butler);
        assert_eq!(
            accountable(IncidentKind::Lost, &with_butler, &from_cabinet),
            Some((with_butler.clone(), Some(butler)))
        );
        // Handed to the wrong person out of the cabinet: the clerk who took it out.
        let stranger = external("Somebody else", None);
        assert_eq!(
            accountable(IncidentKind::WrongHandout, &stranger, &from_cabinet),
            Some((Holder::Cabinet { slot: "B-1".into() }, Some(clerk)))
        );
        // Lost in the cabinet: who put it there.
        let in_cabinet = Holder::Cabinet { slot: "B-1".into() };
        let into_cabinet = LastHandoff {
            from: Some(Holder::Resident(UserId::new(9))),
            recorded_by: clerk,
        };
        assert_eq!(
            accountable(IncidentKind::Damaged, &in_cabinet, &into_cabinet),
            Some((in_cabinet.clone(), Some(clerk)))
        );
        // A resident's own loss is no staff member's.
        let owner = Holder::Resident(UserId::new(9));
        assert_eq!(
            accountable(IncidentKind::Lost, &owner, &into_cabinet),
            Some((owner, None))
        );
        let registered = LastHandoff {
            from: None,
            recorded_by: clerk,
        };
        assert_eq!(
            accountable(IncidentKind::WrongHandout, &in_cabinet, &registered),
            None
        );
    }

    // R-KEY-4
    #[test]
    fn a_collector_must_be_named_with_their_phone() {
        let named = [
            Person {
                name: "Zhang Wei",
                phone: "13800138000",
            },
            Person {
                name: "李明",
                phone: "13900139000",
            },
        ];
        let at_counter = |name, phone| authorised(Person { name, phone }, &named);
        assert!(at_counter("zhang  wei", "138 0013-8000"));
        assert!(at_counter("李 明", "13900139000"));
        assert!(!at_counter("Zhang Wei", "13900139000"), "another's phone");
        assert!(!at_counter("Wang Fang", "13800138000"), "another name");
    }

    // R-KEY-2
    #[test]
    fn a_loan_is_due_in_the_future_and_within_a_month() {
        let now = DateTime::parse_from_rfc3339("2026-12-05T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(due_back_ok(now + Duration::days(7), now));
        assert!(!due_back_ok(now, now));
        assert!(!due_back_ok(now - Duration::hours(1), now));
        assert!(!due_back_ok(now + Duration::days(31), now));
    }
}
