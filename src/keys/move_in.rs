//! Move-in (入住): the desk registers a new owner's membership of the unit, opens their
//! archive with the site's checklist (R-ARC-1) and issues them the entry-door and mailbox
//! keys (R-KEY-1), in one transaction: all of it or none. Hot-water billing will register
//! the meter's first reading here once it exists.

use std::collections::HashSet;

use super::dto::{MoveIn, NewMoveIn};
use super::model::Holder;
use super::repo::{self, KeyRow};
use super::service::handoffs::issue_at_move_in;
use super::service::keys_view;
use super::{KeyKind, KeyStatus};
use crate::access::Actor;
use crate::archives::dto::NewArchive;
use crate::db::AnyConnection;
use crate::error::{AppError, FieldError, Precondition};
use crate::hot_water;
use crate::idempotency::{self, Answer};
use crate::ids::{KeyId, UnitId};
use crate::state::AppState;
use crate::users::model::{membership_is_current, NewMembership, Relation};
use crate::{archives, units, users};

/// The keys a move-in issues: those named, each of the unit and in use; by default every
/// entry-door and mailbox key of the unit the desk holds. At least one of each kind.
fn keys_to_issue(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    named: Option<Vec<KeyId>>,
) -> Result<Vec<KeyRow>, AppError> {
    let of_unit = repo::keys_of_unit(conn, unit_id)?;
    let keys: Vec<KeyRow> = match named {
        Some(ids) => {
            let mut seen = HashSet::new();
            let mut errors = Vec::new();
            let mut keys = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                match of_unit.iter().find(|k| k.id == *id) {
                    Some(key) if seen.insert(*id) => keys.push(key.clone()),
                    Some(_) => errors.push(FieldError {
                        field: format!("key_ids[{i}]"),
                        message: "is named twice".into(),
                    }),
                    None => errors.push(FieldError {
                        field: format!("key_ids[{i}]"),
                        message: "no key of this unit".into(),
                    }),
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            keys
        }
        None => of_unit
            .into_iter()
            .filter(|k| {
                k.status == KeyStatus::InUse
                    && matches!(k.kind, KeyKind::EntryDoor | KeyKind::Mailbox)
                    && k.holder().is_ok_and(|h| h.is_company())
            })
            .collect(),
    };
    let has = |kind| keys.iter().any(|k| k.kind == kind);
    if !has(KeyKind::EntryDoor) || !has(KeyKind::Mailbox) {
        return Err(AppError::precondition(
            Precondition::MoveInKeysMissing,
            "a move-in issues at least one entry-door key and one mailbox key that the desk \
             holds: register them in the unit's inventory first",
        ));
    }
    Ok(keys)
}

/// The membership's field errors, named as the move-in's body names them.
fn as_owner_field(error: AppError) -> AppError {
    match error {
        AppError::Validation(errors) => AppError::Validation(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: if e.field == "user_id" {
                        "owner_id".into()
                    } else {
                        e.field
                    },
                    message: e.message,
                })
                .collect(),
        ),
        other => other,
    }
}

/// Moves a new owner in: membership, archive, keys, in one transaction. The membership is
/// made here, or is the one the owner's account was made with; 409 `owner_in_residence`
/// while another owner of the unit has not moved out.
pub async fn move_in(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewMoveIn,
) -> Result<MoveIn, AppError> {
    let (actor, now, vault) = (actor.clone(), state.now(), state.pii.clone());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let today = now.date_naive();
        units::service::visible_unit(conn, &actor, unit_id, today)?;
        // The owner's own membership, if their account was made with it, is the one moved
        // in; another owner's still open is a move-in too early.
        let mut own = None;
        for (m, user) in users::repo::memberships_of_unit(conn, unit_id)? {
            if m.relation != Relation::Owner
                || !membership_is_current(m.start_date, m.end_date, today)
            {
                continue;
            }
            if m.user_id != input.owner_id {
                return Err(AppError::precondition(
                    Precondition::OwnerInResidence,
                    "the unit's owner has not moved out: end their membership first",
                ));
            }
            own = Some(users::memberships::to_membership(
                m,
                user.display_name,
                today,
            )?);
        }
        let membership = match own {
            Some(membership) => membership,
            None => users::memberships::add(
                conn,
                &actor,
                unit_id,
                NewMembership {
                    user_id: input.owner_id,
                    relation: Relation::Owner,
                    start_date: None,
                    end_date: None,
                },
                now,
            )
            .map_err(as_owner_field)?,
        };
        let archive = archives::service::register(
            conn,
            &actor,
            &vault,
            NewArchive {
                unit_id,
                owner_id: input.owner_id,
                id_number: input.id_number,
                moved_in_at: None,
                staff_note: input.staff_note,
            },
            now,
        )?;
        let mut issued = Vec::new();
        for key in keys_to_issue(conn, unit_id, input.key_ids)? {
            issued.push(issue_at_move_in(
                conn,
                &actor,
                key.id,
                Holder::Resident(input.owner_id),
                now,
            )?);
        }
        let hot_water_meter = match input.hot_water_meter {
            Some(meter) => Some(
                hot_water::meters::register_in(conn, &actor, unit_id, meter, now)
                    .map_err(|e| e.within("hot_water_meter"))?,
            ),
            None => None,
        };
        Ok(MoveIn {
            membership,
            archive,
            keys: keys_view(conn, issued)?,
            hot_water_meter,
        })
    })
    .await
}
