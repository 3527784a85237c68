//! `portbot`: parses the command line, starts tracing, hands over to the library.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A mistake on the command line is bad input: exit 1 (help and version: 0).
    let cli = match portbot::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    tracing_subscriber::fmt()
        // Colour only for a person at a terminal, never in a piped log.
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTBOT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut stdout = std::io::stdout();
    // `parse` reads files on threads of its own: no runtime to start and stop.
    let result = match portbot::cli::execute_offline(&cli, &mut stdout) {
        Some(result) => result,
        None => run_on_runtime(cli, &mut stdout),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.message.is_empty() => ExitCode::from(failure.code),
        Err(failure) => {
            eprintln!("portbot: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Every other command, on a multi-threaded async runtime.
fn run_on_runtime(cli: portbot::cli::Cli, stdout: &mut std::io::Stdout) -> Result<(), portbot::cli::Failure> {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            return Err(portbot::cli::Failure {
                message: format!("cannot start the async runtime: {e}"),
                code: 2,
            })
        }
    };
    let result = runtime.block_on(portbot::cli::execute(cli, stdout));
    // The terminal chat's stdin reader can sit in a blocking read forever: every unit
    // of work has finished by now, so do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}
