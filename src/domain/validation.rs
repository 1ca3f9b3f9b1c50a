//! What every validator returns: which field was wrong and why, in words a
//! person can act on. Forms show `message` beside `field`; APIs return both.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field or JSON key at fault, e.g. `narrative` or `value`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// A problem with one row of an uploaded file: its line, the column at fault,
/// and what is wrong. Sent to the browser for the import preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub message: String,
}

/// Collects every field's problem, so a form hears about all of them at once.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        FieldErrors::default()
    }

    /// The value when `result` is `Ok`; otherwise records the error and gives `None`.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|error| self.0.push(error)).ok()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Trims `value` and checks it is present (when `required`) and at most `max_chars`
/// characters long. Control characters other than newlines and tabs are refused:
/// they are never typed by a person and can hide text.
pub fn clean_text(field: &str, value: &str, required: bool, max_chars: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    let length = trimmed.chars().count();
    if length > max_chars {
        return Err(FieldError::new(field, format!("is {length} characters long; the limit is {max_chars}")));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(FieldError::new(field, "contains control characters"));
    }
    Ok(trimmed.replace("\r\n", "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_collected_in_order() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.take(clean_text("a", "ok", true, 5)).as_deref(), Some("ok"));
        assert_eq!(errors.take(clean_text("b", "", true, 5)), None);
        errors.push(FieldError::new("c", "is wrong"));
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["b", "c"]);
    }

    #[test]
    fn text_is_trimmed_limited_and_required() {
        assert_eq!(clean_text("name", "  a b \r\n c ", true, 10), Ok("a b \n c".to_string()));
        assert_eq!(clean_text("name", "   ", true, 10), Err(FieldError::new("name", "is required")));
        assert_eq!(clean_text("name", "", false, 10), Ok(String::new()));
        let long = clean_text("name", "abcdefghijk", true, 10).unwrap_err();
        assert_eq!(long.to_string(), "name: is 11 characters long; the limit is 10");
        assert!(clean_text("name", "a\u{0}b", true, 10).is_err());
        // Markup and SQL are text like any other: kept as typed, escaped when shown.
        assert_eq!(clean_text("n", "<script>x</script>", true, 50).as_deref(), Ok("<script>x</script>"));
        assert_eq!(clean_text("n", "'; DROP TABLE x;--", true, 50).as_deref(), Ok("'; DROP TABLE x;--"));
    }
}
