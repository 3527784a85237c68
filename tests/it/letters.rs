//! The e-mails of the porting story, as customers, carriers and mail servers write them.

use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A plain message with a fresh Message-ID.
pub fn mail(from: &str, subject: &str, body: &str) -> String {
    mail_with(from, subject, "", body)
}

/// The same with extra header lines (each ending in a newline).
pub fn mail_with(from: &str, subject: &str, headers: &str, body: &str) -> String {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    format!(
        "From: {from}\nTo: porting@voip.example\nSubject: {subject}\nMessage-ID: <t{n}.{}@test.example>\n\
         Date: Mon, 23 Nov 2026 10:00:00 -0500\n{headers}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n",
        std::process::id()
    )
}

/// The customer's latest bill, attached as text, with this service address.
pub fn bill_from_customer(reference: &str, service_address: &str) -> String {
    let (street, city) = service_address.split_once(", ").unwrap_or((service_address, ""));
    let bill = format!(
        "                            COMCAST BUSINESS\n\
Account Number:     8774 1012 3456 789      Bill Date:    11/01/2026\n\
Billing Number:     305-555-0100            Due Date:     11/22/2026\n\n\
Customer:           Acme Dental Group\n\
Service Location:   {street}\n\
                    {city}\n\
ACCOUNT SUMMARY\n  Current Charges                                                    $109.05\n\
SERVICE DETAIL\n  TELEPHONE NUMBER      DESCRIPTION                                   AMOUNT\n\
  305-555-0100          Business Line - Main                          $39.99\n"
    );
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    format!(
        "From: Maria Lopez <ops@acme.example>\nTo: porting@voip.example\nSubject: Our bill for {reference}\n\
         Message-ID: <bill{n}.{}@acme.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n\
         --b1\nContent-Type: text/plain\n\nHi, attached is our latest bill.\n\n\
         --b1\nContent-Type: text/plain; name=\"bill.txt\"\nContent-Disposition: attachment; filename=\"bill.txt\"\n\n\
         {bill}\n--b1--\n",
        std::process::id()
    )
}

pub fn loa_signed(reference: &str) -> String {
    mail(
        "DocuSign <dse@na3.docusign.net>",
        &format!("Completed: Letter of Authorization {reference}"),
        &format!(
            "All parties have completed the envelope: Letter of Authorization {reference}. The LOA has been signed."
        ),
    )
}

pub fn rejection(reference: &str) -> String {
    mail(
        "Port Desk <notify@portflow.example>",
        &format!("Port request rejected - PON {reference}"),
        &format!("PON: {reference}\nStatus: REJECTED\nReason: Invalid passcode/PIN on the losing carrier account.\n"),
    )
}

pub fn foc(reference: &str, date: &str) -> String {
    mail(
        "Port Desk <notify@portflow.example>",
        &format!("FOC confirmed - PON {reference}"),
        &format!("PON: {reference}\nYour port request has been confirmed.\nFOC date: {date}\n"),
    )
}

pub fn completion(reference: &str) -> String {
    mail(
        "Port Desk <notify@portflow.example>",
        &format!("Port completed - PON {reference}"),
        &format!("PON: {reference}\nThe port has been completed. The numbers are now active on the new carrier.\n"),
    )
}

/// A delivery failure for mail we sent to `recipient` about `reference`.
pub fn bounce(recipient: &str, reference: &str) -> String {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.voip.example>\nTo: porting@voip.example\n\
         Subject: Undelivered Mail Returned to Sender\nMessage-ID: <bounce{n}.{}@mx.voip.example>\n\
         MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r1\"\n\n\
         --r1\nContent-Type: text/plain\n\nThis is the mail system. Your message could not be delivered.\n\n\
         --r1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.voip.example\n\n\
         Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: 5.1.1\n\n\
         --r1\nContent-Type: message/rfc822\n\nFrom: porting@voip.example\nTo: {recipient}\n\
         Subject: [{reference}] Please sign your LOA\n\nPlease sign the LOA.\n\n--r1--\n",
        std::process::id()
    )
}
