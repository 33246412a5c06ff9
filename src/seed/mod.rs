//! Accounts and data made from the command line: the first manager of a real deployment
//! (`create-user`), a demo estate to try the API with (`seed-demo`, in `demo.rs`, through
//! the same services as the API) and a company's year of tickets and complaints for the
//! load benchmark (`seed-load`, in `load/`, written in bulk).

mod demo;
pub mod load;

pub use demo::{seed_demo, DemoAccount};

use crate::access::tokens::random_token;
use crate::access::{Actor, Role};
use crate::error::AppError;
use crate::ids::UserId;
use crate::state::AppState;
use crate::users;
use crate::users::model::{NewUser, User};

/// The command line acts as a company-wide manager.
fn operator() -> Actor {
    Actor {
        user_id: UserId::new(0),
        role: Role::Manager,
        sites: Vec::new(),
    }
}

pub fn generated_password() -> String {
    random_token(12)
}

pub async fn create_user(state: &AppState, input: NewUser) -> Result<User, AppError> {
    users::service::create(state, &operator(), input).await
}
