//! TLS for the mail connections: rustls with the public roots, plus the CA file a
//! private server needs (`imap.ca_file`).

use crate::config::ImapSettings;
use anyhow::{anyhow, Context};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

pub async fn wrap(tcp: TcpStream, settings: &ImapSettings) -> anyhow::Result<TlsStream<TcpStream>> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &settings.ca_file {
        let certs =
            CertificateDer::pem_file_iter(path).with_context(|| format!("reading imap.ca_file {}", path.display()))?;
        for cert in certs {
            let cert = cert.with_context(|| format!("imap.ca_file {} holds a bad certificate", path.display()))?;
            roots
                .add(cert)
                .with_context(|| format!("imap.ca_file {} holds a certificate rustls refuses", path.display()))?;
        }
    }
    let config = ClientConfig::builder_with_provider(Arc::new(tokio_rustls::rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(settings.host.clone())
        .map_err(|_| anyhow!("imap.host '{}' is not a name TLS can check", settings.host))?;
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .with_context(|| {
            format!(
                "TLS with {} failed (is imap.security right for this port?)",
                settings.host
            )
        })
}
