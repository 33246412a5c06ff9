//! HTTP: thin handlers that authenticate, parse, call a service and map to JSON.

pub mod auth;
pub mod calendar;
pub mod complaints;
pub mod health;
pub mod openapi;
pub mod sites;
pub mod tickets;
pub mod units;
pub mod users;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;

/// Every documented route under `/api/v1`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::change_password)
        .service(auth::me)
        .service(sites::create_site)
        .service(sites::list_sites)
        .service(sites::get_site)
        .service(sites::update_site)
        .service(sites::deactivate_site)
        .service(sites::reactivate_site)
        .service(calendar::get_calendar)
        .service(calendar::set_weekly_hours)
        .service(calendar::set_calendar_day)
        .service(calendar::delete_calendar_day)
        .service(units::create_unit)
        .service(units::list_units)
        .service(units::get_unit)
        .service(units::update_unit)
        .service(units::deactivate_unit)
        .service(units::reactivate_unit)
        .service(units::list_members)
        .service(units::add_member)
        .service(users::create_user)
        .service(users::list_users)
        .service(users::get_user)
        .service(users::update_user)
        .service(users::deactivate_user)
        .service(users::reactivate_user)
        .service(users::reset_password)
        .service(users::end_membership)
        // Fixed paths before `/tickets/{id}`, which would take them as ids.
        .service(tickets::work_orders)
        .service(tickets::daily_board)
        .service(tickets::public_costs)
        .service(tickets::report_ticket)
        .service(tickets::list_tickets)
        .service(tickets::get_ticket)
        .service(tickets::arrive)
        .service(tickets::reclassify)
        .service(tickets::dispatch)
        .service(tickets::complete)
        .service(tickets::transfer)
        .service(tickets::developer_acknowledge)
        .service(tickets::developer_complete)
        .service(tickets::take_over)
        .service(tickets::settlement_signed)
        .service(tickets::charge)
        .service(tickets::approve_charge)
        .service(tickets::accept_charge)
        .service(tickets::decline_charge)
        .service(tickets::confirm)
        .service(tickets::reject)
        .service(tickets::record_signature)
        .service(tickets::visit)
        .service(tickets::chase)
        .service(tickets::cancel)
        .service(tickets::create_fee_item)
        .service(tickets::list_fee_items)
        .service(tickets::deactivate_fee_item)
        // Fixed paths before `/complaints/{id}`.
        .service(complaints::complaint_board)
        .service(complaints::weekly_summary)
        .service(complaints::monthly_report)
        .service(complaints::public_summary)
        .service(complaints::close_quiet)
        .service(complaints::receive_complaint)
        .service(complaints::list_complaints)
        .service(complaints::get_complaint)
        .service(complaints::assign_owner)
        .service(complaints::classify)
        .service(complaints::mark_major)
        .service(complaints::reply)
        .service(complaints::note)
        .service(complaints::hand_to_department)
        .service(complaints::set_fix_deadline)
        .service(complaints::promise_reply)
        .service(complaints::establish_responsibility)
        .service(complaints::promise_compensation)
        .service(complaints::escalate)
        .service(complaints::transfer_to_developer)
        .service(complaints::developer_reply)
        .service(complaints::chase)
        .service(complaints::resolve)
        .service(complaints::opinion)
        .service(complaints::review)
        .service(complaints::visit)
        .service(complaints::refuse_visits)
        .service(complaints::mark_unreachable)
        .service(complaints::merge)
        .service(complaints::create_standard_reply)
        .service(complaints::list_standard_replies)
        .service(complaints::deactivate_standard_reply);
}

/// The documented paths and their methods, to tell "no such route" (404) from "no such
/// method on this route" (405 with `Allow`).
pub struct RouteTable(Vec<(Vec<String>, Vec<&'static str>)>);

impl RouteTable {
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        RouteTable(
            doc.paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let segments = path.split('/').map(str::to_owned).collect();
                    let methods = [
                        ("GET", item.get.is_some()),
                        ("POST", item.post.is_some()),
                        ("PUT", item.put.is_some()),
                        ("PATCH", item.patch.is_some()),
                        ("DELETE", item.delete.is_some()),
                    ]
                    .into_iter()
                    .filter_map(|(m, present)| present.then_some(m))
                    .collect();
                    (segments, methods)
                })
                .collect(),
        )
    }

    fn methods_for(&self, path: &str) -> Option<&[&'static str]> {
        let wanted: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|(template, methods)| {
            let matches = template.len() == wanted.len()
                && template
                    .iter()
                    .zip(&wanted)
                    .all(|(t, w)| t == w || (t.starts_with('{') && !w.is_empty()));
            matches.then_some(methods.as_slice())
        })
    }
}

/// Answers every request no route took.
pub async fn fallback(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    match routes.methods_for(req.path()) {
        Some(methods) => {
            let allow = methods.join(", ");
            let mut response = AppError::MethodNotAllowed(format!(
                "{} is not allowed here; use {allow}",
                req.method()
            ))
            .error_response();
            if let Ok(value) = HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        None => AppError::NotFound("route").error_response(),
    }
}

/// Query strings and path segments that do not parse get the same problem shape as bodies.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|err, _| AppError::BadRequest(format!("invalid query string: {err}")).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        AppError::BadRequest(format!("invalid path parameter: {err}")).into()
    })
}
