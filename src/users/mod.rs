//! People: residents and staff accounts, staff site links, and residents' unit memberships.

pub mod memberships;
pub mod model;
pub mod repo;
pub mod service;
