//! Security headers on every response: the app's Content-Security-Policy, no MIME sniffing,
//! no referrer, no framing, and HSTS when the app is served over https.

use std::path::Path;
use std::sync::{Arc, RwLock};

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The headers, computed once at start-up but for the images the policy allows: the wards'
/// basemap tile servers, which their admins may change.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    /// The policy before and after the origins of `img-src`.
    csp: (String, String),
    tile_origins: TileOrigins,
    others: Vec<(HeaderName, HeaderValue)>,
}

/// The origins of the wards' basemap tiles, kept in the app's state and read by every response.
pub type TileOrigins = Arc<RwLock<Vec<String>>>;

impl SecurityHeaders {
    /// `index.html` has one small inline module script that loads the bundle; the
    /// policy allows exactly that script by its hash, read from the built file, and nothing
    /// else inline.
    pub fn new(dist: &Path, https: bool, tile_origins: TileOrigins) -> Self {
        let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
        let scripts: String = inline_scripts(&index)
            .map(|s| {
                format!(
                    " 'sha256-{}'",
                    STANDARD.encode(Sha256::digest(s.as_bytes()))
                )
            })
            .collect();
        let csp = (
            format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; \
                 style-src 'self'; img-src 'self' data:"
            ),
            "; connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
                .to_owned(),
        );
        let mut others = vec![
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
        ];
        if https {
            others.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            ));
        }
        Self {
            csp,
            tile_origins,
            others,
        }
    }

    fn policy(&self) -> HeaderValue {
        let origins: String = self
            .tile_origins
            .read()
            .map(|o| o.iter().map(|o| format!(" {o}")).collect())
            .unwrap_or_default();
        let (before, after) = &self.csp;
        // The origins were checked by `domain::map::tile_origin`: plain ASCII, no separators.
        HeaderValue::from_str(&format!("{before}{origins}{after}"))
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
    }
}

/// The middleware: adds the headers to whatever the inner service answered.
pub async fn apply(
    State(headers): State<Arc<SecurityHeaders>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, headers.policy());
    for (name, value) in &headers.others {
        res.headers_mut().insert(name, value.clone());
    }
    res
}

/// The bodies of `<script>` elements without a `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attrs, rest) = rest.split_once('>')?;
        let (body, _) = rest.split_once("</script>")?;
        (!attrs.contains("src=")).then_some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::inline_scripts;

    #[test]
    fn finds_only_inline_script_bodies() {
        let html = r#"<head><script src="/a.js"></script><script type="module">
import init from '/app.js';</script></head><body><script>x()</script></body>"#;
        assert_eq!(
            inline_scripts(html).collect::<Vec<_>>(),
            ["\nimport init from '/app.js';", "x()"]
        );
    }
}
