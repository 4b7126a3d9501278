//! The front matter + markdown pipeline never panics, whatever an editor saves.

use super::front_matter::{ArticleFrontMatter, parse_document};
use super::markdown::{MarkdownRenderer, render_markdown};
use super::sections::split_level_sections;
use proptest::prelude::*;
use std::path::Path;

/// Fragments editors and attackers actually type, so random input reaches the
/// interesting paths (fences, front matter keys, HTML, links, sections) often.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+++\n".to_owned()),
        Just("title = \"T\"\n".to_owned()),
        Just("summary = \"S\"\nlevel = \"newcomer\"\nkind = \"guide\"\nupdated = 2026-10-01\n".to_owned()),
        Just("next = [\"a\", 3]\n".to_owned()),
        Just("::: newcomer\n".to_owned()),
        Just(":::\n".to_owned()),
        Just("```rust\n".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("[x](../a/b.md#c)".to_owned()),
        Just("![alt](../../media/x.png)".to_owned()),
        Just("> [!WARNING]\n> text\n".to_owned()),
        Just("| a | b |\n|---|---|\n".to_owned()),
        Just("[^1]\n\n[^1]: note\n".to_owned()),
        Just("## Heading {#id .class}\n".to_owned()),
        "\\PC{0,40}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_file_parses_or_gives_a_diagnostic_and_renders_without_panicking(parts in prop::collection::vec(fragment(), 0..24)) {
        let text: String = parts.concat();
        let path = Path::new("content/articles/x/y.md");
        match parse_document::<ArticleFrontMatter>(path, &text) {
            Ok(document) => {
                prop_assert!(document.body_offset <= text.len());
                if let Ok(sections) = split_level_sections(&document.body) {
                    let mut renderer = MarkdownRenderer::default();
                    for part in sections {
                        if let super::sections::SourcePart::Shared { text, offset } = part
                            && let Ok(html) = renderer.render(text, offset, &mut |_| None)
                        {
                            prop_assert!(!html.to_lowercase().contains("<script"));
                        }
                    }
                }
            }
            Err(diagnostic) => {
                prop_assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
                prop_assert!(diagnostic.to_string().starts_with("content/articles/x/y.md:"));
            }
        }
        if let Ok(rendered) = render_markdown(&text) {
            prop_assert!(!rendered.html.to_lowercase().contains("<script"));
        }
    }
}
