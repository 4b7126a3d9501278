//! Tests of markdown rendering, grouped by concern.

use super::*;

mod rendering {
    use super::*;

    #[test]
    fn headings_get_unique_anchors_and_are_listed() {
        let rendered =
            render_markdown("## Partial refunds\n\ntext\n\n## Partial refunds\n\n### What's `next`?\n")
                .unwrap();
        assert!(
            rendered.html.contains(r#"<h2 id="partial-refunds">Partial refunds</h2>"#),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains(r#"<h2 id="partial-refunds-1">"#), "{}", rendered.html);
        assert_eq!(
            rendered.headings[2],
            Heading { level: 3, id: "whats-next".into(), text: "What's next?".into() }
        );
    }

    #[test]
    fn relative_markdown_links_become_portal_urls() {
        let source = "See [refunds](../billing/refunds.md#partial-refunds) and [fees](fees.md).";
        let rendered = render_markdown(source).unwrap();
        assert!(rendered.html.contains(r#"href="/articles/refunds#partial-refunds""#), "{}", rendered.html);
        assert!(rendered.html.contains(r#"href="/articles/fees""#), "{}", rendered.html);
        assert_eq!(
            rendered.internal_links.iter().map(|link| link.slug.as_str()).collect::<Vec<_>>(),
            ["refunds", "fees"]
        );
        assert_eq!(rendered.internal_links[0].offset, source.find('[').unwrap());
    }

    #[test]
    fn external_links_keep_their_address_and_get_a_safe_rel() {
        let html = render_markdown("[Status](https://status.example.com)").unwrap().html;
        assert!(
            html.contains(r#"<a href="https://status.example.com" rel="noopener noreferrer">Status</a>"#),
            "{html}"
        );
    }

    #[test]
    fn callouts_tables_and_code_survive_sanitising() {
        let html = render_markdown(
            "> [!WARNING]\n> Careful\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nlet x = 1;\n```\n",
        )
        .unwrap()
        .html;
        assert!(html.contains(r#"<blockquote class="markdown-alert-warning">"#), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
        assert!(html.contains(r#"<code class="language-rust">"#), "{html}");
    }

    #[test]
    fn table_alignment_survives_as_classes_and_footnotes_never_clash_with_headings() {
        let html = render_markdown(
            "| Plan | Price |\n|:---|---:|\n| Plus | $12 |\n\nSee the notes.[^notes]\n\n## Notes\n\n[^notes]: Prices exclude tax.\n",
        )
        .unwrap()
        .html;
        assert!(html.contains(r#"<th class="align-left">Plan</th>"#), "{html}");
        assert!(html.contains(r#"<td class="align-right">$12</td>"#), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains(r#"<h2 id="notes">Notes</h2>"#), "{html}");
        assert!(html.contains(r##"<a href="#fn:notes""##), "{html}");
        assert!(html.contains(r#"<div class="footnote-definition" id="fn:notes">"#), "{html}");
    }

    #[test]
    fn pictures_are_resolved_sized_offered_as_webp_and_only_the_first_loads_at_once() {
        let mut renderer = MarkdownRenderer::default();
        let mut seen = Vec::new();
        let html = renderer
            .render(
                "Text\n\n![The \"Send\" button](../../media/send.png)\n\n![A GIF](../../media/b.gif)\n",
                10,
                &mut |image| {
                    seen.push(image.clone());
                    let is_png = image.dest.ends_with(".png");
                    Some(ImageSource {
                        url: image.dest.replace("../../media/", "/media/"),
                        width: Some(640),
                        height: Some(400),
                        digest: is_png.then(|| PictureDigest("00ff".into())),
                    })
                },
            )
            .unwrap();
        assert!(
            html.contains(
                r#"<picture><source type="image/webp" srcset="/renditions/00ff-360/send.png.webp 360w, /renditions/00ff-540/send.png.webp 540w, /renditions/00ff-640/send.png.webp 640w" sizes="(max-width: 40rem) calc(100vw - 2rem), (max-width: 52rem) calc(92vw - 2rem), 44rem"><img src="/media/send.png" alt="The &quot;Send&quot; button" width="640" height="400" loading="eager" fetchpriority="high" decoding="async"></picture>"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"<img src="/media/b.gif" alt="A GIF" width="640" height="400" loading="lazy" decoding="async">"#),
            "only the first is fetched at once, and a GIF is shown as it is: {html}"
        );
        assert_eq!(seen[0].dest, "../../media/send.png");
        assert_eq!(seen[0].offset, 16);
    }

    #[test]
    fn a_picture_opens_full_size_unless_it_already_is_a_link() {
        let mut renderer = MarkdownRenderer::default();
        let html = renderer
            .render(
                "![Billing history](../../media/b.png)

[![Logo](../../media/l.png)](https://example.com)
",
                0,
                &mut |image| {
                    Some(ImageSource {
                        url: image.dest.replace("../../media/", "/media/"),
                        width: None,
                        height: None,
                        digest: None,
                    })
                },
            )
            .unwrap();
        assert!(
            html.contains(r#"<a class="full-size" href="/media/b.png" rel="noopener noreferrer"><img src="/media/b.png" alt="Billing history""#),
            "{html}"
        );
        assert!(!html.contains(r#"href="/media/l.png""#), "no link inside a link: {html}");
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
    }

    #[test]
    fn wide_tables_and_code_scroll_in_boxes_the_keyboard_reaches() {
        let mut renderer = MarkdownRenderer::default();
        let source = "| a |\n|---|\n| 1 |\n\n## Fees & limits\n\n| b |\n|---|\n| 2 |\n\n```\ncode\n```\n\n<div tabindex=\"0\" role=\"region\">x</div>\n";
        let html = renderer.render(source, 0, &mut |_| None).unwrap();
        assert!(
            html.contains(
                r#"<div class="table-scroll" tabindex="0" role="region" aria-label="Table 1"><table>"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"<div class="table-scroll" tabindex="0" role="region" aria-label="Table 2: Fees &amp; limits"><table>"#),
            "{html}"
        );
        assert_eq!(html.matches("</table></div>").count(), 2, "{html}");
        assert!(html.contains(r#"<pre tabindex="0"><code>"#), "{html}");
        assert_eq!(html.matches("tabindex").count(), 3, "authors' HTML gets no tabindex of its own: {html}");
    }

    #[test]
    fn hostile_html_and_urls_never_survive() {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<form action=\"https://evil.example\"><input name=q></form>",
            "```\"><script>alert(1)</script>\nx\n```",
            "<code class=\"language-x onmouseover=alert(1)\">x</code>",
            "![x\" onerror=\"alert(1)](javascript:alert(1))",
            "![x](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+)",
        ];
        for source in hostile {
            let html = render_markdown(source).unwrap().html.to_lowercase();
            for needle in ["<script", "javascript:", "data:", "<iframe", "<svg", "<math", "<form"] {
                assert!(!html.contains(needle), "{needle:?} survived in {html:?} from {source:?}");
            }
            // Attribute names, judged with every quoted value blanked: text like
            // `onerror=` inside an escaped alt is harmless, an attribute is not.
            let markup = regex_lite::Regex::new(r#""[^"]*""#).unwrap().replace_all(&html, "\"\"");
            for attribute in ["onerror", "onmouseover", "onload", "style="] {
                assert!(!markup.contains(attribute), "{attribute:?} survived in {html:?} from {source:?}");
            }
        }
    }
}

mod addresses {
    use super::render_markdown;

    /// Every way of writing a script address that markdown and HTML allow: a link
    /// or picture keeps only addresses without a scheme (relative to this site) or
    /// with https:, http: or mailto:, as a kit's next step does (links.rs).
    #[test]
    fn links_and_pictures_keep_only_safe_addresses_however_they_are_written() {
        let hostile = [
            "[x](javascript:alert(1))",
            "[x](<javascript:alert(1)>)",
            "<javascript:alert(1)>",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "[x](&#106;avascript:alert(1))",
            "[x](java&#x09;script:alert(1))",
            "[x](vbscript:msgbox(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[x](file:///etc/passwd)",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
            "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
            "<a href=\"\u{1}javascript:alert(1)\">x</a>",
            "<img src=\"javascript:alert(1)\">",
            "![x](vbscript:msgbox(1))",
        ];
        let address = regex_lite::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
        let scheme = regex_lite::Regex::new(r"^([a-z][a-z0-9+.-]*):").unwrap();
        for source in hostile {
            let html = render_markdown(source).unwrap().html;
            for captures in address.captures_iter(&html) {
                // As a browser reads it: without whitespace and control characters.
                let value: String = captures[1]
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if let Some(found) = scheme.captures(&value) {
                    assert!(
                        ["https", "http", "mailto"].contains(&&found[1]),
                        "{value:?} survived in {html:?} from {source:?}"
                    );
                }
            }
        }
    }
}

mod heading_ids {
    use super::render_markdown;

    #[test]
    fn repeated_headings_get_the_next_free_suffix_even_next_to_a_heading_that_took_it() {
        let rendered =
            render_markdown("## Steps\n## Steps 1\n## Steps\n## Steps\n# Steps-2\n## Steps\n").unwrap();
        let ids: Vec<&str> = rendered.headings.iter().map(|heading| heading.id.as_str()).collect();
        assert_eq!(ids, ["steps", "steps-1", "steps-2", "steps-3", "steps-2-1", "steps-4"]);
    }
}

mod nesting {
    use super::*;

    #[test]
    fn quotes_lists_and_html_deeper_than_the_limit_are_refused_where_they_cross_it() {
        let quotes = |depth: usize| format!("Intro\n\n{} deep\n", ">".repeat(depth));
        assert!(render_markdown(&quotes(MAX_NESTING)).is_ok());
        assert_eq!(
            render_markdown(&quotes(MAX_NESTING + 1)),
            Err(TooDeeplyNested { offset: "Intro\n\n".len() + MAX_NESTING })
        );
        let refused = [
            format!("{}x\n", "- ".repeat(MAX_NESTING + 1)),
            format!("{}x\n", "1. ".repeat(MAX_NESTING + 1)),
            "<div>".repeat(MAX_NESTING + 1),
            format!("{} <em>x</em>\n", "<span>".repeat(MAX_NESTING + 1)),
            format!("{}<div>\n\nx\n", "> ".repeat(MAX_NESTING)),
        ];
        for source in refused {
            assert!(render_markdown(&source).is_err(), "{source}");
        }
    }

    #[test]
    fn long_but_shallow_markdown_and_html_are_not_deep() {
        let accepted = [
            format!("{}\n", "<div>x</div>".repeat(1_000)),
            format!("<p>{}", "<br><img src=x><p>a<li>b<td>c".repeat(1_000)),
            format!("```\n{}\n```\n", ">".repeat(1_000)),
            format!("{}\n", "- x\n".repeat(1_000)),
            format!("<!-- {} -->\n", "<div>".repeat(1_000)),
            format!("{}\n", "* * *\n".repeat(1_000)),
        ];
        for source in accepted {
            assert!(render_markdown(&source).is_ok(), "{source}");
        }
    }
}

mod snapshot {
    use super::render_markdown;

    /// The whole rendering of a representative article, compared with the reviewed
    /// copy in snapshots/. After an intended change, run with UPDATE_SNAPSHOTS=1 and
    /// review the diff of sample.html.
    #[test]
    fn rendered_html_matches_the_reviewed_snapshot() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/content/snapshots");
        let source = std::fs::read_to_string(dir.join("sample.md")).unwrap();
        let html = render_markdown(&source).unwrap().html;
        let expected_path = dir.join("sample.html");
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&expected_path, &html).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert_eq!(
            html, expected,
            "rendered HTML changed; if intended, rerun with UPDATE_SNAPSHOTS=1 and review"
        );
    }
}
