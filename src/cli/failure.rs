//! A failure as the user sees it: one sentence on stderr and an exit code (1 for bad
//! input, 2 for a failing dependency, 0 for a reader that went away).

use crate::desk::DeskError;
use crate::store::StoreError;

/// A failure as the user sees it: one sentence and an exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// Output that could not be written. A reader that went away (`| head`) is no
    /// failure: the command stops quietly (code 0, nothing to say).
    pub(crate) fn output(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Self {
                message: String::new(),
                code: 0,
            };
        }
        Self {
            message: format!("the output could not be written: {e}"),
            code: 2,
        }
    }

    pub(super) fn input(message: impl ToString) -> Self {
        Self {
            message: message.to_string(),
            code: 1,
        }
    }
}

impl From<DeskError> for Failure {
    fn from(e: DeskError) -> Self {
        let code = if e.is_dependency_failure() { 2 } else { 1 };
        Self {
            message: e.to_string(),
            code,
        }
    }
}

impl From<crate::app::StartError> for Failure {
    fn from(e: crate::app::StartError) -> Self {
        match e {
            crate::app::StartError::Store(e) => e.into(),
            auth => Self {
                message: auth.to_string(),
                code: 1,
            },
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        DeskError::from(e).into()
    }
}
