//! The integration tests: one binary, one harness that starts the desk on a fresh
//! database (SQLite in a temp folder, or a new PostgreSQL database).

mod chat;
mod cli;
mod harness;
mod parse;
mod run;
mod story;
