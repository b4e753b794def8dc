//! What a user can get wrong. Every variant here means "bad input" and maps to
//! exit code 2; anything else that fails is a runtime error (exit code 1).

use std::fmt;

/// A scenario file or command-line argument that staffsim cannot accept.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be read (missing, a directory, not text).
    #[error("{file}: could not read the scenario: {reason}")]
    Unreadable { file: String, reason: String },
    /// The file is not valid TOML or a value has the wrong type; `message`
    /// carries the TOML parser's line and column.
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    /// The file parsed but its values do not make a desk; every problem found.
    #[error("{}", Problems { file, problems })]
    Invalid { file: String, problems: Vec<String> },
    /// A command-line value that cannot be used.
    #[error("{0}")]
    Argument(String),
    /// An output file that is already there and would be overwritten.
    #[error("{0}")]
    Exists(String),
}

struct Problems<'a> {
    file: &'a str,
    problems: &'a [String],
}

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {p}", self.file)?;
        }
        Ok(())
    }
}
