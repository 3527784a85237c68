//! `portbot staff`: the web board's accounts. `staff add NAME` asks for the password
//! (twice at a terminal; the first line of standard input otherwise, for scripts).

use super::Failure;
use crate::app::App;
use crate::domain::staff::{check_staff_name, StaffAccount, StaffRole};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Subcommand, Debug)]
pub enum StaffCli {
    /// Add a staff account, or give it a new password (its sign-ins end).
    Add {
        /// One word, as the order timeline shows who acted.
        name: String,
        /// May look but not change orders (as a chat member without the staff role).
        #[arg(long)]
        read_only: bool,
    },
    /// The accounts and their roles.
    List,
}

pub async fn staff(app: &App, command: StaffCli, json: bool, out: &mut (dyn Write + Send)) -> Result<(), Failure> {
    match command {
        StaffCli::Add { name, read_only } => {
            check_staff_name(&name).map_err(Failure::input)?;
            let password = read_password(&name)?;
            let password_hash = crate::web::session::hash_password(&password).map_err(Failure::input)?;
            let role = if read_only {
                StaffRole::ReadOnly
            } else {
                StaffRole::Staff
            };
            let account = StaffAccount {
                name: name.clone(),
                password_hash,
                role,
                created_at: app.desk.now(),
            };
            app.store.save_staff_account(&account).await?;
            let text = if json {
                serde_json::json!({ "name": name, "role": role.as_str() }).to_string()
            } else {
                format!("{name} can sign in to the web board ({})", role.as_str())
            };
            writeln!(out, "{text}").map_err(Failure::output)
        }
        StaffCli::List => {
            let accounts = app.store.staff_accounts().await?;
            let text = if json {
                let list: Vec<_> = accounts
                    .iter()
                    .map(|a| serde_json::json!({ "name": a.name, "role": a.role.as_str() }))
                    .collect();
                serde_json::Value::Array(list).to_string()
            } else if accounts.is_empty() {
                "no staff accounts yet: add one with `portbot staff add NAME`".to_string()
            } else {
                accounts
                    .iter()
                    .map(|a| format!("{} ({})", a.name, a.role.as_str()))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            writeln!(out, "{text}").map_err(Failure::output)
        }
    }
}

fn read_password(name: &str) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: "))
            .map_err(|e| Failure::input(format!("the password could not be read: {e}")))?;
        let again = rpassword::prompt_password("The same again: ")
            .map_err(|e| Failure::input(format!("the password could not be read: {e}")))?;
        if first != again {
            return Err(Failure::input("the two passwords differ: nothing was changed"));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::input(format!("the password could not be read from standard input: {e}")))?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(Failure::input(
            "give the password on standard input (one line) or run at a terminal",
        ));
    }
    Ok(password)
}
