//! The quality set: what real visitors type, against the bundled help centre.
//! Prints hit@3 and MRR (`cargo test -p telepath-server --lib search_quality -- --nocapture`).

use super::SearchRequest;
use super::tests::bundled;

/// (query, the article that answers it). Misspellings, synonyms, partial words and
/// questions in plain words.
const QUALITY_SET: &[(&str, &str)] = &[
    ("send my first invoce", "send-your-first-invoice"),
    ("how do i send an invoice", "send-your-first-invoice"),
    ("add logo", "add-your-logo-and-colours"),
    ("change invoice colors", "add-your-logo-and-colours"),
    ("card reader setup", "set-up-ledgerly-tap"),
    ("ledgerly tap pairing", "set-up-ledgerly-tap"),
    ("payment terms net 30", "set-payment-terms"),
    ("void invoice", "edit-or-void-an-invoice"),
    ("edit a sent bill", "edit-or-void-an-invoice"),
    ("recuring invoices", "create-recurring-invoices"),
    ("automatic reminders", "automatic-payment-reminders"),
    ("overdue reminder email", "automatic-payment-reminders"),
    ("invoice status viewed", "invoice-statuses"),
    ("customer statment", "customer-statements"),
    ("invoice number format", "invoice-numbering-reference"),
    ("when will i get my money", "when-do-payouts-arrive"),
    ("payuot", "when-do-payouts-arrive"),
    ("pay link", "share-a-ledgerly-pay-link"),
    ("refund my customer", "refund-a-customer-payment"),
    ("chargeback", "respond-to-a-dispute"),
    ("change delivery address tap", "change-your-ledgerly-tap-delivery-address"),
    ("compare plans pricing", "compare-plans"),
    ("upgrade to pro", "change-your-plan"),
    ("proration", "how-proration-works"),
    ("money back for subscription", "request-a-subscription-refund"),
    ("update credit card billing", "update-your-billing-details"),
    ("cancel subscription", "cancel-your-subscription"),
    ("turn on 2fa", "turn-on-two-factor-authentication"),
    ("backup codes", "backup-codes"),
    ("lost phone authenticator", "cant-sign-in-after-changing-phone"),
    ("reset two factor", "reset-two-factor"),
    ("invite teammate", "invite-your-team"),
    ("roles permissions accountant", "team-roles-and-permissions"),
    ("api key quickstart", "api-quickstart"),
    ("webhook signature verify", "verify-webhook-signatures"),
    ("webhook events list", "webhook-events-reference"),
    ("quickbooks sync", "connect-quickbooks-or-xero"),
    ("plaid bank feed", "connect-your-bank-with-plaid"),
    ("export csv", "export-to-csv"),
    ("custom domain cname", "use-a-custom-domain"),
    ("card declined", "card-declined"),
    ("invoice in spam folder", "invoice-email-went-to-spam"),
    ("payout late", "payout-is-late"),
    ("429 too many requests", "api-rate-limit-errors"),
    ("webhook failing", "webhook-deliveries-failing"),
    ("talk to support", "contact-support"),
];

#[test]
fn search_quality_hit_at_3_is_at_least_95_percent() {
    let (index, snapshot) = bundled();
    let mut hits_at_3 = 0;
    let mut reciprocal_ranks = 0.0;
    let mut misses = Vec::new();
    for (query, expected) in QUALITY_SET {
        assert!(
            snapshot.articles.contains_key(*expected),
            "the quality set names a missing article: {expected}"
        );
        let request = SearchRequest { query: (*query).into(), limit: 10, ..SearchRequest::default() };
        let found: Vec<String> =
            index.search(&request).unwrap().hits.into_iter().map(|hit| hit.slug).collect();
        match found.iter().position(|slug| slug == expected) {
            Some(rank) => {
                reciprocal_ranks += 1.0 / (rank as f64 + 1.0);
                if rank < 3 {
                    hits_at_3 += 1;
                } else {
                    misses.push(format!("{query:?}: {expected} at {} in {found:?}", rank + 1));
                }
            }
            None => misses.push(format!("{query:?}: {expected} not in {found:?}")),
        }
    }
    let total = QUALITY_SET.len();
    let hit_rate = f64::from(hits_at_3) / total as f64;
    eprintln!(
        "search quality: {total} queries, hit@3 {:.1}% ({hits_at_3}/{total}), MRR {:.3}",
        hit_rate * 100.0,
        reciprocal_ranks / total as f64
    );
    for miss in &misses {
        eprintln!("  miss {miss}");
    }
    assert!(hit_rate >= 0.95, "hit@3 {:.1}% is under 95%:\n{}", hit_rate * 100.0, misses.join("\n"));
}
