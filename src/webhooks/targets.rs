//! Where a webhook may be sent (SSRF): an http(s) URL whose host is not this machine, its
//! link or a private network, unless `WEBHOOKS_ALLOW_PRIVATE_TARGETS` allows it. The URL is
//! checked when it is registered and, through the resolver the deliveries' client uses,
//! on every connection: a name that later points at a private address (DNS rebinding)
//! gets no request.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::model::{is_private, url_problem};
use crate::error::AppError;
use crate::state::AppState;

/// Refuses (422 on `field`) a URL that is no endpoint, or whose host resolves to a
/// private address now. A name that does not resolve yet is taken: deliveries check again.
pub async fn check(state: &AppState, field: &str, url: &str) -> Result<(), AppError> {
    let allow_private = state.config.webhooks_allow_private_targets;
    if let Some(problem) = url_problem(url, allow_private) {
        return Err(AppError::field(field, problem));
    }
    let Some(host) = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
    else {
        return Ok(());
    };
    if allow_private {
        return Ok(());
    }
    if let Ok(addrs) = tokio::net::lookup_host((host.as_str(), 443)).await {
        if addrs.into_iter().any(|a| is_private(a.ip())) {
            return Err(AppError::field(
                field,
                "must not point at a loopback, link-local or private address",
            ));
        }
    }
    Ok(())
}

/// The deliveries' resolver: a name's public addresses only.
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let public: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| !is_private(a.ip()))
                .collect();
            if public.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}
