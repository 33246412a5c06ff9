//! Who is calling: passwords, sessions, and the extractor that admits a route's roles.

pub mod api_key;
pub mod credentials;
pub mod password;
pub mod repo;
pub mod service;
pub mod throttle;

use std::future::ready;
use std::marker::PhantomData;
use std::ops::Deref;

use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::access::tokens::bearer;
use crate::access::{Actor, AnyRole, Permission, RoleSet};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::state::AppState;

/// Extractor: a valid access token whose role is in `R`, or an API key whose account's
/// role is, and that may call this route (`api_key`); 401 without one, 403 otherwise.
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

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("AppState missing"))
}

fn authenticate(req: &HttpRequest) -> Result<Actor, AppError> {
    let token = bearer(req.headers())
        .ok_or_else(|| AppError::Unauthorized("missing bearer access token".into()))?;
    let state = state(req)?;
    state.tokens.verify_access(token, state.now())
}

/// The actor, if their role is one `R` admits.
fn admit<R: RoleSet>(actor: Actor) -> Result<Auth<R>, AppError> {
    if R::ROLES.contains(&actor.role) {
        Ok(Auth {
            actor,
            roles: PhantomData,
        })
    } else {
        Err(AppError::Forbidden(
            Msg::new("this action is not open to the %{role} role")
                .term("role", actor.role.as_str()),
        ))
    }
}

impl<R: RoleSet + 'static> FromRequest for Auth<R> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let Some(key) = api_key::presented(req.headers()) else {
            return Box::pin(ready(authenticate(req).and_then(admit::<R>)));
        };
        let key = key.to_owned();
        let needed = req
            .match_pattern()
            .and_then(|route| Permission::needed(req.method().as_str(), &route));
        let state = state(req);
        Box::pin(async move {
            let state = state?;
            let actor = api_key::authenticate(&state, &key, needed).await?;
            admit::<R>(actor)
        })
    }
}
