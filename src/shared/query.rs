//! Query strings built by the pages (shareable filter links, the widget's iframe URL).

/// Percent-encodes a query value (unreserved characters stay as they are).
pub fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    encode_into(&mut out, v);
    out
}

/// [`encode`] appended to `out`: the pages build many links per view, one buffer each.
pub fn encode_into(out: &mut String, v: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xF)] as char);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_characters_are_escaped() {
        assert_eq!(super::encode("Jan Kowalski&x=1"), "Jan%20Kowalski%26x%3D1");
        assert_eq!(super::encode("ż"), "%C5%BC");
        assert_eq!(super::encode("a~b.c_d-e/f?\u{7f}"), "a~b.c_d-e%2Ff%3F%7F");
    }
}
