//! Per-level sections inside one article, so a newcomer and an expert can read the
//! same page at different depths:
//!
//! ```text
//! ::: newcomer
//! Plain-words version.
//! :::
//! ::: expert
//! The exact API call.
//! :::
//! ```
//! Blocks that follow each other (blank lines between are fine) form one group; the
//! page shows the visitor's level first and the others behind a toggle.

use telepath_domain::Level;

#[derive(Debug, PartialEq, Eq)]
pub enum SourcePart<'a> {
    Shared { text: &'a str, offset: usize },
    ByLevel(Vec<LevelBlock<'a>>),
}

#[derive(Debug, PartialEq, Eq)]
pub struct LevelBlock<'a> {
    pub level: Level,
    pub text: &'a str,
    /// Byte offset of `text` in the body.
    pub offset: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub struct SectionError {
    /// Byte offset of the offending line in the body.
    pub offset: usize,
    pub message: String,
    pub help: &'static str,
}

const FENCE: &str = ":::";

/// Splits an article body into shared text and groups of per-level blocks. One pass
/// over the lines with its state (open block, code fence, shared start) in locals,
/// which is why it runs past 80 lines: split up, that state would be passed around.
pub fn split_level_sections(body: &str) -> Result<Vec<SourcePart<'_>>, SectionError> {
    let mut parts: Vec<SourcePart<'_>> = Vec::new();
    let mut shared_start = 0;
    let mut open: Option<(Level, usize, usize)> = None;
    let mut in_code_fence: Option<&str> = None;
    let mut line_start = 0;

    while line_start < body.len() {
        let line_end = body[line_start..].find('\n').map_or(body.len(), |index| line_start + index + 1);
        let line = body[line_start..line_end].trim();
        let next_start = line_end;

        if let Some(fence) = in_code_fence {
            if line.starts_with(fence) {
                in_code_fence = None;
            }
        } else if line.starts_with("```") || line.starts_with("~~~") {
            in_code_fence = Some(&line[..3]);
        } else if let Some(rest) = line.strip_prefix(FENCE) {
            let name = rest.trim();
            match (&open, name.is_empty()) {
                (None, true) => {
                    return Err(SectionError {
                        offset: line_start,
                        message: "`:::` closes a level section that was never opened".into(),
                        help: "open the section with `::: newcomer`, `::: technical` or `::: expert`",
                    });
                }
                (Some(_), false) => {
                    return Err(SectionError {
                        offset: line_start,
                        message: "a level section starts inside another one".into(),
                        help: "close the previous section with a line `:::` first",
                    });
                }
                (None, false) => {
                    let Some(level) = Level::from_visitor_choice(name) else {
                        return Err(SectionError {
                            offset: line_start,
                            message: format!("`{name}` is not a level"),
                            help: "use `::: newcomer`, `::: technical` or `::: expert`",
                        });
                    };
                    let shared = &body[shared_start..line_start];
                    let joins_group =
                        shared.trim().is_empty() && matches!(parts.last(), Some(SourcePart::ByLevel(_)));
                    if !joins_group && !shared.trim().is_empty() {
                        parts.push(SourcePart::Shared { text: shared, offset: shared_start });
                    }
                    if !joins_group {
                        parts.push(SourcePart::ByLevel(Vec::new()));
                    }
                    open = Some((level, line_start, next_start));
                }
                (Some((level, _, content_start)), true) => {
                    let block = LevelBlock {
                        level: *level,
                        text: &body[*content_start..line_start],
                        offset: *content_start,
                    };
                    if let Some(SourcePart::ByLevel(blocks)) = parts.last_mut() {
                        blocks.push(block);
                    }
                    open = None;
                    shared_start = next_start;
                }
            }
        }
        line_start = next_start;
    }
    if let Some((level, opened_at, _)) = open {
        return Err(SectionError {
            offset: opened_at,
            message: format!("the `{level}` section is never closed"),
            help: "end the section with a line containing only `:::`",
        });
    }
    let rest = &body[shared_start..];
    if !rest.trim().is_empty() || parts.is_empty() {
        parts.push(SourcePart::Shared { text: rest, offset: shared_start });
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_level_blocks_form_one_group_between_shared_text() {
        let body = "Intro\n\n::: newcomer\nEasy\n:::\n\n::: expert\nHard\n:::\nOutro\n";
        let parts = split_level_sections(body).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], SourcePart::Shared { text: "Intro\n\n", offset: 0 });
        let SourcePart::ByLevel(blocks) = &parts[1] else { panic!("a level group: {parts:?}") };
        assert_eq!(
            blocks.iter().map(|b| (b.level, b.text)).collect::<Vec<_>>(),
            [(Level::Newcomer, "Easy\n"), (Level::Expert, "Hard\n")]
        );
        assert_eq!(&body[blocks[1].offset..blocks[1].offset + 4], "Hard");
        assert_eq!(parts[2], SourcePart::Shared { text: "Outro\n", offset: body.find("Outro").unwrap() });
    }

    #[test]
    fn fences_inside_code_blocks_are_text() {
        let body = "```text\n::: newcomer\n```\n";
        assert_eq!(split_level_sections(body).unwrap(), [SourcePart::Shared { text: body, offset: 0 }]);
    }

    #[test]
    fn malformed_sections_say_what_to_fix() {
        let cases = [
            ("::: beginner\nx\n:::\n", 0, "`beginner` is not a level"),
            ("a\n::: expert\nx\n", 2, "the `expert` section is never closed"),
            ("a\n:::\n", 2, "`:::` closes a level section that was never opened"),
            ("::: expert\n::: newcomer\n:::\n", 11, "a level section starts inside another one"),
        ];
        for (body, offset, message) in cases {
            let error = split_level_sections(body).unwrap_err();
            assert_eq!((error.offset, error.message.as_str()), (offset, message), "{body:?}");
        }
    }
}
