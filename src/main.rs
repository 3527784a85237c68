//! `portbot`: parses the command line, starts tracing, hands over to the library.

use clap::Parser;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let cli = portbot::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTBOT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("portbot: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let mut stdout = std::io::stdout();
    let result = runtime.block_on(portbot::cli::execute(cli, &mut stdout));
    // The terminal chat's stdin reader can sit in a blocking read forever: every unit
    // of work has finished by now, so do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("portbot: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
