use super::*;

fn field(label: &str) -> Option<Field> {
    let words = folded_words(label);
    let all: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    field_of(&all)
}

#[test]
fn labels_are_read_for_what_they_name() {
    let table: &[(Option<Field>, &[&str])] = &[
        (
            Some(Field::Account),
            &[
                "Account Number",
                "Acct No.",
                "Account #",
                "ACCT#",
                "Customer ID",
                "Billing Account",
                "BAN",
                "Company ID",
                "Account key",
                "Customer No.",
                "Billing account ID",
                "Número de cuenta",
            ],
        ),
        (
            Some(Field::Btn),
            &[
                "Billing Telephone Number",
                "BTN",
                "Main Number",
                "Primary Number",
                "Main Line",
                "Billing Tel No",
                "Main TN",
                "Company main number",
                "Billing phone",
                "Billing Number",
                "Account telephone number",
            ],
        ),
        (
            Some(Field::ServiceAddress),
            &[
                "Service Address",
                "Service Location",
                "Installed at",
                "SVC ADDR",
                "Site",
                "Emergency location",
                "Office address (E911)",
                "Business address",
                "Registered location",
            ],
        ),
        (
            Some(Field::OtherAddress),
            &["Mailing address", "MAIL TO", "Remit to", "Send payments to"],
        ),
        (
            Some(Field::BillDate),
            &[
                "Bill Date",
                "Statement Date",
                "Invoice Date",
                "Date",
                "Issue Date",
                "Date issued",
                "Fecha de factura",
            ],
        ),
        (Some(Field::OtherDate), &["Due Date", "Payment due date"]),
        (
            Some(Field::Name),
            &[
                "Account Name",
                "Customer",
                "Customer Name",
                "Billed to",
                "Organization",
                "Business",
                "Receipt for",
            ],
        ),
        (
            None,
            &[
                "Account details",
                "Amount due",
                "Total",
                "Account summary",
                "Customer care",
                "Plan name",
            ],
        ),
    ];
    for (expected, labels) in table {
        for label in *labels {
            assert_eq!(field(label), *expected, "{label}");
        }
    }
}

#[test]
fn a_label_ends_where_its_value_begins() {
    assert_eq!(labels_at_start("Account Number NXV-5778387")[0], (Field::Account, 14));
    assert_eq!(labels_at_start("Main line: (206) 601-4719")[0], (Field::Btn, 9));
    assert!(
        labels_at_start("business.comcast.com").is_empty(),
        "a web address is no label"
    );
}
