//! Account rules. Managers manage everyone in their scope; butlers manage the residents of
//! their sites; a staff member sees the people of their sites; nobody learns that an id
//! outside their reach exists.

use super::model::*;
use super::repo::{self, NewMembershipRow, NewUserRow, UserRow, UserUpdate};
use crate::access::{self, Actor, Role};
use crate::auth::credentials::{check_password, check_username};
use crate::auth::{self, password};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup, Precondition, Validator};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{SiteId, UserId};
use crate::pagination::{Page, PageRequest};
use crate::sites;
use crate::state::AppState;
use crate::units;

pub fn to_user(row: UserRow, site_ids: Vec<SiteId>) -> Result<User, AppError> {
    Ok(User {
        id: row.id,
        role: row.role,
        username: row.username,
        phone: row.phone,
        display_name: row.display_name,
        active: row.active,
        language: row.language,
        site_ids,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

pub(super) fn load_user(conn: &mut AnyConnection, row: UserRow) -> Result<User, AppError> {
    // Residents work for no site; their homes are their memberships.
    let sites = if row.role.is_staff() {
        access::repo::staff_site_ids(conn, row.id)?
    } else {
        Vec::new()
    };
    to_user(row, sites)
}

/// The user, if the actor may see them: themselves, or someone of the actor's sites.
pub(super) fn visible_user(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: UserId,
) -> Result<UserRow, AppError> {
    let user = repo::find(conn, id)?.ok_or(AppError::NotFound("user"))?;
    // An API key's account is managed through its key, never as a person.
    if !user.integration && access::may_see_person(conn, actor, user.id, user.role)? {
        Ok(user)
    } else {
        Err(AppError::NotFound("user"))
    }
}

/// Butlers manage residents only; managers manage everyone they can see.
fn require_manages(actor: &Actor, role: Role) -> Result<(), AppError> {
    match actor.role {
        Role::Manager => Ok(()),
        Role::Butler if role == Role::Resident => Ok(()),
        _ => Err(AppError::Forbidden(
            Msg::new("a %{role} cannot manage %{managed} accounts")
                .term("role", actor.role.as_str())
                .term("managed", role.as_str()),
        )),
    }
}

/// Staff site links: each site must be one the actor covers, and only a company-wide
/// manager may create another company-wide manager.
fn check_site_links(
    conn: &mut AnyConnection,
    actor: &Actor,
    role: Role,
    site_ids: &[SiteId],
) -> Result<(), AppError> {
    if role == Role::Resident && !site_ids.is_empty() {
        return Err(AppError::field(
            "site_ids",
            "residents belong to units, not sites",
        ));
    }
    if role.is_staff() && site_ids.is_empty() && !(role == Role::Manager && actor.is_company_wide())
    {
        return Err(AppError::field(
            "site_ids",
            "staff work for at least one site (only a company-wide manager creates another)",
        ));
    }
    for (i, site_id) in site_ids.iter().enumerate() {
        sites::service::visible_site(conn, actor, *site_id).missing_as(|| {
            AppError::field(format!("site_ids[{i}]"), "no site with this id among yours")
        })?;
    }
    Ok(())
}

fn normalized_login(
    v: &mut Validator,
    username: Option<&str>,
    phone: Option<String>,
) -> (Option<String>, Option<String>) {
    // Stored lower-case; unlike a login name, not trimmed: what is kept is what was sent.
    let username = username.map(str::to_ascii_lowercase);
    if let Some(username) = &username {
        check_username(v, "username", username);
    }
    (username, phone)
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    password::hashing(move |workspace| password::hash(&password, workspace)).await?
}

pub async fn create(state: &AppState, actor: &Actor, input: NewUser) -> Result<User, AppError> {
    let mut v = Validator::new();
    let (username, phone) = normalized_login(
        &mut v,
        input.username.as_deref(),
        input.phone.clone().map(String::from),
    );
    v.check(
        username.is_some() || phone.is_some(),
        "username",
        "a username or a phone is required",
    );
    check_password(&mut v, "password", &input.password);
    let resident = input.role == Role::Resident;
    v.check(
        !resident || input.unit_id.is_some(),
        "unit_id",
        "required for a resident",
    )
    .check(
        !resident || input.relation.is_some(),
        "relation",
        "required for a resident",
    )
    .check(
        resident || input.unit_id.is_none(),
        "unit_id",
        "only residents live in units",
    );
    v.finish()?;
    require_manages(actor, input.role)?;

    let password_hash = hash_password(input.password).await?;
    let actor = actor.clone();
    let now = state.now();
    idempotency::transaction(state, Answer::Created, move |conn| {
        check_site_links(conn, &actor, input.role, &input.site_ids)?;
        let unit = match input.unit_id {
            Some(unit_id) => Some(
                units::service::visible_unit(conn, &actor, unit_id, now.date_naive())
                    .found()?
                    .filter(|u| u.active)
                    .ok_or_else(|| {
                        AppError::field("unit_id", "no active unit with this id among yours")
                    })?,
            ),
            None => None,
        };
        let row = repo::insert(
            conn,
            NewUserRow {
                username,
                phone,
                display_name: input.display_name.into(),
                role: input.role,
                password_hash,
                active: true,
                created_at: utc(now),
                updated_at: utc(now),
                integration: false,
                language: input.language.unwrap_or_default(),
            },
        )?;
        repo::set_staff_sites(conn, row.id, &input.site_ids)?;
        if let (Some(unit), Some(relation)) = (unit, input.relation) {
            repo::insert_membership(
                conn,
                NewMembershipRow {
                    unit_id: unit.id,
                    user_id: row.id,
                    relation,
                    start_date: input.start_date.unwrap_or(now.date_naive()),
                    end_date: None,
                    created_at: utc(now),
                },
            )?;
        }
        load_user(conn, row)
    })
    .await
}

pub async fn get(state: &AppState, actor: &Actor, id: UserId) -> Result<User, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let row = visible_user(conn, &actor, id)?;
        load_user(conn, row)
    })
    .await
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: UserFilter,
    page: PageRequest,
) -> Result<Page<User>, AppError> {
    let scope = actor.site_scope();
    db::read(&state.pool, move |conn| {
        let rows = repo::list(conn, &scope, filter.role, filter.active, page)?;
        // A list is nobody's call to make: phones masked; `GET /users/{id}` shows it whole
        // to staff who may see the person (R-ARC-5).
        Page::from_rows(rows, page, |r| r.id, |r| r).try_map(|row| {
            let mut user = load_user(conn, row)?;
            user.phone = user.phone.as_deref().map(crate::pii::mask_phone);
            Ok(user)
        })
    })
    .await
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: UserId,
    changes: UserChanges,
) -> Result<User, AppError> {
    let mut v = Validator::new();
    let (username, phone) = normalized_login(
        &mut v,
        changes.username.clone().flatten().as_deref(),
        changes.phone.clone().flatten().map(String::from),
    );
    v.finish()?;
    let actor = actor.clone();
    let now = utc(state.now());
    db::transaction(&state.pool, move |conn| {
        let row = visible_user(conn, &actor, id)?;
        let role = row.role;
        require_manages(&actor, role)?;
        let update = UserUpdate {
            username: changes.username.map(|_| username),
            phone: changes.phone.map(|_| phone),
            display_name: changes.display_name.map(String::from),
            language: changes.language.map(String::from),
            updated_at: Some(now),
            ..UserUpdate::default()
        };
        let keeps_username = update.username.clone().unwrap_or(row.username).is_some();
        let keeps_phone = update.phone.clone().unwrap_or(row.phone).is_some();
        if !keeps_username && !keeps_phone {
            return Err(AppError::field(
                "username",
                "a username or a phone must remain",
            ));
        }
        let row = repo::update(conn, id, &update)?;
        if let Some(site_ids) = changes.site_ids {
            if !role.is_staff() {
                return Err(AppError::field(
                    "site_ids",
                    "residents belong to units, not sites",
                ));
            }
            check_site_links(conn, &actor, role, &site_ids)?;
            repo::set_staff_sites(conn, id, &site_ids)?;
        }
        load_user(conn, row)
    })
    .await
}

/// What people change of their own account: the language of their notices.
pub async fn update_own(
    state: &AppState,
    actor: &Actor,
    changes: MyChanges,
) -> Result<(), AppError> {
    let (id, now) = (actor.user_id, utc(state.now()));
    db::transaction(&state.pool, move |conn| {
        let update = UserUpdate {
            language: Some(changes.language.into()),
            updated_at: Some(now),
            ..UserUpdate::default()
        };
        repo::update(conn, id, &update)?;
        Ok(())
    })
    .await
}

/// Deactivation also ends every session of the account.
pub async fn set_active(
    state: &AppState,
    actor: &Actor,
    id: UserId,
    active: bool,
) -> Result<User, AppError> {
    if !active && id == actor.user_id {
        return Err(AppError::precondition(
            Precondition::OwnAccount,
            "you cannot deactivate your own account",
        ));
    }
    let update = move |now| UserUpdate {
        active: Some(active),
        updated_at: Some(now),
        ..UserUpdate::default()
    };
    change_account(state, actor, id, update, !active).await
}

/// Sets a new password for someone who forgot theirs; their sessions end.
pub async fn reset_password(
    state: &AppState,
    actor: &Actor,
    id: UserId,
    input: PasswordReset,
) -> Result<User, AppError> {
    let mut v = Validator::new();
    check_password(&mut v, "new_password", &input.new_password);
    v.finish()?;
    let hash = hash_password(input.new_password).await?;
    let update = move |now| UserUpdate {
        password_hash: Some(hash),
        updated_at: Some(now),
        ..UserUpdate::default()
    };
    change_account(state, actor, id, update, true).await
}

async fn change_account(
    state: &AppState,
    actor: &Actor,
    id: UserId,
    update: impl FnOnce(chrono::NaiveDateTime) -> UserUpdate + Send + 'static,
    end_sessions: bool,
) -> Result<User, AppError> {
    let actor = actor.clone();
    let now = utc(state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let row = visible_user(conn, &actor, id)?;
        require_manages(&actor, row.role)?;
        let row = repo::update(conn, id, &update(now))?;
        if end_sessions {
            auth::repo::revoke_user_sessions(conn, id, now)?;
        }
        load_user(conn, row)
    })
    .await
}
