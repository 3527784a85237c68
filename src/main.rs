//! `portbot`: parses the command line, starts tracing, hands over to the library.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = portbot::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTBOT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut stdout = std::io::stdout();
    match portbot::cli::execute(cli, &mut stdout).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("portbot: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
