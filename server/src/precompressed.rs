//! A JSON body read far more often than it changes, compressed once when it is made rather
//! than by the compression layer on every read. Browsers ask for the ward's dashboard (tens of
//! kilobytes) compressed; compressed per read, 50 readers got 1,072 reads/s where uncompressed
//! they got 3,580 (`./x bench`, busy day).

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The same body plain, in brotli and in gzip.
#[derive(Clone)]
pub struct Precompressed {
    plain: Bytes,
    br: Bytes,
    gzip: Bytes,
}

/// Brotli's quality, of 11: a busy ward's dashboard is compressed about once a second, which
/// the middle of the range keeps cheap.
const BROTLI_QUALITY: u32 = 5;

impl Precompressed {
    pub fn json(plain: Vec<u8>) -> std::io::Result<Self> {
        let mut br = Vec::with_capacity(plain.len() / 8);
        brotli::BrotliCompress(
            &mut plain.as_slice(),
            &mut br,
            &brotli::enc::BrotliEncoderParams {
                quality: BROTLI_QUALITY as i32,
                ..Default::default()
            },
        )?;
        let mut gzip = flate2::write::GzEncoder::new(
            Vec::with_capacity(plain.len() / 6),
            flate2::Compression::default(),
        );
        gzip.write_all(&plain)?;
        Ok(Self {
            br: br.into(),
            gzip: gzip.finish()?.into(),
            plain: plain.into(),
        })
    }

    /// The body in the best encoding the request accepts. The compression layer leaves a
    /// response that names its encoding alone.
    pub fn response(&self, request: &HeaderMap) -> Response {
        let accepted = request.get(header::ACCEPT_ENCODING);
        let (encoding, body) = if accepts(accepted, "br") {
            (Some("br"), &self.br)
        } else if accepts(accepted, "gzip") {
            (Some("gzip"), &self.gzip)
        } else {
            (None, &self.plain)
        };
        let mut response = (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::VARY, "accept-encoding"),
            ],
            body.clone(),
        )
            .into_response();
        if let Some(encoding) = encoding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }
}

/// Whether an `Accept-Encoding` header (RFC 9110, 12.5.3) accepts `coding`: named, or `*`,
/// with a weight above 0.
fn accepts(header: Option<&HeaderValue>, coding: &str) -> bool {
    let Some(value) = header.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    value.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
        (name.eq_ignore_ascii_case(coding) || name == "*") && weight.is_some_and(|q| q > 0.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts_str(header: &str, coding: &str) -> bool {
        accepts(Some(&HeaderValue::from_str(header).unwrap()), coding)
    }

    #[test]
    fn reads_what_browsers_send() {
        assert!(accepts_str("gzip, deflate, br, zstd", "br"));
        assert!(accepts_str("gzip, deflate, br, zstd", "gzip"));
        assert!(!accepts_str("gzip, deflate", "br"));
        assert!(!accepts(None, "gzip"));
    }

    #[test]
    fn weights_of_zero_refuse_and_stars_accept() {
        assert!(!accepts_str("br;q=0, gzip", "br"));
        assert!(accepts_str("br;q=0.5", "br"));
        assert!(accepts_str("*", "gzip"));
        assert!(!accepts_str("*;q=0", "gzip"));
        assert!(!accepts_str("br;q=oops", "br"));
    }

    #[test]
    fn every_encoding_holds_the_same_body() {
        let plain = br#"{"ward":"Phu Dien","tdps":[1,2,3]}"#.repeat(100);
        let p = Precompressed::json(plain.clone()).unwrap();
        let mut br = Vec::new();
        brotli::BrotliDecompress(&mut p.br.as_ref(), &mut br).unwrap();
        assert_eq!(br, plain);
        let mut gzip = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(p.gzip.as_ref()),
            &mut gzip,
        )
        .unwrap();
        assert_eq!(gzip, plain);
        assert!(p.br.len() < plain.len() / 10);
    }
}
