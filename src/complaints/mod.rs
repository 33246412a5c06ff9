//! Complaints (投诉): intake to closure (R-CMP-1..17), reports (R-CMP-18) and the
//! standard-reply library (R-CMP-19).

/// The id a complaint's routes and the action driver take.
pub use crate::ids::ComplaintId as Id;

pub mod actions;
pub mod dto;
pub mod model;
pub mod replies;
pub mod repo;
pub mod reports;
pub mod service;
