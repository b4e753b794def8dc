//! Where a problem is in the scenario text. Validation names each problem by
//! a field path (`queue "chat": sla.target`, `team "t1": shifts[2].days`,
//! `simulation.start`); this module finds the line and column of that key in
//! the file, or of the nearest enclosing table or array element when the key
//! itself is absent (a missing field is reported where its table starts), so
//! an editor can jump to it. Paths it cannot read give no position.

use toml_edit::{Document, Item, Key, TableLike};

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// The line at byte `span.start` with carets under the span (at least one,
/// at most to the end of the line), in the layout of the TOML parser's own
/// messages:
///
/// ```text
///   |
/// 3 | horizon = 1w
///   |           ^^
/// ```
pub fn snippet(text: &str, span: std::ops::Range<usize>) -> String {
    let (line, column) = line_col(text, span.start);
    let content = text.split('\n').nth(line - 1).unwrap_or("").trim_end_matches('\r');
    let gutter = " ".repeat(line.to_string().len());
    // Tabs stay tabs under the line so the carets line up in any terminal.
    let pad: String = content.chars().take(column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    let rest = content.chars().count().saturating_sub(column - 1);
    let spanned = text.get(span.clone()).map_or(1, |s| s.chars().count());
    let carets = "^".repeat(spanned.min(rest).max(1));
    format!("{gutter} |\n{line} | {content}\n{gutter} | {pad}{carets}")
}

/// Finds field paths in one scenario text, parsed once.
pub struct Locator<'a> {
    text: &'a str,
    doc: Option<Document<&'a str>>,
}

/// One step of a field path.
#[derive(Debug, PartialEq)]
enum Step {
    /// A key of a table: `simulation`, `sla`, `"chat"`.
    Key(String),
    /// The element of an array (of tables, or inline) whose `name` is this:
    /// `queue "chat"`.
    Named(String, String),
    /// The 1-based element of an array: `shifts[2]`, `event[3] "launch"`.
    Index(String, usize),
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Locator { text, doc: Document::parse(text).ok() }
    }

    /// Line and column of the field at path `at`, or of the nearest enclosing
    /// table or element found; `None` for an empty or unreadable path.
    pub fn find(&self, at: &str) -> Option<(usize, usize)> {
        let doc = self.doc.as_ref()?;
        let steps = steps(at)?;
        let mut table: &dyn TableLike = doc.as_table();
        let mut found = None;
        for step in &steps {
            let name = match step {
                Step::Key(k) | Step::Named(k, _) | Step::Index(k, _) => k,
            };
            let Some((key, item)) = table.get_key_value(name) else { break };
            found = key_start(key).or(found);
            let next = match step {
                Step::Key(_) => Some((None, item.as_table_like())),
                Step::Named(_, wanted) => element(item, |t| t.get("name").and_then(Item::as_str) == Some(wanted)),
                Step::Index(_, i) => {
                    let mut k = 0;
                    element(item, |_| {
                        k += 1;
                        k == *i
                    })
                }
            };
            let Some((start, inner)) = next else { break };
            found = start.or(found);
            match inner {
                Some(inner) => table = inner,
                None => break,
            }
        }
        found.map(|offset| line_col(self.text, offset))
    }
}

fn key_start(key: &Key) -> Option<usize> {
    key.span().map(|s| s.start)
}

/// The first element of the array `item` (of tables, or inline) that
/// `wanted` accepts: its start and its table.
fn element(
    item: &Item,
    mut wanted: impl FnMut(&dyn TableLike) -> bool,
) -> Option<(Option<usize>, Option<&dyn TableLike>)> {
    if let Some(tables) = item.as_array_of_tables() {
        return tables.iter().find(|t| wanted(*t)).map(|t| (t.span().map(|s| s.start), Some(t as &dyn TableLike)));
    }
    item.as_array()?.iter().find(|v| v.as_inline_table().is_some_and(|t| wanted(t))).map(|v| {
        let table = v.as_inline_table().map(|t| t as &dyn TableLike);
        (v.span().map(|s| s.start), table)
    })
}

/// Reads a field path such as `queue "chat": sla.target`, `team "t": shifts[2].days`,
/// `event[3] "launch".date`, `queue "q": speed."chat"` or `policies.p.order`
/// into its steps; `None` for anything else (a sentence, an empty path).
fn steps(at: &str) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    let mut rest = at.trim();
    while !rest.is_empty() {
        let (word, after) = if rest.starts_with('"') {
            quoted(rest)?
        } else {
            let end = rest.find(['.', '[', ' ', ':', '"']).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            (rest[..end].to_string(), &rest[end..])
        };
        rest = after;
        if let Some(inside) = rest.strip_prefix('[') {
            let close = inside.find(']')?;
            let index: usize = inside[..close].parse().ok()?;
            rest = &inside[close + 1..];
            // An event's name follows its index; the index decides.
            if let Some(named) = rest.strip_prefix(' ').filter(|r| r.starts_with('"')) {
                rest = quoted(named)?.1;
            }
            out.push(Step::Index(word, index));
        } else if let Some(named) = rest.strip_prefix(' ').filter(|r| r.starts_with('"')) {
            let (name, after) = quoted(named)?;
            rest = after;
            out.push(Step::Named(word, name));
        } else {
            out.push(Step::Key(word));
        }
        rest = if let Some(r) = rest.strip_prefix(": ") {
            r
        } else if let Some(r) = rest.strip_prefix('.') {
            r
        } else if rest.is_empty() {
            rest
        } else {
            return None;
        };
    }
    (!out.is_empty()).then_some(out)
}

/// A `"…"` name as messages show it (Rust's `escape_debug`), unescaped, and
/// the text after its closing quote.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                'u' => {
                    let mut hex = String::new();
                    for (_, c) in chars.by_ref() {
                        match c {
                            '{' => {}
                            '}' => break,
                            c => hex.push(c),
                        }
                    }
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESK: &str = r#"name = "desk"

[simulation]
horizon = "1w"
start = "25:00"

[[queue]]
name = "email"
volume = "700/week"

[[queue]]
name = "chat"
sla = { within = "2m", target = 1.3 }

[[team]]
name = "tier1"
skills = ["chat"]
shifts = [
  { days = "mon-fri", start = "09:00", length = "8h", agents = 2 },
  { days = "sat-sun", start = "10:00", length = "30h", agents = 1 },
]
speed = { "chat" = 0 }

[policies.p]
order = "lifo"
"#;

    #[test]
    fn paths_are_found_at_their_keys() {
        let l = Locator::new(DESK);
        assert_eq!(l.find("simulation.start"), Some((5, 1)));
        assert_eq!(l.find("queue \"chat\": sla.target"), Some((13, 24)));
        assert_eq!(l.find("queue \"email\": volume"), Some((9, 1)));
        assert_eq!(l.find("team \"tier1\": shifts[2].length"), Some((20, 40)));
        assert_eq!(l.find("team \"tier1\": speed.\"chat\""), Some((22, 11)));
        assert_eq!(l.find("policies.p.order"), Some((25, 1)));
        assert_eq!(l.find("name"), Some((1, 1)));
    }

    #[test]
    fn a_missing_key_is_found_at_what_encloses_it() {
        let l = Locator::new(DESK);
        // No handle_time in queue "email": its [[queue]] header.
        assert_eq!(l.find("queue \"email\": handle_time.mean"), Some((7, 1)));
        // No sla.average: the sla key.
        assert_eq!(l.find("queue \"chat\": sla.average"), Some((13, 1)));
        // No third shift: the shifts key.
        assert_eq!(l.find("team \"tier1\": shifts[3].days"), Some((18, 1)));
        // No such queue: the first [[queue]] header's key.
        assert_eq!(l.find("queue \"phone\": volume").map(|(line, _)| line), Some(7));
        assert_eq!(l.find("simulation.seed"), Some((3, 2)));
    }

    #[test]
    fn sentences_and_empty_paths_have_no_position() {
        let l = Locator::new(DESK);
        assert_eq!(l.find(""), None);
        assert_eq!(l.find("queue shares"), None);
        assert_eq!(l.find("overtime[1].team"), None);
        assert_eq!(Locator::new("not = [toml").find("name"), None);
    }

    #[test]
    fn paths_are_read_into_steps() {
        use Step::*;
        assert_eq!(
            steps("event[3] \"black \\\"friday\\\"\".date").unwrap(),
            [Index("event".into(), 3), Key("date".into())]
        );
        assert_eq!(
            steps("queue \"a\\u{1b}b\": transfers[1].to").unwrap(),
            [Named("queue".into(), "a\u{1b}b".into()), Index("transfers".into(), 1), Key("to".into())]
        );
        assert_eq!(steps("plan.headcount.tier1").unwrap().len(), 3);
        assert!(steps("queue \"unclosed").is_none());
    }

    #[test]
    fn columns_count_characters_and_snippets_point_at_the_span() {
        assert_eq!(line_col("a\nbé = x", 6), (2, 4));
        assert_eq!(line_col("abc", 99), (1, 4));
        assert_eq!(snippet("name = 1\nhorizon = 1w\n", 19..21), "  |\n2 | horizon = 1w\n  |           ^^");
        assert_eq!(snippet("x", 1..1), "  |\n1 | x\n  |  ^");
    }
}
