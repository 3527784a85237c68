//! The Discord face of the chat core (serenity): slash commands and `!port` text
//! commands in the porting channel become the same command lines the terminal takes;
//! staff posts from the outbox become embeds in that channel. No porting logic here:
//! the chat core decides and answers.

mod commands;

use crate::chat::poster::ChatSink;
use crate::chat::{Caller, ChatCore, Reply};
use crate::config::DiscordSettings;
use crate::desk::Desk;
use crate::domain::OutboxMessage;
use async_trait::async_trait;
use serenity::all::{
    ChannelId, Command, CommandInteraction, Context, CreateAllowedMentions, CreateAutocompleteResponse, CreateEmbed,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, EventHandler, GatewayIntents, Http,
    HttpBuilder, Interaction, Message, Ready, RoleId,
};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Discord refuses messages longer than this.
const MAX_MESSAGE: usize = 2000;

/// The REST client, pointed at Discord or at `discord.api_url`.
pub fn http(settings: &DiscordSettings) -> Arc<Http> {
    Arc::new(http_client(settings))
}

fn http_client(settings: &DiscordSettings) -> Http {
    let mut builder = HttpBuilder::new(settings.token.expose());
    if let Some(url) = &settings.api_url {
        // A proxy (or the tests' fake Discord) takes every REST call; its rate limits
        // are its own.
        builder = builder.proxy(url.trim_end_matches('/')).ratelimiter_disabled(true);
    }
    builder.build()
}

struct Handler {
    chat: Arc<ChatCore>,
    desk: Arc<Desk>,
    settings: DiscordSettings,
}

impl Handler {
    fn caller(&self, name: &str, roles: &[RoleId]) -> Caller {
        Caller {
            name: name.to_string(),
            is_staff: roles.contains(&RoleId::new(self.settings.staff_role_id)),
        }
    }

    async fn answer_command(&self, ctx: &Context, command: &CommandInteraction) -> serenity::Result<()> {
        let reply = match (&command.member, command.channel_id.get() == self.settings.channel_id) {
            (Some(member), true) => {
                let caller = self.caller(&member.user.name, &member.roles);
                self.chat.handle(&caller, &commands::command_line(&command.data)).await
            }
            _ => refusal(),
        };
        // Text from outside (an e-mail's subject) must never ping anyone.
        let quiet = CreateInteractionResponseMessage::new().allowed_mentions(CreateAllowedMentions::new());
        let message = match card(&reply) {
            Some(embed) => quiet.embed(embed),
            None => quiet.content(clip(&reply.text)),
        };
        command
            .create_response(&ctx.http, CreateInteractionResponse::Message(message))
            .await
    }
}

/// An answer about an order, as an embed: its first line the title, the card below.
/// (The card is the chat core's: it never shows the PIN or the whole account number.)
fn card(reply: &Reply) -> Option<CreateEmbed> {
    let reference = reply.order.as_ref().filter(|_| reply.ok)?;
    let (title, body) = reply.text.split_once('\n').unwrap_or((&reply.text, ""));
    Some(
        CreateEmbed::new()
            .title(clip_to(title.trim_matches('*'), 256))
            .description(clip_to(body, 4096))
            .footer(serenity::all::CreateEmbedFooter::new(reference.clone())),
    )
}

/// What a direct message or another channel gets.
fn refusal() -> Reply {
    Reply {
        ok: false,
        text: "portbot takes commands in the porting channel only.".to_string(),
        order: None,
        dependency_failed: false,
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, "connected to Discord");
        self.desk
            .health()
            .report("chat", true, format!("Discord as {}", ready.user.name));
        if let Err(e) = Command::set_global_commands(&ctx.http, commands::definitions()).await {
            tracing::error!(error = %e, "the slash commands could not be registered");
        }
    }

    async fn message(&self, ctx: Context, message: Message) {
        if message.author.bot {
            return;
        }
        let Some(text) = message.content.trim().strip_prefix("!port") else {
            return;
        };
        let reply = match (&message.member, message.channel_id.get() == self.settings.channel_id) {
            (Some(member), true) => {
                let caller = self.caller(&message.author.name, &member.roles);
                self.chat.handle(&caller, text).await
            }
            // A direct message (no member) or another channel: refused, nothing read.
            _ => refusal(),
        };
        let quiet = CreateMessage::new().allowed_mentions(CreateAllowedMentions::new());
        let answer = match card(&reply) {
            Some(embed) => quiet.embed(embed),
            None => quiet.content(clip(&reply.text)),
        };
        if let Err(e) = message.channel_id.send_message(&ctx.http, answer).await {
            tracing::error!(error = %e, "a Discord reply could not be sent");
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let result = match interaction {
            Interaction::Command(command) => self.answer_command(&ctx, &command).await,
            Interaction::Autocomplete(asked) => {
                let choices = commands::suggestions(&self.desk, &asked.data).await;
                let mut response = CreateAutocompleteResponse::new();
                for (name, value) in choices {
                    response = response.add_string_choice(name, value);
                }
                asked
                    .create_response(&ctx.http, CreateInteractionResponse::Autocomplete(response))
                    .await
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "a Discord interaction could not be answered");
        }
    }
}

/// Connects to Discord and serves commands until shutdown; reconnecting is serenity's.
pub async fn run(chat: Arc<ChatCore>, desk: Arc<Desk>, settings: DiscordSettings, shutdown: CancellationToken) {
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    let http = http_client(&settings);
    let handler = Handler {
        chat,
        desk: desk.clone(),
        settings,
    };
    let client = serenity::all::ClientBuilder::new_with_http(http, intents)
        .event_handler(handler)
        .await;
    let mut client = match client {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "Discord could not be reached");
            desk.health().report("chat", false, format!("Discord: {e}"));
            return;
        }
    };
    let shards = client.shard_manager.clone();
    tokio::select! {
        result = client.start() => {
            if let Err(e) = result {
                tracing::error!(error = %e, "the Discord connection ended");
                desk.health().report("chat", false, format!("Discord: {e}"));
            }
        }
        _ = shutdown.cancelled() => shards.shutdown_all().await,
    }
}

/// Staff posts as embeds in the porting channel.
pub struct DiscordSink {
    http: Arc<Http>,
    channel: ChannelId,
}

impl DiscordSink {
    pub fn new(http: Arc<Http>, channel_id: u64) -> Self {
        Self {
            http,
            channel: ChannelId::new(channel_id),
        }
    }
}

#[async_trait]
impl ChatSink for DiscordSink {
    async fn post(&self, post: &OutboxMessage) -> Result<(), String> {
        let mut embed = CreateEmbed::new()
            .title(clip_to(&post.subject, 256))
            .description(clip_to(&post.body, 4096));
        if let Some(r) = &post.order_ref {
            embed = embed.footer(serenity::all::CreateEmbedFooter::new(r.to_string()));
        }
        self.channel
            .send_message(
                &self.http,
                CreateMessage::new()
                    .embed(embed)
                    .allowed_mentions(CreateAllowedMentions::new()),
            )
            .await
            .map(|_| ())
            .map_err(|e| format!("Discord refused the post: {e}"))
    }
}

fn clip(text: &str) -> String {
    clip_to(text, MAX_MESSAGE)
}

fn clip_to(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}
