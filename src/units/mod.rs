//! Units (房屋): building + entrance + room of a site, with the developer's handover date.

pub mod model;
pub mod repo;
pub mod service;
