//! portbot: the bot that runs a VoIP provider's number-porting desk.

pub mod domain;
