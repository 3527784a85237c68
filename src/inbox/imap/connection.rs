//! Reaching the IMAP server: connect, read the greeting, upgrade to TLS as configured,
//! log in; and every command bounded in time.

use crate::config::{ImapSettings, Security};
use anyhow::{anyhow, Context};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Connecting and logging in give up after this.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// `command`, unless the server leaves it unanswered for `limit`.
pub(super) async fn answered<T, E>(
    limit: Duration,
    what: &str,
    command: impl std::future::Future<Output = Result<T, E>>,
) -> anyhow::Result<T>
where
    E: Into<anyhow::Error>,
{
    match tokio::time::timeout(limit, command).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(anyhow!(
            "the IMAP server did not answer {what} within {limit:?}: reconnecting"
        )),
    }
}

/// A connection, plain or encrypted.
pub trait Wire: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Wire for T {}

pub type Session = async_imap::Session<Box<dyn Wire>>;

/// Connects, reads the greeting, upgrades to TLS as configured and logs in.
pub async fn connect(settings: &ImapSettings) -> anyhow::Result<Session> {
    tokio::time::timeout(CONNECT_TIMEOUT, connect_inner(settings))
        .await
        .map_err(|_| {
            anyhow!(
                "no answer from {}:{} within {CONNECT_TIMEOUT:?}",
                settings.host,
                settings.port
            )
        })?
}

async fn connect_inner(settings: &ImapSettings) -> anyhow::Result<Session> {
    let address = (settings.host.as_str(), settings.port);
    let tcp = TcpStream::connect(address)
        .await
        .with_context(|| format!("connecting to imap.host {}:{}", settings.host, settings.port))?;
    tcp.set_nodelay(true)?;
    let wire: Box<dyn Wire> = match settings.security {
        Security::Plain => Box::new(tcp),
        Security::Tls => Box::new(crate::inbox::tls::wrap(tcp, settings).await?),
        Security::StartTls => {
            let mut client = async_imap::Client::new(tcp);
            greeting(&mut client).await?;
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .context("the server refused STARTTLS: set imap.security = \"tls\" or check the port")?;
            Box::new(crate::inbox::tls::wrap(client.into_inner(), settings).await?)
        }
    };
    let mut client = async_imap::Client::new(wire);
    if settings.security != Security::StartTls {
        greeting(&mut client).await?;
    }
    client
        .login(&settings.user, settings.password.expose())
        .await
        .map_err(|(e, _)| anyhow!("imap.user '{}' could not log in: {e}", settings.user))
}

async fn greeting<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug>(
    client: &mut async_imap::Client<T>,
) -> anyhow::Result<()> {
    client
        .read_response()
        .await?
        .ok_or_else(|| anyhow!("the server closed the connection before its greeting"))?;
    Ok(())
}
