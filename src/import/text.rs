//! Text copied out of a browser: one line per paragraph, with the page's breadcrumb, title,
//! meta lines and chrome around the article.

use super::meta::{breadcrumb, is_chrome, meta_fields, normalize_date, Field};
use super::{paragraph_block, pasted, Found};

pub(super) fn extract(text: &str) -> Found {
    let mut found = Found::default();
    let text = text.replace("\r\n", "\n");
    let mut rest = text.as_str();
    // Set while the rows of a table that could not be read are kept as paragraphs.
    let mut unreadable = false;
    while !rest.is_empty() {
        // A table in the article is copied as tab-separated rows.
        let tabbed = pasted::is_table_line(rest.lines().next().unwrap_or_default());
        unreadable &= tabbed;
        if found.title.is_some() && tabbed && !unreadable {
            match pasted::read(rest) {
                Ok(Some(table)) => {
                    rest = &rest[table.consumed..];
                    found.body.push(table.block);
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    unreadable = true;
                    found.warnings.push(format!(
                        "a table's row {}, cell {}: {}; its rows are kept as paragraphs",
                        e.row, e.cell, e.message
                    ));
                }
            }
        }
        let (raw, left) = rest.split_once('\n').unwrap_or((rest, ""));
        rest = left;
        let line = raw.trim().trim_matches('\u{3000}').trim();
        if line.is_empty() || is_chrome(line) {
            continue;
        }
        if found.channel.is_empty() {
            if let Some(parts) = breadcrumb(line) {
                found.channel = parts;
                continue;
            }
        }
        let fields = meta_fields(line);
        if !fields.is_empty() {
            apply_meta(&mut found, fields);
            continue;
        }
        if found.title.is_none() {
            found.title = Some(line.to_owned());
            continue;
        }
        found.body.push(paragraph_block(line));
    }
    found
}

pub(super) fn apply_meta(found: &mut Found, fields: Vec<(Field, String)>) {
    for (field, value) in fields {
        if value.is_empty() {
            continue;
        }
        match field {
            Field::Published if found.published.is_none() => match normalize_date(&value) {
                Some(d) => found.published = Some(d),
                None => found
                    .warnings
                    .push(format!("publish time `{value}` is not a date; left out")),
            },
            Field::Source if found.source.is_none() => found.source = Some(value),
            Field::Author if found.author.is_none() => found.author = Some(value),
            _ => {}
        }
    }
}
