use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{DeliveryStatus, EndpointStatus, EventType};
use crate::db::schema::{
    outbox_events, webhook_deliveries, webhook_endpoints, webhook_subscriptions,
};
use crate::db::AnyConnection;
use crate::ids::SiteId;

/// Endpoints not disabled that want `event_type` of `site_id` (theirs, or every site's).
pub fn subscribed(
    conn: &mut AnyConnection,
    event_type: EventType,
    site_id: SiteId,
) -> QueryResult<Vec<i64>> {
    webhook_endpoints::table
        .inner_join(webhook_subscriptions::table)
        .filter(webhook_subscriptions::event_type.eq(event_type.as_str()))
        .filter(webhook_endpoints::status.ne(EndpointStatus::Disabled.as_str()))
        .filter(
            webhook_endpoints::site_id
                .is_null()
                .or(webhook_endpoints::site_id.eq(site_id)),
        )
        .select(webhook_endpoints::id)
        .load(conn)
}

/// The event, and a delivery of it to each endpoint, due now.
pub fn insert(
    conn: &mut AnyConnection,
    event_type: EventType,
    site_id: SiteId,
    data: &str,
    endpoints: &[i64],
    now: NaiveDateTime,
) -> QueryResult<()> {
    let event_id: i64 = diesel::insert_into(outbox_events::table)
        .values((
            outbox_events::event_type.eq(event_type.as_str()),
            outbox_events::site_id.eq(site_id),
            outbox_events::data.eq(data),
            outbox_events::created_at.eq(now),
        ))
        .returning(outbox_events::id)
        .get_result(conn)?;
    for endpoint_id in endpoints {
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::endpoint_id.eq(endpoint_id),
                webhook_deliveries::event_id.eq(event_id),
                webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                webhook_deliveries::next_attempt_at.eq(now),
                webhook_deliveries::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
