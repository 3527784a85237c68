//! portbot: the bot that runs a VoIP provider's number-porting desk.

pub mod api;
pub mod app;
pub mod auth;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod config;
pub mod desk;
pub mod discord;
pub mod domain;
pub mod health;
pub mod inbox;
pub mod outbox;
pub mod parse;
pub mod run;
pub mod store;
pub mod texts;
pub mod views;
pub mod web;
pub mod worker;
