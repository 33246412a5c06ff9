//! Who may see and do what: roles, the calling actor, the sites and units their work covers.
//!
//! The bottom of the house: every capability asks here whether an actor may see a site, a
//! unit, a person or a record of one, and which rows a list may show. It depends on nothing
//! above the database, so auth, users, sites and units can all build on it.

pub mod permissions;
pub mod rates;
pub mod repo;
pub mod tokens;

pub use permissions::Permission;

use chrono::NaiveDate;
use diesel::QueryResult;

use crate::db::AnyConnection;
use crate::ids::{SiteId, UnitId, UserId};
use crate::text_enum;

text_enum! {
    /// What a user may do; see the permission matrix in the README.
    pub enum Role {
        Resident = "resident",
        Butler = "butler",
        Engineer = "engineer",
        Manager = "manager",
    }
}

impl Role {
    pub fn is_staff(self) -> bool {
        self != Role::Resident
    }
}

/// The authenticated caller, as the access token states it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    /// Sites a staff member works for; empty for residents and company-wide managers.
    pub sites: Vec<SiteId>,
}

/// The sites a staff member's lists cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteScope {
    /// A company-wide manager: every site.
    All,
    Only(Vec<SiteId>),
}

impl SiteScope {
    pub fn covers(&self, site_id: SiteId) -> bool {
        match self {
            SiteScope::All => true,
            SiteScope::Only(sites) => sites.contains(&site_id),
        }
    }
}

/// The rows a list may show the actor: staff see their sites, residents the units they
/// live in today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Sites(SiteScope),
    Units(Vec<UnitId>),
}

impl Actor {
    /// A manager linked to no site oversees the whole company.
    pub fn is_company_wide(&self) -> bool {
        self.role == Role::Manager && self.sites.is_empty()
    }

    /// Whether this staff member's work covers the site. Residents cover no site: their
    /// reach is their units.
    pub fn covers_site(&self, site_id: SiteId) -> bool {
        self.role.is_staff() && self.site_scope().covers(site_id)
    }

    /// The site a list is asked for: the one named, or else a staff member's only site;
    /// `None` when the caller must name one (several sites, or company-wide).
    pub fn named_or_only_site(&self, named: Option<SiteId>) -> Option<SiteId> {
        named.or(match self.sites.as_slice() {
            [only] if self.role.is_staff() => Some(*only),
            _ => None,
        })
    }

    /// The sites a staff member's lists cover.
    pub fn site_scope(&self) -> SiteScope {
        if self.is_company_wide() {
            SiteScope::All
        } else {
            SiteScope::Only(self.sites.clone())
        }
    }
}

/// What lists may show the actor on `today`.
pub fn reach(conn: &mut AnyConnection, actor: &Actor, today: NaiveDate) -> QueryResult<Reach> {
    if actor.role.is_staff() {
        Ok(Reach::Sites(actor.site_scope()))
    } else {
        repo::current_unit_ids(conn, actor.user_id, today).map(Reach::Units)
    }
}

/// May the actor see a record of `site_id`, filed for `unit_id` (none for public areas)?
/// Staff of the site may; a resident may for a unit they live in today.
pub fn may_see_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    site_id: SiteId,
    unit_id: Option<UnitId>,
    today: NaiveDate,
) -> QueryResult<bool> {
    if actor.role.is_staff() {
        return Ok(actor.covers_site(site_id));
    }
    match unit_id {
        Some(unit) => Ok(repo::current_unit_ids(conn, actor.user_id, today)?.contains(&unit)),
        None => Ok(false),
    }
}

/// May the actor see the site's shared records (its public summary, its public areas)?
/// Staff of the site may, and residents who live there today.
pub fn may_see_site(
    conn: &mut AnyConnection,
    actor: &Actor,
    site_id: SiteId,
    today: NaiveDate,
) -> QueryResult<bool> {
    if actor.role.is_staff() {
        Ok(actor.covers_site(site_id))
    } else {
        repo::lives_on_site(conn, actor.user_id, site_id, today)
    }
}

/// May the actor see this person? Themselves; a company-wide manager everyone; staff the
/// people of their sites (staff working there, residents who live or lived there).
pub fn may_see_person(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: UserId,
    role: Role,
) -> QueryResult<bool> {
    if user_id == actor.user_id || actor.is_company_wide() {
        return Ok(true);
    }
    if !actor.role.is_staff() {
        return Ok(false);
    }
    let their_sites = if role.is_staff() {
        repo::staff_site_ids(conn, user_id)?
    } else {
        repo::resident_site_ids(conn, user_id)?
    };
    Ok(their_sites.iter().any(|s| actor.sites.contains(s)))
}

/// The display name of `user_id` if they are active staff in `role` working for `site_id`
/// (a manager linked to no site is company-wide, so works for every site).
pub fn staff_of_site(
    conn: &mut AnyConnection,
    user_id: UserId,
    role: Role,
    site_id: SiteId,
) -> QueryResult<Option<String>> {
    Ok(staff_working_for(conn, user_id, site_id)?
        .filter(|person| person.role == role)
        .map(|person| person.display_name))
}

/// `user_id` if they are active staff, of any role, working for `site_id` (a manager
/// linked to no site works for every site).
pub fn staff_working_for(
    conn: &mut AnyConnection,
    user_id: UserId,
    site_id: SiteId,
) -> QueryResult<Option<repo::Person>> {
    let Some(person) = repo::find_person(conn, user_id)? else {
        return Ok(None);
    };
    if !person.active || !person.role.is_staff() || person.integration {
        return Ok(None);
    }
    let sites = repo::staff_site_ids(conn, user_id)?;
    let works_there =
        sites.contains(&site_id) || (person.role == Role::Manager && sites.is_empty());
    Ok(works_there.then_some(person))
}

/// A set of roles a route admits. The route table names one per handler, so it reads
/// like the permission matrix in the README.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

macro_rules! role_set {
    ($(#[$meta:meta])* $name:ident = [$($role:ident),+]) => {
        $(#[$meta])*
        pub struct $name;
        impl RoleSet for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        }
    };
}

role_set!(
    /// Anyone signed in.
    AnyRole = [Resident, Butler, Engineer, Manager]
);
role_set!(
    /// Every member of staff, engineers included.
    Staff = [Butler, Engineer, Manager]
);
role_set!(
    /// The customer-service desk: butlers and managers.
    Desk = [Butler, Manager]
);
role_set!(
    /// Managers only.
    ManagerOnly = [Manager]
);
role_set!(
    /// Engineers only: the handheld's actions.
    EngineerOnly = [Engineer]
);
role_set!(
    /// Residents only: acceptance and ratings are theirs to give.
    ResidentOnly = [Resident]
);
role_set!(
    /// A resident about their own home, or the desk.
    ResidentOrDesk = [Resident, Butler, Manager]
);

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, sites: Vec<i64>) -> Actor {
        Actor {
            user_id: UserId::new(1),
            role,
            sites: sites.into_iter().map(SiteId::new).collect(),
        }
    }

    #[test]
    fn a_manager_without_sites_covers_every_site_and_others_only_theirs() {
        assert_eq!(actor(Role::Manager, vec![]).site_scope(), SiteScope::All);
        assert!(actor(Role::Manager, vec![]).covers_site(SiteId::new(99)));
        let butler = actor(Role::Butler, vec![2]);
        assert_eq!(butler.site_scope(), SiteScope::Only(vec![SiteId::new(2)]));
        assert!(butler.covers_site(SiteId::new(2)) && !butler.covers_site(SiteId::new(3)));
        // A butler with no site covers none: only managers are company-wide.
        assert!(!actor(Role::Butler, vec![]).covers_site(SiteId::new(2)));
        assert!(!actor(Role::Resident, vec![2]).covers_site(SiteId::new(2)));
    }

    #[test]
    fn a_list_asks_for_the_named_site_or_else_the_only_one() {
        let one = actor(Role::Butler, vec![2]);
        assert_eq!(one.named_or_only_site(None), Some(SiteId::new(2)));
        assert_eq!(
            one.named_or_only_site(Some(SiteId::new(3))),
            Some(SiteId::new(3))
        );
        assert_eq!(
            actor(Role::Butler, vec![2, 3]).named_or_only_site(None),
            None
        );
        assert_eq!(actor(Role::Manager, vec![]).named_or_only_site(None), None);
    }
}
