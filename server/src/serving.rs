//! Where the server listens: plain HTTP, or HTTPS with rustls (`--tls-cert`/`--tls-key`) whose
//! certificate is swapped while serving; the plain-HTTP port that sends browsers on to HTTPS;
//! and the metrics listener. They stop together: on SIGTERM each stops accepting, the
//! requests in flight finish (for at most the drain time), and only then does the caller stop
//! PostgreSQL.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use axum::Router;
use axum::http::Uri;
use axum::response::Redirect;
use axum_server::tls_rustls::RustlsConfig;
use axum_server::{Control, Handle};

/// The certificate chain and private key files, PEM, as certbot or an ACME client writes them.
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Tls {
    /// The rustls configuration the files hold now.
    pub async fn load(&self) -> anyhow::Result<RustlsConfig> {
        RustlsConfig::from_pem_file(&self.cert, &self.key)
            .await
            .with_context(|| {
                format!(
                    "cannot read the TLS certificate {} and key {}: both must be PEM, the key \
                     PKCS#8, PKCS#1 or SEC1",
                    self.cert.display(),
                    self.key.display()
                )
            })
    }

    /// When and how the files last changed: certbot and most ACME clients replace them by
    /// renaming, which a watch on the old file would miss, so both are looked at again.
    fn stamp(&self) -> Option<[(SystemTime, u64); 2]> {
        let of = |p: &Path| {
            std::fs::metadata(p)
                .and_then(|m| Ok((m.modified()?, m.len())))
                .ok()
        };
        Some([of(&self.cert)?, of(&self.key)?])
    }

    /// Loads the files again into `config` whenever they change, looking every `every`. A
    /// certificate that does not load (say the key is not written yet) is logged and tried
    /// again; the previous one serves meanwhile.
    pub async fn reload_on_change(self, config: RustlsConfig, every: Duration) {
        let mut loaded = self.stamp();
        loop {
            tokio::time::sleep(every).await;
            let now = self.stamp();
            if now.is_none() || now == loaded {
                continue;
            }
            match config.reload_from_pem_file(&self.cert, &self.key).await {
                Ok(()) => {
                    tracing::info!(cert = %self.cert.display(), "reloaded the TLS certificate");
                    loaded = now;
                }
                Err(e) => tracing::warn!(
                    cert = %self.cert.display(),
                    "the TLS certificate changed but does not load, so the previous one \
                     serves: {e}"
                ),
            }
        }
    }
}

/// The app for the plain-HTTP port beside HTTPS: every request goes to the same path and query
/// at `public_url`, with 308 so that a form's POST stays a POST.
pub fn redirect_to(public_url: &str) -> Router {
    let base = public_url.trim_end_matches('/').to_owned();
    Router::new().fallback(move |uri: Uri| {
        let to = format!("{base}{}", uri.path_and_query().map_or("/", |p| p.as_str()));
        async move { Redirect::permanent(&to) }
    })
}

/// The listeners of one server, stopped together.
#[derive(Clone, Default)]
pub struct Listeners {
    control: Control,
}

impl Listeners {
    /// Serves `app` on `listener`, over TLS when `tls` is given, until [`Listeners::drain`].
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        tls: Option<RustlsConfig>,
        app: Router,
    ) -> anyhow::Result<()> {
        let handle = Handle::<SocketAddr>::with_control(self.control.clone());
        let listener = listener.into_std()?;
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        match tls {
            Some(config) => {
                axum_server::from_tcp_rustls(listener, config)?
                    .handle(handle)
                    .serve(service)
                    .await?
            }
            None => {
                axum_server::from_tcp(listener)?
                    .handle(handle)
                    .serve(service)
                    .await?
            }
        }
        Ok(())
    }

    /// Stops accepting on every listener, and lets the requests in flight finish for at most
    /// `grace`; connections still open then are closed.
    pub fn drain(&self, grace: Duration) {
        self.control.graceful_shutdown(Some(grace));
    }
}
