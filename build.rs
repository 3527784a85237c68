//! The SQL migrations are built into the binary (`sqlx::migrate!`): a new or changed
//! migration rebuilds it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
