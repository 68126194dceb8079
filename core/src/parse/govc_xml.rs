//! Stub: to be written.
use super::ParseResult;
use crate::input::ParseError;

pub fn parse(_text: &str) -> ParseResult {
    Err(ParseError::new(1, 1, "not implemented yet"))
}
