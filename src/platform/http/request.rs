//! Facts about a request, settled once at the edge: who sent it (the peer, or the client a trusted proxy names)
//! and whether it arrived over https. Forwarding headers are believed only from `APP_TRUSTED_PROXIES`, so a
//! client cannot forge its address into a rate limit or the audit trail. With `APP_PUBLIC_URL` set, requests
//! for any other host are refused, so links and the CSRF check never follow a forged `Host`.

use crate::platform::config::Settings;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// What the edge learned about the current request (a request extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    pub client_ip: IpAddr,
    /// Reached Insight over https (directly per `APP_PUBLIC_URL`, or as a trusted proxy says).
    pub https: bool,
}

impl RequestFacts {
    /// The key a per-address limit counts under: IPv6 clients by their /64 (one subscriber's network).
    pub fn limit_key(&self) -> IpAddr {
        limit_key(self.client_ip)
    }
}

pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// The facts of a request from `peer` with these headers.
pub fn facts_of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet], public_https: bool) -> RequestFacts {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return RequestFacts { client_ip: peer, https: public_https };
    }
    let mut hops = forwarded_for(headers);
    // The nearest hop that is not one of our proxies is the client; each proxy appends the address it saw.
    hops.retain(|ip| !is_trusted(ip));
    let client_ip = hops.last().copied().unwrap_or(peer);
    let forwarded_https = header_text(headers, "x-forwarded-proto")
        .map(|p| p.split(',').next().unwrap_or_default().trim().eq_ignore_ascii_case("https"))
        .or_else(|| forwarded_proto(headers).map(|p| p.eq_ignore_ascii_case("https")))
        .unwrap_or(false);
    RequestFacts { client_ip, https: public_https || forwarded_https }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Every address of `X-Forwarded-For`, else of `Forwarded: for=…`, in order (client first).
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let xff: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    forwarded_pairs(headers).filter(|(k, _)| k.eq_ignore_ascii_case("for")).filter_map(|(_, v)| node_ip(&v)).collect()
}

fn forwarded_proto(headers: &HeaderMap) -> Option<String> {
    forwarded_pairs(headers).filter(|(k, _)| k.eq_ignore_ascii_case("proto")).map(|(_, v)| v).last()
}

/// The `key=value` pairs of every `Forwarded` element (RFC 7239), values unquoted.
fn forwarded_pairs(headers: &HeaderMap) -> impl Iterator<Item = (String, String)> + '_ {
    headers
        .get_all(header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
}

/// `192.0.2.1`, `192.0.2.1:8080`, `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn node_ip(node: &str) -> Option<IpAddr> {
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.parse().ok().or_else(|| node.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok()))
}

/// The outermost layer: refuses requests for hosts other than `APP_PUBLIC_URL`'s, then records the facts.
pub async fn resolve_request(State(settings): State<Arc<Settings>>, mut req: Request, next: Next) -> Response {
    if let Some(public) = settings.public_url.as_deref() {
        let expected = public.split_once("://").map(|(_, host)| host).unwrap_or(public);
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
        if !host.eq_ignore_ascii_case(expected) {
            return (StatusCode::BAD_REQUEST, "This server answers only for its public address.").into_response();
        }
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    let facts = facts_of(peer, req.headers(), &settings.trusted_proxies, settings.public_https());
    req.extensions_mut().insert(facts);
    next.run(req).await
}

/// The facts of the current server-function call or SSR request.
pub async fn facts() -> Option<RequestFacts> {
    leptos_axum::extract::<axum::Extension<RequestFacts>>().await.ok().map(|f| f.0)
}

/// The client's address (as the edge settled it), for the audit trail.
pub async fn client_ip() -> Option<String> {
    facts().await.map(|f| f.client_ip.to_string())
}

/// The portal's own origin, for links, the embed snippet and the preview: `APP_PUBLIC_URL` when set, else the
/// request's Host, over https when the edge says so. A browser framing the widget cannot set these headers,
/// so a forged value only misleads the client that sent it; set `APP_PUBLIC_URL` in production.
pub fn own_origin_from(public_url: Option<&str>, headers: &HeaderMap, https: bool) -> String {
    if let Some(url) = public_url {
        return url.to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:3000");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// [`own_origin_from`] for the current server-function call.
pub async fn own_origin(settings: &Settings) -> String {
    let https = facts().await.is_some_and(|f| f.https);
    let headers = leptos_axum::extract::<HeaderMap>().await.unwrap_or_default();
    own_origin_from(settings.public_url.as_deref(), &headers, https)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")]);
        let f = facts_of(ip("198.51.100.1"), &h, &[], false);
        assert_eq!(f, RequestFacts { client_ip: ip("198.51.100.1"), https: false });
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let f = facts_of(ip("10.0.0.2"), &h, &trusted, false);
        assert_eq!(f, RequestFacts { client_ip: ip("203.0.113.9"), https: true });
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client_so_a_forged_first_entry_is_ignored() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.7")]);
        assert_eq!(facts_of(ip("10.0.0.2"), &h, &trusted, false).client_ip, ip("203.0.113.9"));
    }

    #[test]
    fn the_forwarded_header_is_understood_too() {
        let trusted = ["127.0.0.1/32".parse().unwrap()];
        let h = headers(&[("forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https")]);
        let f = facts_of(ip("127.0.0.1"), &h, &trusted, false);
        assert_eq!(f, RequestFacts { client_ip: ip("2001:db8:cafe::17"), https: true });
        let h = headers(&[("forwarded", "for=192.0.2.60:8080;proto=http, for=10.1.1.1")]);
        assert_eq!(facts_of(ip("127.0.0.1"), &h, &trusted, false).client_ip, ip("10.1.1.1"));
    }

    #[test]
    fn ipv6_clients_share_a_limit_per_64_and_mapped_v4_is_v4() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), limit_key(ip("2001:db8:1:2:bbbb::9")));
        assert_ne!(limit_key(ip("2001:db8:1:2::1")), limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(limit_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(limit_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
