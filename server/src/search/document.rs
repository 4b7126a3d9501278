//! An article as the index stores it: its searchable text, the hash that says
//! whether it changed, and the plain text and prose taken from its HTML.

use super::{SCHEMA_VERSION, SearchFields};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use tantivy::TantivyDocument;
use tantivy::tokenizer::TextAnalyzer;
use telepath_domain::{ArticleKind, BodyPart, Level};

/// An article's searchable text.
pub(super) struct ArticleDocument {
    slug: String,
    title: String,
    summary: String,
    headings: String,
    body: String,
    /// The body's prose: one line per block, without tables and code blocks.
    prose: String,
    tags: String,
    category: String,
    level: Level,
    kind: ArticleKind,
    updated: String,
}

impl ArticleDocument {
    pub(super) fn from_article(article: &crate::content::Article) -> ArticleDocument {
        let html: String = article
            .body
            .iter()
            .flat_map(|part| match part {
                BodyPart::Shared(html) => vec![html.as_str()],
                BodyPart::ByLevel(sections) => sections.iter().map(|section| section.html.as_str()).collect(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let front_matter = &article.front_matter;
        ArticleDocument {
            slug: article.slug.clone(),
            title: front_matter.title.clone(),
            summary: front_matter.summary.clone(),
            headings: article
                .headings
                .iter()
                .map(|heading| heading.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            body: html_to_text(&html),
            prose: html_to_prose(&html),
            tags: front_matter.tags.join(", "),
            category: article.category.clone(),
            level: front_matter.level,
            kind: front_matter.kind,
            updated: front_matter.updated.to_string(),
        }
    }

    /// Counts the words as written (lowercased, folded), as typos are matched.
    pub(super) fn count_words(&self, analyzer: &mut TextAnalyzer, vocabulary: &mut HashMap<String, usize>) {
        for text in [&self.title, &self.summary, &self.headings, &self.body, &self.tags] {
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                let word = &stream.token().text;
                if word.chars().count() >= 3 {
                    match vocabulary.get_mut(word) {
                        Some(count) => *count += 1,
                        None => {
                            vocabulary.insert(word.clone(), 1);
                        }
                    }
                }
            }
        }
    }

    pub(super) fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(SCHEMA_VERSION.to_le_bytes());
        for part in [
            &self.title,
            &self.summary,
            &self.headings,
            &self.body,
            &self.tags,
            &self.category,
            self.level.as_str(),
            self.kind.as_str(),
            &self.updated,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hex::encode(&hasher.finalize()[..16])
    }

    pub(super) fn into_tantivy(self, fields: &SearchFields, hash: &str) -> TantivyDocument {
        let mut document = TantivyDocument::default();
        document.add_text(fields.slug, &self.slug);
        document.add_text(fields.title, &self.title);
        document.add_text(fields.summary, &self.summary);
        document.add_text(fields.headings, &self.headings);
        document.add_text(fields.body, &self.body);
        document.add_text(fields.tags, &self.tags);
        document.add_text(fields.prose, &self.prose);
        document.add_text(fields.category, &self.category);
        document.add_text(fields.level, self.level.as_str());
        document.add_text(fields.kind, self.kind.as_str());
        document.add_text(fields.content_hash, hash);
        document
    }
}

/// The text of sanitised article HTML: tags dropped, entities decoded, and a space
/// where a block ends (but not around inline tags, so "**Save**." stays "Save.").
pub(super) fn html_to_text(html: &str) -> String {
    let text = html_blocks(html, false);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The prose of sanitised article HTML, one line per block, for snippets: tables
/// and code blocks are left out, since a row of cells or a JSON payload does not
/// read as an answer.
pub(super) fn html_to_prose(html: &str) -> String {
    html_blocks(html, true)
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of `html` with a line break where a block ends; with `prose_only`,
/// without what is inside `<table>` and `<pre>`.
fn html_blocks(html: &str, prose_only: bool) -> String {
    const INLINE: [&str; 9] = ["a", "strong", "em", "code", "del", "sup", "span", "mark", "img"];
    const NOT_PROSE: [&str; 2] = ["table", "pre"];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    // How deep inside tables and code blocks we are.
    let mut skipping = 0usize;
    while let Some(open) = rest.find('<') {
        if skipping == 0 {
            text.push_str(&rest[..open]);
        }
        let Some(close) = rest[open..].find('>') else { break };
        let tag = &rest[open + 1..open + close];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        if prose_only && NOT_PROSE.contains(&name) {
            if tag.starts_with('/') {
                skipping = skipping.saturating_sub(1);
            } else {
                skipping += 1;
            }
        }
        if !INLINE.contains(&name) {
            text.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    if skipping == 0 {
        text.push_str(rest);
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
