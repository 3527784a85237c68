//! The integration tests: one binary, one harness that starts the desk on a fresh
//! database (SQLite in a temp folder, or a new PostgreSQL database).

#[macro_use]
mod story;
mod accounts;
mod api;
mod authenticity;
mod browser;
mod chaos;
mod chat;
mod cli;
mod crash;
mod daily_limit;
mod discord;
mod dkim;
mod estimates;
mod fake_discord;
mod faults;
mod folder;
mod harness;
mod imap;
mod inbox;
mod letters;
mod mail_out;
mod mailstack;
mod parse;
mod partial;
mod port_day;
mod posts;
mod relay;
mod reminders;
mod reopen;
mod replicas;
mod run;
mod scale;
mod sender;
mod texts;
mod unsure;
mod web;
