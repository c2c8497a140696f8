//! How a composer sorts another domain's refusal: final, worth trying again soon, or
//! to wait for that domain's switch-over. One place, for every domain that composes
//! e-mails from another domain's data.

use tonic::{Code, Status};
use tonic_types::StatusExt;

use crate::relay::ComposeError;

/// Sorts `status`, the answer of `service` about `what`:
/// - the thing does not exist or the question is wrong: [`ComposeError::Permanent`];
/// - the other domain's data is not served yet (its service answers
///   `DOMAIN_NOT_VERIFIED`, or is not deployed where it is looked for: `UNIMPLEMENTED`),
///   as in the plan's phases before its switch-over: [`ComposeError::Waiting`];
/// - anything else (unreachable, late, busy): [`ComposeError::Temporary`].
pub fn sort_refusal(status: &Status, service: &str, what: &str) -> ComposeError {
    let reason = format!(
        "{service} about {what}: {:?} {}",
        status.code(),
        status.message()
    );
    let not_verified = status
        .get_error_details()
        .error_info()
        .is_some_and(|info| info.reason == "DOMAIN_NOT_VERIFIED");
    match status.code() {
        Code::NotFound | Code::InvalidArgument | Code::OutOfRange => {
            ComposeError::Permanent(reason)
        }
        Code::Unimplemented => ComposeError::Waiting(reason),
        Code::FailedPrecondition if not_verified => ComposeError::Waiting(reason),
        _ => ComposeError::Temporary(reason),
    }
}

#[cfg(test)]
mod tests {
    use tonic_types::{ErrorDetails, StatusExt};

    use super::*;

    #[test]
    fn refusals_are_sorted() {
        let permanent = sort_refusal(&Status::not_found("no supplier F9"), "fournisseurs", "F9");
        assert!(
            matches!(permanent, ComposeError::Permanent(ref r) if r.contains("no supplier F9"))
        );
        let not_verified = Status::with_error_details(
            Code::FailedPrecondition,
            "the clients domain is legacy",
            ErrorDetails::with_error_info("DOMAIN_NOT_VERIFIED", "bascule", []),
        );
        assert!(matches!(
            sort_refusal(&not_verified, "clients", "C1"),
            ComposeError::Waiting(_)
        ));
        assert!(matches!(
            sort_refusal(&Status::unimplemented("no such service"), "clients", "C1"),
            ComposeError::Waiting(_)
        ));
        for s in [
            Status::unavailable("down"),
            Status::deadline_exceeded("late"),
            Status::failed_precondition("DOMAIN_NOT_LIVE"),
            Status::internal("oops"),
        ] {
            assert!(
                matches!(sort_refusal(&s, "clients", "x"), ComposeError::Temporary(_)),
                "{s:?}"
            );
        }
    }
}
