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

/// Whether a query parameter carries a form's outcome: its error message
/// (`error`, Leptos's `__path` and `__err`) or what was typed (`values[…]`).
/// Such parameters are never read from an address a browser was given: the
/// server keeps them (`server::flash`) and the address names them by id.
pub fn is_form_outcome_key(key: &str) -> bool {
    matches!(key, "error" | "__err" | "__path") || key.starts_with("values[")
}

/// Keeps the first `max` problems of a long list and ends it with one saying
/// how many more there are: a crafted file cannot make a megabyte of errors,
/// and a person fixes the first hundred before reading the rest anyway.
pub fn cap_problems(mut errors: Vec<RowError>, max: usize) -> Vec<RowError> {
    if errors.len() <= max {
        return errors;
    }
    let more = errors.len() - max;
    errors.truncate(max);
    let line = errors.last().map_or(1, |last| last.line);
    errors.push(RowError {
        line,
        column: "file".into(),
        message: format!(
            "and {more} more problem{}: fix these first, then upload again",
            if more == 1 { "" } else { "s" }
        ),
    });
    errors
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
    #[test]
    fn long_lists_of_problems_end_with_how_many_more() {
        let problem = |line| super::RowError { line, column: "A".into(), message: "bad".into() };
        let few: Vec<_> = (1..=3).map(problem).collect();
        assert_eq!(super::cap_problems(few.clone(), 3), few);
        let capped = super::cap_problems((1..=250).map(problem).collect(), 100);
        assert_eq!(capped.len(), 101);
        assert_eq!(capped[100].message, "and 150 more problems: fix these first, then upload again");
        assert_eq!(
            super::cap_problems((1..=101).map(problem).collect(), 100)[100].message.split(':').next(),
            Some("and 1 more problem")
        );
    }

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
