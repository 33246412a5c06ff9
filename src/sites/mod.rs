//! Sites (项目 / 小区): the managed estates. Staff work for sites; units belong to one.

pub mod model;
pub mod repo;
pub mod service;
