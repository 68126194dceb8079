//! Stub: to be written.
use super::ParseResult;
use crate::input::ParseError;

pub fn parse(_text: &str) -> ParseResult {
    Err(ParseError::new(1, 1, "not implemented yet"))
}

/// Cheap check used by format detection.
pub fn looks_like(_text: &str) -> bool {
    false
}
