//! Checks that a well-formed reference names something that exists, so an
//! unknown ICS or period is a 4xx that names it, never a foreign-key failure
//! answered with 500.

use crate::db::{self, Pool};
use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use crate::error::AppError;

/// A well-formed code and whether it names a London ICS (with the ones that do).
/// A malformed code is a 400 naming `field`.
async fn lookup_ics(pool: &Pool, field: &str, text: &str) -> Result<(IcsCode, Result<(), Vec<IcsCode>>), AppError> {
    let code = IcsCode::parse(text).map_err(|message| AppError::invalid(field, message))?;
    let known = db::london::ics_codes(pool).await?;
    let found = if known.contains(&code) { Ok(()) } else { Err(known) };
    Ok((code, found))
}

/// An ICS code from a form field that names a London ICS; anything else is a
/// 400 naming the field.
pub async fn known_ics(pool: &Pool, field: &str, text: &str) -> Result<IcsCode, AppError> {
    match lookup_ics(pool, field, text).await? {
        (code, Ok(())) => Ok(code),
        (code, Err(known)) => {
            let known: Vec<&str> = known.iter().map(IcsCode::as_str).collect();
            Err(AppError::invalid(field, format!("there is no ICS {code}; London's ICSs are {}", known.join(", "))))
        }
    }
}

/// An ICS named in a URL (`?ics=`): malformed is 400, well-formed but unknown 404.
pub async fn requested_ics(pool: &Pool, text: &str) -> Result<IcsCode, AppError> {
    match lookup_ics(pool, "ics", text).await? {
        (code, Ok(())) => Ok(code),
        (code, Err(_)) => Err(AppError::NotFound(format!("ICS {code}"))),
    }
}

/// A period whose figures or status can exist: from the concordat's first period to
/// the one in progress `today`.
pub fn reported_period(field: &str, text: &str, today: chrono::NaiveDate) -> Result<ReportingPeriod, AppError> {
    let period = ReportingPeriod::parse(text).map_err(|e| AppError::invalid(field, e.to_string()))?;
    let current = ReportingPeriod::containing(today);
    if period > current {
        return Err(AppError::invalid(field, format!("{period} has not started yet; the latest period is {current}")));
    }
    if period < ReportingPeriod::FIRST {
        return Err(AppError::invalid(
            field,
            format!("{period} is before the concordat's first reporting period, {}", ReportingPeriod::FIRST),
        ));
    }
    Ok(period)
}
