//! Who lives where: residents' memberships of units (owner, family, tenant), and the
//! caller's own profile with their sites and current homes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::model::*;
use super::repo::{self, MembershipRow, NewMembershipRow};
use super::service::{load_user, visible_user};
use crate::access::{Actor, Role};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup, Precondition};
use crate::idempotency::{self, Answer};
use crate::ids::UnitId;
use crate::sites;
use crate::state::AppState;
use crate::units;

/// Since when a resident reads a unit's history (a key's chain, the hot-water ledger): the
/// start of their current membership of the unit, so a new owner never sees the last
/// owner's. `None` for staff, who read all of it.
pub fn resident_since(
    conn: &mut AnyConnection,
    actor: &Actor,
    unit_id: UnitId,
    today: NaiveDate,
) -> Result<Option<NaiveDateTime>, AppError> {
    if actor.role.is_staff() {
        return Ok(None);
    }
    let start = repo::memberships_of_user(conn, actor.user_id)?
        .into_iter()
        .filter(|(m, _)| {
            m.unit_id == unit_id && membership_is_current(m.start_date, m.end_date, today)
        })
        .map(|(m, _)| m.start_date)
        .min()
        .ok_or(AppError::NotFound("unit"))?;
    Ok(Some(start.and_time(chrono::NaiveTime::MIN)))
}

/// A membership as the API shows it.
pub fn to_membership(
    row: MembershipRow,
    display_name: String,
    today: NaiveDate,
) -> Result<Membership, AppError> {
    Ok(Membership {
        current: membership_is_current(row.start_date, row.end_date, today),
        id: row.id,
        unit_id: row.unit_id,
        user_id: row.user_id,
        display_name,
        relation: row.relation,
        start_date: row.start_date,
        end_date: row.end_date,
    })
}

pub async fn me(state: &AppState, actor: &Actor) -> Result<Me, AppError> {
    let actor = actor.clone();
    let today = state.now().date_naive();
    db::read(&state.pool, move |conn| {
        let row = repo::find(conn, actor.user_id)?.ok_or(AppError::NotFound("user"))?;
        let user = load_user(conn, row)?;
        let site_ids = if actor.is_company_wide() {
            None
        } else {
            Some(user.site_ids.clone())
        };
        let sites = match site_ids {
            Some(ids) if ids.is_empty() => Vec::new(),
            Some(ids) => sites::repo::names(conn, &ids)?,
            None => sites::repo::all_names(conn)?,
        }
        .into_iter()
        .map(|(id, name)| SiteRef { id, name })
        .collect();
        let units = repo::memberships_of_user(conn, actor.user_id)?
            .into_iter()
            .filter(|(m, _)| membership_is_current(m.start_date, m.end_date, today))
            .map(|(membership, unit)| MyUnit {
                membership_id: membership.id,
                relation: membership.relation,
                start_date: membership.start_date,
                end_date: membership.end_date,
                unit: unit.into(),
            })
            .collect();
        Ok(Me { user, sites, units })
    })
    .await
}

pub async fn unit_members(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
) -> Result<Vec<Membership>, AppError> {
    let actor = actor.clone();
    let today = state.now().date_naive();
    db::read(&state.pool, move |conn| {
        units::service::visible_unit(conn, &actor, unit_id, today)?;
        repo::memberships_of_unit(conn, unit_id)?
            .into_iter()
            .map(|(m, user)| to_membership(m, user.display_name, today))
            .collect()
    })
    .await
}

pub async fn add_membership(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewMembership,
) -> Result<Membership, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        add(conn, &actor, unit_id, input, now)
    })
    .await
}

/// Adds the membership inside the caller's transaction: on its own, or as a step of a
/// move-in.
pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    unit_id: UnitId,
    input: NewMembership,
    now: DateTime<Utc>,
) -> Result<Membership, AppError> {
    let today = now.date_naive();
    let unit = units::service::visible_unit(conn, actor, unit_id, today)?;
    if !unit.active {
        return Err(AppError::precondition(
            Precondition::UnitInactive,
            "the unit is deactivated",
        ));
    }
    let user = visible_user(conn, actor, input.user_id)
        .found()?
        .filter(|u| u.role == Role::Resident && u.active)
        .ok_or_else(|| AppError::field("user_id", "no active resident with this id among yours"))?;
    let start_date = input.start_date.unwrap_or(today);
    if input.end_date.is_some_and(|end| end <= start_date) {
        return Err(AppError::field("end_date", "must be after start_date"));
    }
    if repo::open_memberships(conn, unit.id, user.id, today)? > 0 {
        return Err(AppError::precondition(
            Precondition::AlreadyMember,
            "this resident already belongs to the unit; end that membership first",
        ));
    }
    let row = repo::insert_membership(
        conn,
        NewMembershipRow {
            unit_id: unit.id,
            user_id: user.id,
            relation: input.relation,
            start_date,
            end_date: input.end_date,
            created_at: utc(now),
        },
    )?;
    to_membership(row, user.display_name, today)
}

pub async fn end_membership(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: EndMembership,
) -> Result<Membership, AppError> {
    let actor = actor.clone();
    let today = state.now().date_naive();
    idempotency::transaction(state, Answer::Done, move |conn| {
        let membership =
            repo::find_membership(conn, id)?.ok_or(AppError::NotFound("membership"))?;
        units::service::visible_unit(conn, &actor, membership.unit_id, today)
            .missing_as(|| AppError::NotFound("membership"))?;
        if membership.end_date.is_some_and(|end| end <= today) {
            return Err(AppError::precondition(
                Precondition::MembershipEnded,
                "the membership has already ended",
            ));
        }
        let end_date = input.end_date.unwrap_or(today);
        if end_date < membership.start_date {
            return Err(AppError::field("end_date", "must not be before start_date"));
        }
        let row = repo::end_membership(conn, id, end_date)?;
        let user = repo::find(conn, row.user_id)?.ok_or(AppError::NotFound("user"))?;
        to_membership(row, user.display_name, today)
    })
    .await
}
