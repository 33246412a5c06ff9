//! Repair tickets (报修): from a resident's report to a closed, followed-up repair.

/// The id a ticket's routes and the action driver take.
pub use crate::ids::TicketId as Id;

pub mod actions;
pub mod dto;
pub mod model;
pub mod notices;
pub mod repo;
pub mod reports;
pub mod service;
pub mod view;
