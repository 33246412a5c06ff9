//! Machine clients (API keys): a manager creates a key for another property system (a CRM,
//! a payment or SMS gateway), scoped to sites and permissions; it is shown once, kept only
//! as a hash, revocable, with its last use recorded. How a request signs in with one is in
//! `auth::api_key`; which route needs which permission in `access::Permission`.

pub mod dto;
pub mod repo;
pub mod service;
