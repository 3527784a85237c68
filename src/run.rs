//! `portbot run`: the long-running bot: the inbox watcher (IMAP or the local folder)
//! and the chat; in local mode the terminal is the team chat. One shutdown token,
//! cancelled by Ctrl-C or SIGTERM, stops every task between two units of work, never
//! inside one; the end of the terminal's input stops the bot too.

use crate::app::App;
use crate::chat::Caller;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

/// Reads staff commands line by line from `input` and writes each reply to `output`,
/// until the input ends or `shutdown` is cancelled.
pub async fn run<I, O>(app: &App, shutdown: CancellationToken, input: I, mut output: O) -> anyhow::Result<()>
where
    I: AsyncBufRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let settings = &app.settings;
    if settings.auth.mode == crate::auth::Mode::Off {
        tracing::warn!(
            "SENDER AUTHENTICATION IS OFF (local mode): every notice is believed as its From: says; \
             set [auth] mode = \"verify\" or \"authentication-results\" for real mail"
        );
    }
    let mut tasks = background(app, &shutdown).await?;
    let chat = match &settings.chat.mode {
        crate::config::ChatMode::Terminal => {
            // Local mode: staff posts appear in the terminal between the replies.
            let (posts_tx, posts) = tokio::sync::mpsc::unbounded_channel();
            let sink = std::sync::Arc::new(crate::chat::poster::TerminalSink::new(posts_tx));
            tasks.push(("chat poster", spawn_poster(app, sink, &shutdown)));
            app.desk.health().report("chat", true, "the terminal (local mode)");
            terminal_chat(app, &shutdown, input, &mut output, posts).await
        }
        crate::config::ChatMode::Discord(discord) => {
            tasks.extend(discord_chat(app, discord, &shutdown));
            // The terminal is not the chat: the bot runs until a signal.
            output
                .write_all(b"portbot is running with Discord as the chat; Ctrl-C or SIGTERM stops it.\n")
                .await?;
            output.flush().await?;
            shutdown.cancelled().await;
            Ok(())
        }
    };
    // Whatever ended the chat ends the bot: each task finishes the unit of work it holds.
    shutdown.cancel();
    for (name, task) in tasks {
        match task.await {
            Ok(()) => tracing::info!(task = name, "stopped"),
            Err(e) => tracing::error!(task = name, error = %e, "ended abnormally"),
        }
    }
    tracing::info!("portbot stopped");
    chat
}

/// A task of the bot, by the name its stop is logged under.
type Task = (&'static str, tokio::task::JoinHandle<()>);

/// The tasks that run whatever the chat is: the inbox watcher, the e-mail sender, the
/// scheduler and, when configured, the HTTP API.
async fn background(app: &App, shutdown: &CancellationToken) -> anyhow::Result<Vec<Task>> {
    let settings = &app.settings;
    let sender =
        crate::outbox::EmailSender::from_settings(app.desk.sending(), &settings.outbox, &settings.inbox.address)?;
    let mut tasks: Vec<Task> = vec![
        (
            "inbox watcher",
            tokio::spawn(crate::inbox::watch(
                app.desk.clone(),
                settings.inbox.source.clone(),
                shutdown.child_token(),
            )),
        ),
        (
            "e-mail sender",
            tokio::spawn(run_sender(sender, shutdown.child_token())),
        ),
        ("scheduler", {
            let scheduler = Scheduler {
                desk: app.desk.clone(),
                schedule: settings.reminders.schedule.clone(),
            };
            let stop = shutdown.child_token();
            tokio::spawn(async move { crate::worker::supervise(&scheduler, stop).await })
        }),
    ];
    if let Some(api) = &settings.api {
        let listener = tokio::net::TcpListener::bind(api.listen)
            .await
            .map_err(|e| anyhow::anyhow!("api.listen {} cannot be used: {e}", api.listen))?;
        let served = crate::api::Api {
            desk: app.desk.clone(),
            store: app.store.clone(),
            health: app.desk.health().clone(),
            token: api.token.clone(),
        };
        let stop = shutdown.child_token();
        tasks.push((
            "HTTP API",
            tokio::spawn(async move {
                if let Err(e) = crate::api::serve(served, listener, stop).await {
                    tracing::error!(error = %e, "the HTTP API stopped");
                }
            }),
        ));
    }
    if let Some(web) = &settings.web {
        let listener = tokio::net::TcpListener::bind(web.listen)
            .await
            .map_err(|e| anyhow::anyhow!("web.listen {} cannot be used: {e}", web.listen))?;
        let board = std::sync::Arc::new(crate::web::Board::new(
            app.desk.clone(),
            app.store.clone(),
            app.chat.clone(),
            web.clone(),
            settings.time_zone,
        ));
        let stop = shutdown.child_token();
        tasks.push((
            "web board",
            tokio::spawn(async move {
                if let Err(e) = crate::web::serve(board, listener, stop).await {
                    tracing::error!(error = %e, "the web board stopped");
                }
            }),
        ));
    }
    Ok(tasks)
}

/// Discord as the team chat: the poster of staff posts and the client.
fn discord_chat(app: &App, discord: &crate::config::DiscordSettings, shutdown: &CancellationToken) -> Vec<Task> {
    let sink = std::sync::Arc::new(crate::discord::DiscordSink::new(
        crate::discord::http(discord),
        discord.channel_id,
    ));
    let client = crate::discord::run(
        app.chat.clone(),
        app.desk.clone(),
        discord.clone(),
        shutdown.child_token(),
    );
    vec![
        ("chat poster", spawn_poster(app, sink, shutdown)),
        ("Discord", tokio::spawn(client)),
    ]
}

fn spawn_poster(
    app: &App,
    sink: std::sync::Arc<dyn crate::chat::poster::ChatSink>,
    shutdown: &CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let poster = crate::chat::poster::ChatPoster::new(app.desk.sending(), sink, app.settings.outbox.poll);
    let stop = shutdown.child_token();
    tokio::spawn(async move { poster.run(stop).await })
}

async fn run_sender(sender: crate::outbox::EmailSender, shutdown: CancellationToken) {
    sender.run(shutdown).await
}

/// The desk's tick at each time the cron schedule names, by the desk's clock.
pub struct Scheduler {
    pub desk: std::sync::Arc<crate::desk::Desk>,
    pub schedule: cron::Schedule,
}

impl crate::worker::Worker for Scheduler {
    fn name(&self) -> &'static str {
        "scheduler"
    }

    async fn pass(&self, _: &CancellationToken) -> anyhow::Result<crate::worker::Pass> {
        self.desk.scheduled_tick().await?;
        Ok(crate::worker::Pass::Idle)
    }

    /// Until the schedule's next time.
    fn idle_wait(&self) -> std::time::Duration {
        let now = self.desk.now();
        self.schedule
            .after(&now)
            .next()
            .and_then(|next| (next - now).to_std().ok())
            .unwrap_or(std::time::Duration::from_secs(3600))
    }

    fn first_wait(&self) -> std::time::Duration {
        self.idle_wait()
    }
}

async fn terminal_chat<I, O>(
    app: &App,
    shutdown: &CancellationToken,
    input: I,
    output: &mut O,
    mut posts: tokio::sync::mpsc::UnboundedReceiver<String>,
) -> anyhow::Result<()>
where
    I: AsyncBufRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let caller = Caller::staff(&app.settings.chat.terminal_user);
    let mut lines = input.lines();
    if app.settings.auth.mode == crate::auth::Mode::Off {
        output
            .write_all(
                b"WARNING: sender authentication is off (local mode): every notice is believed as its From: says.\n",
            )
            .await?;
    }
    output
        .write_all(b"portbot is running in local mode. Type a command (`help` lists them); Ctrl-C stops.\n> ")
        .await?;
    output.flush().await?;
    loop {
        let line = tokio::select! {
            _ = shutdown.cancelled() => {
                tracing::info!("shutdown requested: terminal chat stopped");
                break;
            }
            Some(post) = posts.recv() => {
                output.write_all(format!("\n{post}\n> ").as_bytes()).await?;
                output.flush().await?;
                continue;
            }
            line = lines.next_line() => line?,
        };
        let Some(line) = line else {
            tracing::info!("terminal input ended: terminal chat stopped");
            break;
        };
        if line.trim().is_empty() {
            output.write_all(b"> ").await?;
            output.flush().await?;
            continue;
        }
        if matches!(line.trim(), "quit" | "exit") {
            break;
        }
        let reply = app.chat.handle(&caller, &line).await;
        output.write_all(crate::chat::plain(&reply.text).as_bytes()).await?;
        output.write_all(b"\n> ").await?;
        output.flush().await?;
    }
    output.write_all(b"\nbye\n").await?;
    output.flush().await?;
    Ok(())
}

/// A token cancelled by the first Ctrl-C or SIGTERM.
pub fn shutdown_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let trigger = token.clone();
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "cannot listen for SIGTERM");
                    let _ = ctrl_c.await;
                    trigger.cancel();
                    return;
                }
            };
            tokio::select! {
                _ = ctrl_c => tracing::info!("Ctrl-C received"),
                _ = term.recv() => tracing::info!("SIGTERM received"),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
        trigger.cancel();
    });
    token
}
