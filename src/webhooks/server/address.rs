//! Where webhook messages may go. Endpoints must be `https://` on a public address: private, loopback,
//! link-local and other special addresses are refused (no requests into the server's own network), unless
//! the operator allows a network. Checked when an endpoint is added, and on every delivery after DNS
//! resolution (the resolver below drops addresses that are not allowed), since a name may change.

use crate::platform::config::WebhookSettings;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The URL of an endpoint as entered, checked; the message says what to change.
pub fn check_url(raw: &str, policy: &WebhookSettings) -> Result<url::Url, String> {
    let raw = raw.trim();
    if raw.len() > 2000 {
        return Err("Use a URL of at most 2,000 characters.".into());
    }
    let url =
        url::Url::parse(raw).map_err(|_| "Enter a full URL, like https://example.com/insight-webhooks.".to_string())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Leave credentials out of the URL; verify our signature instead.".into());
    }
    let host = url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return Err("Enter a full URL, like https://example.com/insight-webhooks.".into());
    }
    let local_name = host == "localhost" || host.ends_with(".localhost") || host.ends_with(".test");
    match url.scheme() {
        "https" => {}
        "http" if policy.allow_insecure => {}
        _ => return Err("Use an https:// URL.".into()),
    }
    if local_name && !policy.allow_insecure {
        return Err("Use a public host name; local names cannot receive webhooks.".into());
    }
    if let Some(ip) = literal_ip(&url) {
        if !address_allowed(ip, policy) {
            return Err("That address is private or reserved; use a public address.".into());
        }
    }
    Ok(url)
}

/// The host of `url` when it is an IP address rather than a name.
pub fn literal_ip(url: &url::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// Whether a message may be sent to `ip`.
pub fn address_allowed(ip: IpAddr, policy: &WebhookSettings) -> bool {
    if policy.allowed_networks.iter().any(|n: &IpNet| n.contains(&ip)) {
        return true;
    }
    if ip.is_loopback() || mapped_v4(ip).is_some_and(|v4| v4.is_loopback()) {
        return policy.allow_insecure;
    }
    match mapped_v4(ip) {
        Some(v4) => is_public_v4(v4),
        None => match ip {
            IpAddr::V6(v6) => is_public_v6(v6),
            IpAddr::V4(v4) => is_public_v4(v4),
        },
    }
}

fn mapped_v4(ip: IpAddr) -> Option<Ipv4Addr> {
    match ip {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64 into any IPv4 address
}

/// reqwest's resolver for deliveries: resolves the name, keeps only allowed addresses, refuses when none is
/// left. Connections are made to what this returns, so a name cannot be re-pointed between check and use.
pub struct GuardedResolver {
    pub policy: WebhookSettings,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.into_iter().filter(|a| address_allowed(a.ip(), &policy)).collect();
            if allowed.is_empty() {
                return Err(format!("{} resolves only to private or reserved addresses", name.as_str()).into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> WebhookSettings {
        WebhookSettings::default()
    }

    #[test]
    fn private_loopback_link_local_and_reserved_addresses_are_refused() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!address_allowed(ip.parse().unwrap(), &strict()), "{ip} must be refused");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "1.1.1.1"] {
            assert!(address_allowed(ip.parse().unwrap(), &strict()), "{ip} is public");
        }
    }

    #[test]
    fn an_allowed_network_and_the_insecure_switch_open_exactly_what_they_say() {
        let mut policy = strict();
        policy.allowed_networks = vec!["10.1.0.0/16".parse().unwrap()];
        assert!(address_allowed("10.1.2.3".parse().unwrap(), &policy));
        assert!(!address_allowed("10.2.0.1".parse().unwrap(), &policy));
        assert!(!address_allowed("127.0.0.1".parse().unwrap(), &policy));
        policy.allow_insecure = true;
        assert!(address_allowed("127.0.0.1".parse().unwrap(), &policy));
        assert!(!address_allowed("192.168.0.1".parse().unwrap(), &policy), "insecure is not private");
    }

    #[test]
    fn urls_must_be_https_public_and_without_credentials() {
        let p = strict();
        assert!(check_url("https://hooks.example.com/insight", &p).is_ok());
        assert!(check_url("http://hooks.example.com/insight", &p).is_err());
        assert!(check_url("https://user:pw@hooks.example.com/", &p).is_err());
        assert!(check_url("https://10.0.0.5/hook", &p).is_err());
        assert!(check_url("https://[::1]/hook", &p).is_err());
        assert!(check_url("https://shop.test/hook", &p).is_err());
        assert!(check_url("not a url", &p).is_err());
        let dev = WebhookSettings { allow_insecure: true, ..strict() };
        assert!(check_url("http://127.0.0.1:9000/hook", &dev).is_ok());
        assert!(check_url("http://receiver.test/hook", &dev).is_ok());
        assert!(check_url("http://10.0.0.5/hook", &dev).is_err(), "private stays refused");
    }
}
