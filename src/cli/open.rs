//! `portbot order open`: its flags read into a port request.

use super::{Failure, OpenArgs};
use crate::domain::{parse_number_list, AccountDetails, EmailAddress, NumberType, OrderKind, Pin, PortRequest};
use chrono::NaiveDate;

impl OpenArgs {
    pub(super) fn into_request(self, default_tz: chrono_tz::Tz) -> Result<PortRequest, Failure> {
        let numbers = parse_number_list(&self.numbers).map_err(Failure::input)?;
        let contacts = self
            .contacts
            .iter()
            .flat_map(|c| c.split(','))
            .map(|c| c.parse::<EmailAddress>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(Failure::input)?;
        Ok(PortRequest {
            customer: self.customer,
            carrier: self.carrier,
            numbers,
            number_type: self
                .number_type
                .parse::<NumberType>()
                .map_err(|e| Failure::input(format!("--type: {e}")))?,
            kind: self
                .kind
                .map(|k| k.parse::<OrderKind>())
                .transpose()
                .map_err(|e| Failure::input(format!("--kind: {e}")))?,
            contacts,
            account: AccountDetails {
                account_number: self.account_number,
                btn: self.btn.map(|b| b.parse()).transpose().map_err(Failure::input)?,
                account_name: self.name,
                service_address: self.address,
            },
            pin: self
                .pin
                .map(|p| Pin::new(&p))
                .transpose()
                .map_err(|e| Failure::input(format!("--pin: {e}")))?,
            authorized_name: self.authorized_name,
            contract_end: self
                .contract_end
                .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d"))
                .transpose()
                .map_err(|_| Failure::input("--contract-end: write the date as YYYY-MM-DD"))?,
            time_zone: match self.time_zone {
                Some(tz) => tz.parse().map_err(|_| {
                    Failure::input(format!(
                        "--time-zone: '{tz}' is not an IANA time zone such as America/New_York"
                    ))
                })?,
                None => default_tz,
            },
        })
    }
}
