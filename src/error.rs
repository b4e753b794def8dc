//! What a user can get wrong. Every variant here means "bad input" and maps to
//! exit code 2; anything else that fails is a runtime error (exit code 1).

use std::fmt;

/// A scenario file or command-line argument that staffsim cannot accept.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be read (missing, a directory, not text).
    #[error("{file}: could not read the scenario: {reason}")]
    Unreadable { file: String, reason: String },
    /// The file is not valid TOML or a value has the wrong type: the
    /// parser's message at its line and column, then the line it points at.
    #[error("{file}{}: {message}", Position(*at))]
    Syntax { file: String, at: Option<(usize, usize)>, message: String },
    /// The file parsed but its values do not make a desk; every problem found.
    #[error("{}", Problems { file, problems })]
    Invalid { file: String, problems: Vec<Problem> },
    /// A command-line value that cannot be used.
    #[error("{0}")]
    Argument(String),
    /// An output file that is already there and would be overwritten.
    #[error("{0}")]
    Exists(String),
}

/// One problem of a scenario that parsed: where it is in the file (1-based
/// line and column, in characters) when that is known, and the sentence
/// naming the field, the value and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Option<(usize, usize)>,
    pub text: String,
}

/// `:LINE:COL` after a file name, or nothing when the position is unknown.
struct Position(Option<(usize, usize)>);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((line, column)) => write!(f, ":{line}:{column}"),
            None => Ok(()),
        }
    }
}

/// One problem on one line, `file:LINE:COL: text`; several start with a
/// line that counts them, so `error:` (printed before the first line) heads
/// the whole list and every problem line starts with its position.
struct Problems<'a> {
    file: &'a str,
    problems: &'a [Problem],
}

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.problems.len() > 1 {
            write!(f, "{}: {} problems", self.file, self.problems.len())?;
        }
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 || self.problems.len() > 1 {
                writeln!(f)?;
            }
            write!(f, "{}{}: {}", self.file, Position(p.at), p.text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(problems: &[(Option<(usize, usize)>, &str)]) -> String {
        let problems = problems.iter().map(|&(at, text)| Problem { at, text: text.into() }).collect();
        InputError::Invalid { file: "desk.toml".into(), problems }.to_string()
    }

    #[test]
    fn one_problem_is_one_line_and_several_are_counted_first() {
        assert_eq!(invalid(&[(Some((12, 5)), "queue \"chat\": x")]), "desk.toml:12:5: queue \"chat\": x");
        assert_eq!(
            invalid(&[(Some((3, 1)), "simulation.horizon: bad"), (None, "no team")]),
            "desk.toml: 2 problems\ndesk.toml:3:1: simulation.horizon: bad\ndesk.toml: no team"
        );
        let syntax = InputError::Syntax { file: "d.toml".into(), at: Some((2, 9)), message: "oops".into() };
        assert_eq!(syntax.to_string(), "d.toml:2:9: oops");
        let empty = InputError::Syntax { file: "d.toml".into(), at: None, message: "empty".into() };
        assert_eq!(empty.to_string(), "d.toml: empty");
    }
}
