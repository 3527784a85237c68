//! portbot: the bot that runs a VoIP provider's number-porting desk.

pub mod domain;
pub mod store;
pub mod clock;
pub mod texts;
pub mod views;
pub mod desk;
pub mod chat;
