//! Who is calling: passwords, tokens, sessions, and the role guards handlers declare.

pub mod password;
pub mod repo;
pub mod service;
pub mod throttle;
pub mod tokens;

use std::future::{ready, Ready};
use std::marker::PhantomData;
use std::ops::Deref;

use actix_web::{http::header, web, FromRequest, HttpRequest};

use crate::error::AppError;
use crate::state::AppState;
use crate::users::model::Role;

/// The authenticated caller, as the access token states it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    /// Sites a staff member works for; empty for residents and company-wide managers.
    pub sites: Vec<i64>,
}

impl Actor {
    /// A manager linked to no site oversees the whole company.
    pub fn is_company_wide(&self) -> bool {
        self.role == Role::Manager && self.sites.is_empty()
    }

    /// Whether this staff member's work covers the site. Residents cover no site: their
    /// reach is their units, checked by each service.
    pub fn covers_site(&self, site_id: i64) -> bool {
        self.role.is_staff() && (self.is_company_wide() || self.sites.contains(&site_id))
    }

    /// The sites to filter lists by; `None` means every site.
    pub fn site_filter(&self) -> Option<&[i64]> {
        (!self.is_company_wide()).then_some(self.sites.as_slice())
    }
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

/// Extractor: a valid access token whose role is in `R`; 401 without one, 403 otherwise.
pub struct Auth<R: RoleSet = AnyRole> {
    pub actor: Actor,
    roles: PhantomData<R>,
}

impl<R: RoleSet> Deref for Auth<R> {
    type Target = Actor;

    fn deref(&self) -> &Actor {
        &self.actor
    }
}

fn authenticate(req: &HttpRequest) -> Result<Actor, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("AppState missing"))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::Unauthorized("missing bearer access token".into()))?;
    state.tokens.verify_access(token, state.now())
}

impl<R: RoleSet> FromRequest for Auth<R> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(authenticate(req).and_then(|actor| {
            if R::ROLES.contains(&actor.role) {
                Ok(Auth {
                    actor,
                    roles: PhantomData,
                })
            } else {
                Err(AppError::Forbidden(format!(
                    "this action is not open to the {} role",
                    actor.role
                )))
            }
        }))
    }
}
