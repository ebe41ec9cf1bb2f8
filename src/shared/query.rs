//! Query strings built by the pages (shareable filter links, the widget's iframe URL).

/// Percent-encodes a query value (unreserved characters stay as they are).
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_characters_are_escaped() {
        assert_eq!(super::encode("Jan Kowalski&x=1"), "Jan%20Kowalski%26x%3D1");
        assert_eq!(super::encode("ż"), "%C5%BC");
    }
}
