//! How much the desk takes in one piece, so that a request that can never succeed is
//! refused at once with the reason (not failed deep in the database), and no text grows
//! without bound into subjects, cards and e-mails.

/// Numbers on one order, and in one port request.
pub const MAX_NUMBERS: usize = 1_000;
/// Contacts on one order: everyone the desk writes to about it. An account keeps one
/// fewer (`MAX_ACCOUNT_CONTACTS`), so that its contacts and whoever sends a request fit
/// on the order it opens.
pub const MAX_CONTACTS: usize = 25;
/// Contacts an account keeps (see `MAX_CONTACTS`).
pub const MAX_ACCOUNT_CONTACTS: usize = MAX_CONTACTS - 1;
/// A name or an address: customer, carrier, account name, service address, signer.
pub const MAX_NAME: usize = 200;
/// A note, or a reason (cancellation, rejection, reopening).
pub const MAX_NOTE: usize = 4_000;
/// A route's target: an extension, a ring group's or an IVR's name.
pub const MAX_ROUTE: usize = 100;

/// Why `value` is too long for `field`, when it is.
pub fn too_long(field: &str, value: &str, max: usize) -> Option<String> {
    let length = value.chars().count();
    (length > max).then(|| format!("{field} is {length} characters long: at most {max}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_is_refused_with_its_length_and_the_limit() {
        assert_eq!(too_long("carrier", "Comcast", MAX_NAME), None);
        let long = "x".repeat(MAX_NAME + 1);
        assert_eq!(
            too_long("carrier", &long, MAX_NAME).as_deref(),
            Some("carrier is 201 characters long: at most 200")
        );
    }
}
