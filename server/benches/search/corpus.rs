//! The generated help centre the search bench runs on: articles whose words follow
//! Zipf's law over a fixed vocabulary, and queries taken from their titles with 0, 1
//! or 2 typos, all from a seeded generator so every run measures the same corpus.

use rand::Rng;
use rand::rngs::StdRng;
use std::fmt::Write as _;
use std::path::Path;

pub const CATEGORIES: [&str; 20] = [
    "invoices",
    "payments",
    "payouts",
    "billing",
    "account",
    "security",
    "team",
    "api",
    "webhooks",
    "integrations",
    "reports",
    "customers",
    "taxes",
    "estimates",
    "expenses",
    "hardware",
    "mobile",
    "notifications",
    "exports",
    "troubleshooting",
];
pub const LEVELS: [&str; 4] = ["newcomer", "technical", "expert", "all"];
pub const KINDS: [&str; 4] = ["guide", "explanation", "reference", "troubleshooting"];

/// Words in rough order of frequency: body text draws from all of them by Zipf's law,
/// titles only from the content words after `FUNCTION_WORDS`.
#[rustfmt::skip]
pub const VOCABULARY: &[&str] = &[
    "the", "to", "and", "a", "of", "your", "you", "in", "is", "for", "it", "on", "with", "that", "can",
    "this", "be", "are", "when", "or", "from", "an", "if", "by", "at", "as", "not", "we", "our", "will",
    "they", "each", "after", "one", "then", "before", "all", "more", "any", "new", "only", "their", "so",
    "but", "also", "how", "what", "which", "there", "them", "out", "up", "about", "into", "than", "other",
    "some", "most", "first", "same",
    // content words
    "invoice", "payment", "customer", "account", "select", "settings", "email", "card", "bank", "payout",
    "send", "page", "team", "change", "amount", "date", "number", "open", "status", "report", "business",
    "member", "receive", "access", "details", "update", "review", "create", "balance", "currency", "charge",
    "refund", "dispute", "transfer", "deposit", "receipt", "reminder", "schedule", "template", "logo",
    "colour", "address", "phone", "password", "login", "verification", "authentication", "authenticator",
    "recovery", "backup", "codes", "security", "permission", "role", "accountant", "administrator", "owner",
    "invite", "remove", "subscription", "plan", "upgrade", "downgrade", "proration", "trial", "cancel",
    "renewal", "pricing", "discount", "coupon", "credit", "debit", "statement", "export", "import",
    "spreadsheet", "integration", "quickbooks", "xero", "plaid", "webhook", "endpoint", "signature", "secret",
    "token", "request", "response", "error", "limit", "retry", "timeout", "delivery", "event", "notification",
    "message", "attachment", "document", "estimate", "quote", "expense", "category", "vendor", "supplier",
    "mileage", "tax", "rate", "region", "country", "compliance", "regulation", "identity", "reader",
    "terminal", "hardware", "bluetooth", "battery", "firmware", "pairing", "device", "mobile", "android",
    "iphone", "tablet", "browser", "download", "install", "version", "release", "feature", "dashboard",
    "overview", "summary", "chart", "filter", "search", "column", "field", "custom", "reference", "format",
    "prefix", "sequence", "reset", "recurring", "automatic", "manual", "partial", "overdue", "late",
    "pending", "failed", "declined", "approved", "completed", "cancelled", "archived", "draft", "viewed",
    "paid", "unpaid", "outstanding", "reconciliation", "reconcile", "ledger", "journal", "entry",
    "adjustment", "correction", "duplicate", "missing", "wrong", "incorrect", "problem", "issue",
    "troubleshoot", "support", "contact", "agent", "chat", "ticket", "feedback", "language", "translation",
    "timezone", "holiday", "weekend", "calendar", "deadline", "period", "monthly", "weekly", "annual",
    "quarterly", "daily", "instant", "standard", "express", "fee", "percentage", "fixed", "minimum",
    "maximum", "threshold", "reserve", "hold", "fraud", "risk", "chargeback", "evidence", "submission",
    "appeal", "merchant", "processor", "network", "visa", "mastercard", "amex", "wallet", "apple", "google",
    "checkout", "link", "button", "website", "domain", "certificate", "hosting", "redirect", "embed",
    "widget", "branding", "theme", "footer", "header", "greeting", "tone", "wording", "sandbox", "production",
    "environment", "testing", "developer", "library", "sdk", "client", "server", "authorization", "scope",
    "pagination", "idempotency", "versioning", "deprecation", "migration", "changelog", "schema", "payload",
    "parameter", "query", "batch", "bulk", "upload", "storage", "archive", "retention", "privacy", "consent",
    "cookie", "deletion", "portability", "encryption", "audit", "history", "activity", "session", "location",
    "suspicious", "alert", "lock", "unlock", "question", "employee", "contractor", "payroll", "salary",
    "bonus", "commission", "reimbursement", "allowance", "inventory", "product", "service", "catalogue",
    "price", "quantity", "unit", "bundle", "variant", "shipping", "tracking", "carrier", "package",
    "warehouse", "return", "exchange", "warranty", "repair", "replacement", "order", "purchase",
    "procurement", "approval", "workflow", "automation", "rule", "trigger", "condition", "action", "campaign",
    "segment", "analytics", "forecast", "cashflow", "revenue", "profit", "margin", "growth", "churn",
    "lifetime", "acquisition", "benchmark", "comparison", "difference", "explanation", "configuration",
    "personalisation", "accessibility", "keyboard", "shortcut", "navigation", "onboarding", "checklist",
    "walkthrough", "tutorial", "webinar", "community", "partner", "referral", "affiliate", "program",
    "nonprofit", "education", "startup", "enterprise", "agency", "freelancer", "consultant", "bookkeeper",
    "auditor", "investor", "shareholder", "dividend", "interest", "loan", "financing", "advance",
    "instalment", "escrow", "settlement", "withdrawal", "transaction", "authorisation", "capture", "void",
    "reversal", "surcharge", "gratuity", "tip", "rounding", "precision",
];
/// How many of the most frequent words are function words, never used in titles.
pub const FUNCTION_WORDS: usize = 60;

/// Queries per typo class (0, 1, 2 typos) and corpus; each has 1, 2 or 3 words.
pub const QUERIES_PER_CLASS: usize = 300;

pub struct GeneratedArticle {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub headings: Vec<String>,
    pub paragraphs: Vec<String>,
    pub tags: Vec<String>,
}

pub struct Query {
    pub text: String,
    /// The article the words were taken from.
    pub intended: String,
    pub typos: usize,
}

/// Zipf's law over `range` of the vocabulary: rank r is picked with weight 1/(r+1).
fn zipf_word(rng: &mut StdRng, range: std::ops::Range<usize>) -> &'static str {
    let n = range.len() as f64;
    // Inverse of the continuous CDF ln(1+x)/ln(1+n): close enough to discrete Zipf.
    let rank = ((n + 1.0).powf(rng.random::<f64>()) - 1.0) as usize;
    VOCABULARY[range.start + rank.min(range.len() - 1)]
}

fn title_word(rng: &mut StdRng) -> &'static str {
    VOCABULARY[rng.random_range(FUNCTION_WORDS..VOCABULARY.len())]
}

fn sentence(rng: &mut StdRng, words: usize) -> String {
    let mut text: Vec<&str> = (0..words).map(|_| zipf_word(rng, 0..VOCABULARY.len())).collect();
    let mut first = text[0].to_owned();
    first[..1].make_ascii_uppercase();
    text[0] = &first;
    format!("{}.", text.join(" "))
}

pub fn write_tree(root: &Path, articles: usize, rng: &mut StdRng) -> Vec<GeneratedArticle> {
    for (order, category) in CATEGORIES.iter().enumerate() {
        let dir = root.join("articles").join(category);
        std::fs::create_dir_all(&dir).expect("folders can be created");
        std::fs::write(
            dir.join("_index.md"),
            format!("+++\ntitle = \"{category}\"\ndescription = \"Generated.\"\norder = {order}\n+++\n"),
        )
        .expect("files can be written");
    }
    let mut generated = Vec::with_capacity(articles);
    for index in 0..articles {
        let title_words: Vec<&str> = (0..rng.random_range(3..=6)).map(|_| title_word(rng)).collect();
        let mut title = title_words.join(" ");
        title[..1].make_ascii_uppercase();
        let article = GeneratedArticle {
            slug: format!("{}-{index}", title_words[..2].join("-")),
            summary: sentence(rng, 12),
            headings: (0..3).map(|_| (0..3).map(|_| title_word(rng)).collect::<Vec<_>>().join(" ")).collect(),
            paragraphs: (0..6)
                .map(|_| {
                    (0..3)
                        .map(|_| {
                            let words = rng.random_range(8..16);
                            sentence(rng, words)
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect(),
            tags: (0..rng.random_range(1..=3)).map(|_| title_word(rng).to_owned()).collect(),
            title,
        };
        let mut body = String::new();
        for (section, heading) in article.headings.iter().enumerate() {
            let _ = write!(
                body,
                "## {heading}\n\n{}\n\n{}\n\n",
                article.paragraphs[2 * section],
                article.paragraphs[2 * section + 1]
            );
        }
        let tags = article.tags.iter().map(|tag| format!("\"{tag}\"")).collect::<Vec<_>>().join(", ");
        let text = format!(
            "+++\ntitle = \"{}\"\nsummary = \"{}\"\nlevel = \"{}\"\nkind = \"{}\"\ntags = [{tags}]\nupdated = 2026-10-01\n+++\n{body}",
            article.title,
            article.summary,
            LEVELS[rng.random_range(0..LEVELS.len())],
            KINDS[rng.random_range(0..KINDS.len())],
        );
        let path = root
            .join("articles")
            .join(CATEGORIES[index % CATEGORIES.len()])
            .join(format!("{}.md", article.slug));
        std::fs::write(path, text).expect("files can be written");
        generated.push(article);
    }
    generated
}

/// Typo budgets as the engine applies them to what was typed: 1 for 5-8 characters, 2 beyond.
fn budget(word: &str) -> usize {
    match word.len() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// `word` with one typing mistake: a letter swapped with its neighbour, replaced,
/// dropped or doubled.
fn misspell(rng: &mut StdRng, word: &str) -> String {
    let mut letters: Vec<char> = word.chars().collect();
    let at = rng.random_range(1..letters.len() - 1);
    match rng.random_range(0..4) {
        0 => letters.swap(at, at + 1),
        1 => {
            let replacement = (b'a' + rng.random_range(0..26u8)) as char;
            letters[at] = if replacement == letters[at] { 'z' } else { replacement };
        }
        2 => {
            letters.remove(at);
        }
        _ => letters.insert(at, letters[at]),
    }
    letters.into_iter().collect()
}

pub fn make_queries(articles: &[GeneratedArticle], rng: &mut StdRng) -> Vec<Query> {
    let mut queries = Vec::new();
    for typos in 0..3 {
        let mut made = 0;
        while made < QUERIES_PER_CLASS {
            let article = &articles[rng.random_range(0..articles.len())];
            let mut words: Vec<String> = article.title.to_lowercase().split(' ').map(str::to_owned).collect();
            let wanted = 1 + made % 3;
            while words.len() > wanted {
                words.remove(rng.random_range(0..words.len()));
            }
            let mut left = typos;
            for word in words.iter_mut().rev() {
                // Only mistakes the typo rules forgive, so recall shows what tolerance buys.
                let edits = left.min(if word.len() >= 11 {
                    2
                } else if word.len() >= 6 {
                    1
                } else {
                    0
                });
                let mut typed = word.clone();
                for _ in 0..edits {
                    typed = misspell(rng, &typed);
                }
                if edits > 0 && budget(&typed) >= edits && typed != *word {
                    *word = typed;
                    left -= edits;
                }
            }
            if left > 0 {
                continue;
            }
            queries.push(Query { text: words.join(" "), intended: article.slug.clone(), typos });
            made += 1;
        }
    }
    queries
}
