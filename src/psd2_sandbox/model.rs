//! What the sandbox bank documents (on `/banks` and its own SCA page): its target and the scenario PSU ids.

/// The catalog target of the sandbox bank.
pub const TARGET_ID: &str = "xs2a-sandbox";

/// The scenario PSU ids and what each does; any password except an empty one is accepted.
pub const PSU_SCENARIOS: [(&str, &str); 8] = [
    ("psu-ok", "Approves; two accounts, 12+ months of history, several transaction pages."),
    ("psu-cancel", "Cancels at the bank: the widget ends with UserCancelled."),
    ("psu-expired", "The consent expires between the approval and the first read: the import fails with SessionExpired."),
    ("psu-429", "The transactions endpoint answers 429 ACCESS_EXCEEDED twice (Retry-After: 1 s), then serves: the import waits and succeeds."),
    ("psu-pending", "Pending entries on the first page are booked, under new ids, on the next one: each is stored once, as booked."),
    ("psu-no-txid", "Transactions without transactionId or entryReference: ids derived from their content, no duplicates after a resumed import."),
    ("psu-paged", "5,000 transactions in pages of 100, followed through _links.next."),
    ("psu-slow", "Every call to the bank takes half a second."),
];
