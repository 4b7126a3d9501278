//! Addresses content gives outside markdown: a kit's next step, which pages render as
//! a link, and a notice's pages, which are matched against the page being shown.
//! Links inside markdown pass the sanitiser's scheme allowlist instead
//! (markdown.rs); this is the same allowlist for what the sanitiser never sees.

/// Where an address in content leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address<'a> {
    /// A page of this portal, e.g. `/articles/send-an-invoice`.
    SitePath(&'a str),
    /// An `https:`, `http:` or `mailto:` address.
    External,
}

/// Why an address may not be used as a link.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeAddress {
    #[error("has spaces or control characters in it")]
    Whitespace,
    #[error("starts with `//` or `/\\`, which lead to another site")]
    OtherSite,
    #[error("uses the `{0}:` scheme")]
    Scheme(String),
    #[error("does not start with `/`, `https:`, `http:` or `mailto:`")]
    Unanchored,
}

impl UnsafeAddress {
    pub const HELP: &str = "link to a page of this portal, e.g. /articles/send-your-first-invoice, or to an https:, http: or mailto: address";
}

/// The schemes a link from content may use; everything else (`javascript:`,
/// `data:`, `vbscript:`, `file:`) is refused.
const ALLOWED_SCHEMES: [&str; 3] = ["https", "http", "mailto"];

/// Checks `address` the way a browser will read it.
pub fn classify(address: &str) -> Result<Address<'_>, UnsafeAddress> {
    // Browsers drop tabs and newlines inside an address and trim spaces and control
    // characters around it, so ` java\tscript:` runs script. No real address has any.
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UnsafeAddress::Whitespace);
    }
    if let Some(rest) = address.strip_prefix('/') {
        // Browsers read `/\host` as `//host`: another site, with this site's look.
        if rest.starts_with(['/', '\\']) {
            return Err(UnsafeAddress::OtherSite);
        }
        return Ok(Address::SitePath(address));
    }
    match address.split_once(':') {
        Some((scheme, _)) if is_scheme(scheme) => {
            if ALLOWED_SCHEMES.iter().any(|allowed| scheme.eq_ignore_ascii_case(allowed)) {
                Ok(Address::External)
            } else {
                Err(UnsafeAddress::Scheme(scheme.to_ascii_lowercase()))
            }
        }
        _ => Err(UnsafeAddress::Unanchored),
    }
}

/// RFC 3986: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_paths_and_web_and_email_addresses_pass() {
        let cases = [
            ("/articles/send-an-invoice#steps", Ok(Address::SitePath("/articles/send-an-invoice#steps"))),
            ("/", Ok(Address::SitePath("/"))),
            ("https://status.example.com", Ok(Address::External)),
            ("HTTP://example.com", Ok(Address::External)),
            ("mailto:help@example.com", Ok(Address::External)),
            ("javascript:alert(1)", Err(UnsafeAddress::Scheme("javascript".into()))),
            ("JaVaScRiPt:alert(1)", Err(UnsafeAddress::Scheme("javascript".into()))),
            ("javascript://%0aalert(1)", Err(UnsafeAddress::Scheme("javascript".into()))),
            ("data:text/html,<script>alert(1)</script>", Err(UnsafeAddress::Scheme("data".into()))),
            ("vbscript:msgbox(1)", Err(UnsafeAddress::Scheme("vbscript".into()))),
            ("file:///etc/passwd", Err(UnsafeAddress::Scheme("file".into()))),
            ("java\tscript:alert(1)", Err(UnsafeAddress::Whitespace)),
            (" javascript:alert(1)", Err(UnsafeAddress::Whitespace)),
            ("\u{1}javascript:alert(1)", Err(UnsafeAddress::Whitespace)),
            ("/\n/evil.example", Err(UnsafeAddress::Whitespace)),
            ("//evil.example", Err(UnsafeAddress::OtherSite)),
            ("/\\evil.example", Err(UnsafeAddress::OtherSite)),
            ("articles/send-an-invoice", Err(UnsafeAddress::Unanchored)),
            ("#steps", Err(UnsafeAddress::Unanchored)),
            ("", Err(UnsafeAddress::Unanchored)),
            ("1http:x", Err(UnsafeAddress::Unanchored)),
        ];
        for (address, expected) in cases {
            assert_eq!(classify(address), expected, "{address:?}");
        }
    }
}
