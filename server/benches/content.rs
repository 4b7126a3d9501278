#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

//! Content pipeline figures: parse + render time per article, and loading (what
//! `telepath check` and every reload do) a generated tree of 10,000 articles.
//! Run: cargo bench -p telepath-server --bench content

use std::path::Path;
use std::time::Instant;
use telepath_server::content::{ArticleFrontMatter, load_snapshot, render_markdown};

mod support;

use support::{folder_bytes, rss_kib};

const ARTICLES: usize = 10_000;
const CATEGORIES: usize = 20;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("content");
    let written = Instant::now();
    write_tree(&root);
    eprintln!("generated {ARTICLES} articles in {:.2?}", written.elapsed());

    let sample = article_text(42);
    let body = sample.split("+++\n").nth(2).expect("the generated article has a body");
    let rounds = 2_000;
    let started = Instant::now();
    for _ in 0..rounds {
        let front_matter: ArticleFrontMatter =
            toml::from_str(sample.split("+++\n").nth(1).expect("front matter")).expect("valid front matter");
        let rendered = render_markdown(body).expect("the generated article nests shallowly");
        std::hint::black_box((front_matter, rendered));
    }
    let per_article = started.elapsed() / rounds;

    let rss_before = rss_kib("VmRSS");
    let started = Instant::now();
    let snapshot = load_snapshot(&root).expect("the tree loads");
    let load_time = started.elapsed();
    let rss_after = rss_kib("VmRSS");
    assert_eq!(snapshot.articles.len(), ARTICLES);
    assert_eq!(snapshot.errors(), 0, "{:?}", snapshot.diagnostics.first());

    let bytes: u64 = folder_bytes(&root);
    println!("| measure | value |");
    println!("|---|---|");
    println!("| article size (generated, typical) | {} bytes markdown |", sample.len());
    println!("| parse + render one article | {:.1} µs |", per_article.as_secs_f64() * 1e6);
    println!(
        "| load {ARTICLES} articles in {CATEGORIES} categories ({:.1} MB) | {:.2} s |",
        bytes as f64 / 1e6,
        load_time.as_secs_f64()
    );
    println!(
        "| load throughput (= `telepath check`) | {:.0} files/s, {:.1} MB/s |",
        ARTICLES as f64 / load_time.as_secs_f64(),
        bytes as f64 / 1e6 / load_time.as_secs_f64()
    );
    println!(
        "| memory held by the loaded snapshot (RSS growth) | {:.1} MiB |",
        (rss_after - rss_before) as f64 / 1024.0
    );
    println!("| peak RSS of the whole run | {:.1} MiB |", rss_kib("VmHWM") as f64 / 1024.0);
    drop(snapshot);
}

fn write_tree(root: &Path) {
    for category in 0..CATEGORIES {
        let dir = root.join(format!("articles/category-{category}"));
        std::fs::create_dir_all(&dir).expect("folders can be created");
        std::fs::write(
            dir.join("_index.md"),
            format!("+++\ntitle = \"Category {category}\"\ndescription = \"Generated.\"\norder = {category}\n+++\n"),
        )
        .expect("files can be written");
    }
    for index in 0..ARTICLES {
        let path = root.join(format!("articles/category-{}/article-{index}.md", index % CATEGORIES));
        std::fs::write(path, article_text(index)).expect("files can be written");
    }
}

/// A realistic article: front matter, sections, steps, a table, a callout, code and links.
fn article_text(index: usize) -> String {
    let level = ["newcomer", "technical", "expert", "all"][index % 4];
    let kind = ["guide", "explanation", "reference", "troubleshooting"][index % 4];
    let next = (index + 1) % ARTICLES;
    let mut body = String::new();
    for section in 0..4 {
        body.push_str(&format!("## Section {section} of article {index}\n\n"));
        body.push_str("Ledgerly sends the invoice to your customer by email, with a **Pay now** button so they can pay by card or bank transfer. ");
        body.push_str(&format!(
            "See [the next article](../category-{}/article-{next}.md) for what comes after.\n\n",
            next % CATEGORIES
        ));
        body.push_str("1. Select **New invoice**.\n2. Choose the customer and add a line item.\n3. Select *Preview*, then **Send**.\n\n");
    }
    body.push_str("| Plan | Fee |\n|---|---|\n| Starter | 2.9% + 30c |\n| Plus | 2.6% + 30c |\n\n");
    body.push_str("> [!TIP]\n> Payouts arrive 2 business days after a payment clears.\n\n");
    body.push_str(
        "```bash\ncurl https://api.ledgerly.example/v2/invoices -H \"Authorization: Bearer $KEY\"\n```\n",
    );
    format!(
        "+++\ntitle = \"Generated article {index}\"\nsummary = \"What article {index} explains.\"\nlevel = \"{level}\"\nkind = \"{kind}\"\ntags = [\"generated\"]\nnext = [\"article-{next}\"]\nupdated = 2026-10-01\n+++\n{body}"
    )
}
