//! Webhooks for other property software (Standard Webhooks): managers register endpoints
//! with the event types they want; the outbox (`crate::outbox`) writes each event with its
//! change and a delivery per endpoint; `delivery` sends them, signed, with retries, and
//! logs every attempt.

pub mod delivery;
pub mod dto;
pub mod model;
pub mod repo;
pub mod service;
pub mod targets;
