//! A desk that does not slow down with its history (issue #18): each hot query is served
//! by an index on both backends; `/metrics` reads tallies kept with each change, and they
//! agree with a count of the tables; a tick that fails says so in `/healthz` and tells
//! staff once.

mod lookups;
mod plans;
mod scheduler;
mod tallies;

use crate::harness::TestDesk;
use crate::story::acme_request;
use portbot::domain::Source;

/// The order a customer asked for on these numbers, opened on the command line.
async fn opened(t: &TestDesk, numbers: &str) -> portbot::domain::Order {
    t.app.desk.open_order(acme_request(numbers), Source::Cli).await.unwrap()
}
