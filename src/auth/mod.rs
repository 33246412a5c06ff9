//! Who is calling: passwords, sessions, and the extractor that admits a route's roles.

pub mod credentials;
pub mod password;
pub mod repo;
pub mod service;
pub mod throttle;

use std::future::{ready, Ready};
use std::marker::PhantomData;
use std::ops::Deref;

use actix_web::{web, FromRequest, HttpRequest};

use crate::access::tokens::bearer;
use crate::access::{Actor, AnyRole, RoleSet};
use crate::error::AppError;
use crate::state::AppState;

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
    let token = bearer(req.headers())
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
