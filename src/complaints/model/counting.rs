//! R-CMP-16: counting the people who complained about one event. A resident with an account
//! is the same person as their account; a named person without one is told apart by phone,
//! else by name; anonymous complainants cannot be told apart, so each is a new person.

use super::ComplainantKind;
use crate::contact::{name_key, normalize_phone};
use crate::ids::UserId;

/// Who complained, as far as telling people apart goes.
#[derive(Debug, Clone, Copy)]
pub enum Person<'a> {
    Account(UserId),
    Named {
        name: &'a str,
        phone: Option<&'a str>,
    },
    Anonymous,
}

impl<'a> Person<'a> {
    /// From a complaint's complainant columns. A named complainant always has a name
    /// (intake requires one); a resident always has an account.
    pub fn of(
        kind: ComplainantKind,
        user_id: Option<UserId>,
        name: Option<&'a str>,
        phone: Option<&'a str>,
    ) -> Person<'a> {
        match (kind, user_id) {
            (ComplainantKind::Resident, Some(id)) => Person::Account(id),
            (ComplainantKind::Named, _) => Person::Named {
                name: name.unwrap_or(""),
                phone,
            },
            _ => Person::Anonymous,
        }
    }

    /// Whether both are known to be the same person. Named people match by phone when both
    /// gave one (so two people of one name with two phones are two), otherwise by name,
    /// ignoring case and white space.
    pub fn same_as(&self, other: &Person) -> bool {
        match (self, other) {
            (Person::Account(a), Person::Account(b)) => a == b,
            (Person::Named { name: a, phone: pa }, Person::Named { name: b, phone: pb }) => {
                match (pa, pb) {
                    (Some(pa), Some(pb)) => normalize_phone(pa) == normalize_phone(pb),
                    _ => name_key(a) == name_key(b),
                }
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named<'a>(name: &'a str, phone: Option<&'a str>) -> Person<'a> {
        Person::Named { name, phone }
    }

    // R-CMP-16
    #[test]
    fn people_are_told_apart_by_account_phone_or_name() {
        assert!(Person::Account(UserId::new(7)).same_as(&Person::Account(UserId::new(7))));
        assert!(!Person::Account(UserId::new(7)).same_as(&Person::Account(UserId::new(8))));
        let li = named("Ms Li", Some("13800138000"));
        assert!(
            li.same_as(&named("Li Na", Some("138 0013-8000"))),
            "by phone"
        );
        assert!(
            !li.same_as(&named("Ms Li", Some("13900139000"))),
            "two phones"
        );
        assert!(li.same_as(&named(" ms  LI ", None)), "by name");
        assert!(named("李 明", None).same_as(&named("李明", None)));
        assert!(!li.same_as(&named("Mr Zhao", None)));
        assert!(!Person::Anonymous.same_as(&Person::Anonymous));
        assert!(!Person::Account(UserId::new(7)).same_as(&named("Ms Li", None)));
        assert!(matches!(
            Person::of(ComplainantKind::Anonymous, None, None, None),
            Person::Anonymous
        ));
    }
}
