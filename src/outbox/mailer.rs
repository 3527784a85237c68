//! Where e-mail goes: an SMTP server (lettre; plain, STARTTLS or TLS as configured), or,
//! in local mode, a folder of `.eml` files. The sender only sees `Mailer`.

use crate::config::{Security, SmtpSettings};
use async_trait::async_trait;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Why a message did not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// The server refused it for good (a 5xx); else it may go later.
    pub permanent: bool,
    pub text: String,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Hands one message over; `name` is a stable name for it (its outbox id).
    async fn send(&self, message: &Message, name: &str) -> Result<(), SendError>;

    /// Where mail goes, for `/healthz`.
    fn describe(&self) -> String;
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    server: String,
}

impl SmtpMailer {
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Self> {
        let tls = || -> anyhow::Result<TlsParameters> {
            let mut params = TlsParameters::builder(settings.host.clone());
            if let Some(path) = &settings.ca_file {
                let pem = std::fs::read(path)
                    .map_err(|e| anyhow::anyhow!("smtp.ca_file {} cannot be read: {e}", path.display()))?;
                params = params.add_root_certificate(Certificate::from_pem(&pem)?);
            }
            Ok(params.build_rustls()?)
        };
        let tls = match settings.security {
            Security::Plain => Tls::None,
            Security::StartTls => Tls::Required(tls()?),
            Security::Tls => Tls::Wrapper(tls()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&settings.user, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_string()));
        }
        Ok(Self {
            transport: builder.build(),
            server: format!("smtp://{}:{}", settings.host, settings.port),
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &Message, _name: &str) -> Result<(), SendError> {
        self.transport
            .send(message.clone())
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                text: format!("{e}"),
            })
    }

    fn describe(&self) -> String {
        self.server.clone()
    }
}

/// Local mode: each message becomes `FOLDER/NAME.eml`; a resend writes the same file.
pub struct FolderMailer {
    folder: PathBuf,
}

impl FolderMailer {
    pub fn new(folder: PathBuf) -> Self {
        Self { folder }
    }
}

#[async_trait]
impl Mailer for FolderMailer {
    async fn send(&self, message: &Message, name: &str) -> Result<(), SendError> {
        let temporary = |e: std::io::Error| SendError {
            permanent: false,
            text: format!("cannot write to the outbox folder {}: {e}", self.folder.display()),
        };
        tokio::fs::create_dir_all(&self.folder).await.map_err(temporary)?;
        let path = self.folder.join(format!("{name}.eml"));
        let partial = self.folder.join(format!(".{name}.eml.part"));
        tokio::fs::write(&partial, message.formatted())
            .await
            .map_err(temporary)?;
        tokio::fs::rename(&partial, &path).await.map_err(temporary)
    }

    fn describe(&self) -> String {
        format!("local outbox folder {}", self.folder.display())
    }
}
