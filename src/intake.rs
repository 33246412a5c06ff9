//! What every intake does the same way, whatever it records (a repair report, a complaint;
//! next an archive's document, a key deposit): how it came in, which site and unit it is
//! about, its readable number on the site's local day, and its first timeline entry.

use chrono::{DateTime, NaiveDate, Utc};

use crate::access::{self, Actor, Role};
use crate::contact::Phone;
use crate::db::{utc, AnyConnection};
use crate::error::{AppError, Lookup};
use crate::i18n::Msg;
use crate::ids::{SiteId, UnitId, UserId};
use crate::outbox::{self, StatusChanged};
use crate::text_enum::TextEnum;
use crate::timeline::{self, Step, Subject};
use crate::units::repo::UnitRow;
use crate::users::repo as users_repo;
use crate::{sites, units};

/// How a record came in (R-TKT-1, R-CMP-1): a resident's own comes by the app; staff say
/// which channel brought it (`staff_default` when they may leave it out), never the app.
pub fn channel<C: TextEnum + std::fmt::Display>(
    actor: &Actor,
    given: Option<C>,
    app: C,
    staff_default: Option<C>,
    records: &'static str,
) -> Result<C, AppError> {
    if actor.role == Role::Resident {
        return Ok(app);
    }
    match given.or(staff_default) {
        Some(channel) if channel == app => Err(AppError::field(
            "channel",
            Msg::new("%{channel} is for residents' own %{records}")
                .arg("channel", app)
                .term("records", records),
        )),
        Some(channel) => Ok(channel),
        None => Err(AppError::field("channel", "required for staff intake")),
    }
}

/// Who may file a record about a site as a whole, with no unit.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SiteWide {
    /// Staff of the site (public-area repairs).
    Staff,
    /// Staff of the site and residents who live there (complaints about the estate).
    StaffAndResidents,
}

/// Where a record is: its site and, in a home, the unit.
pub struct Place {
    pub site_id: SiteId,
    pub unit: Option<UnitRow>,
}

/// The active unit the actor may see (and, if a site is named too, of that site), or else
/// the site as a whole as `site_wide` allows; a field error naming what is not theirs.
pub fn place(
    conn: &mut AnyConnection,
    actor: &Actor,
    unit_id: Option<UnitId>,
    site_id: Option<SiteId>,
    site_wide: SiteWide,
    today: NaiveDate,
) -> Result<Place, AppError> {
    if let Some(unit_id) = unit_id {
        let unit = units::service::visible_unit(conn, actor, unit_id, today)
            .found()?
            .filter(|u| u.active && site_id.is_none_or(|s| s == u.site_id))
            .ok_or_else(|| AppError::field("unit_id", "no active unit with this id among yours"))?;
        return Ok(Place {
            site_id: unit.site_id,
            unit: Some(unit),
        });
    }
    let site_id = site_id.ok_or_else(|| AppError::field("site_id", "give site_id or unit_id"))?;
    let allowed = match site_wide {
        SiteWide::Staff => sites::service::visible_site(conn, actor, site_id)
            .found()?
            .is_some(),
        // A company-wide manager may see every site, even one that does not exist.
        SiteWide::StaffAndResidents => {
            access::may_see_site(conn, actor, site_id, today)?
                && sites::repo::find(conn, site_id)?.is_some()
        }
    };
    if !allowed {
        return Err(AppError::field(
            "site_id",
            "no site with this id among yours",
        ));
    }
    Ok(Place {
        site_id,
        unit: None,
    })
}

/// The phone to reach someone on: the one given, else their account's.
pub fn phone_or_own(
    conn: &mut AnyConnection,
    user_id: UserId,
    given: Option<Phone>,
) -> Result<Option<String>, AppError> {
    if let Some(phone) = given {
        return Ok(Some(phone.into()));
    }
    Ok(users_repo::find(conn, user_id)?.and_then(|u| u.phone))
}

/// A record's first timeline entry: the intake action, the status it starts in, a note.
pub struct FirstStep {
    pub action: &'static str,
    pub status: &'static str,
    pub note: String,
}

/// Writes the first timeline entry of record `id` of `site_id`, taken in by `actor`, and
/// the outbox event of its first status.
pub fn record_first_step(
    conn: &mut AnyConnection,
    subject: Subject,
    id: impl Into<i64>,
    site_id: SiteId,
    actor: &Actor,
    first: FirstStep,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let id = id.into();
    outbox::status_changed(
        conn,
        StatusChanged {
            subject,
            id,
            site_id,
            action: first.action,
            from_status: None,
            to_status: first.status,
            actor_id: Some(actor.user_id),
        },
        now,
    )?;
    timeline::repo::record(
        conn,
        subject,
        id,
        Step {
            actor_id: Some(actor.user_id),
            action: first.action,
            from_status: None,
            to_status: Some(first.status),
            note: Some(first.note),
        },
        utc(now),
    )?;
    Ok(())
}
