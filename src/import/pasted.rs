//! Tables pasted as text: what Excel, WPS, Word and browsers put on the clipboard when cells
//! are copied — one line per row, the cells separated by tabs, and (Excel, WPS) a cell holding
//! a line break, a tab or a `"` written in double quotes with inner quotes doubled (RFC 4180
//! quoting, read by the `csv` crate).
//!
//! Merged cells cannot travel through the clipboard's text, so a cell may say it belongs to a
//! neighbour: a cell that is exactly `<` joins the cell to its left (a colspan), one that is
//! exactly `^` joins the cell above (a rowspan). The cells a merged cell covers must make a
//! rectangle. Header rows: the first row, and every row a span starting there reaches (a
//! two-row header under a 资金 cell spanning 区级 and 街道).

use serde_json::{json, Value};

/// A cell that joins the cell to its left.
pub const JOIN_LEFT: &str = "<";
/// A cell that joins the cell above it.
pub const JOIN_UP: &str = "^";

/// A pasted table found at the start of some text.
#[derive(Debug, Clone, PartialEq)]
pub struct Pasted {
    /// The record's table block: `{"type": "table", "rows": …, "header_rows": n}`.
    pub block: Value,
    /// How many bytes of the text the table took (its rows and their line ends).
    pub consumed: usize,
}

/// Why a pasted table cannot be read: the row and cell (both from 1, as a person counts)
/// and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct PasteError {
    pub row: usize,
    pub cell: usize,
    pub message: String,
}

/// Whether a line starts a pasted table: it has a tab between cells.
pub fn is_table_line(line: &str) -> bool {
    line.contains('\t')
}

/// Reads the table whose first row starts `text`: rows as long as they hold a tab (a quoted
/// cell may run over several lines), up to the first line without one or the first blank
/// line. Short rows are padded with empty cells and columns empty in every row at the right
/// end (Excel's trailing tabs) are dropped. None when not even the first line is a row (its
/// quoted cell never closes). Errors: a `<` in a row's first cell, a `^` in the first row, or
/// merged cells that do not make a rectangle.
pub fn read(text: &str) -> Result<Option<Pasted>, PasteError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut consumed = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        // A blank line ends the table (csv would skip it and read on).
        let at = usize::try_from(reader.position().byte()).unwrap_or(text.len());
        if text.get(at..).is_some_and(|t| t.starts_with('\n')) {
            break;
        }
        match reader.read_record(&mut record) {
            Ok(true) => {}
            // Not text csv can read (cannot happen for a &str) or the end.
            Ok(false) | Err(_) => break,
        }
        // A line without a tab is not a row: the table has ended.
        if record.len() < 2 {
            break;
        }
        let end = usize::try_from(reader.position().byte()).unwrap_or(text.len());
        // A row running over several lines must be a quoted cell that closes: a `"` that
        // opens a cell and never closes would take in the rest of the text.
        let raw = text.get(at..end).unwrap_or_default();
        let lines = raw.trim_end_matches(['\n', '\r']).contains('\n');
        if lines && raw.matches('"').count() % 2 == 1 {
            break;
        }
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
        consumed = end;
    }
    if rows.is_empty() {
        return Ok(None);
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let used = (0..width)
        .rev()
        .find(|&c| rows.iter().any(|r| r.get(c).is_some_and(|s| !s.is_empty())))
        .map_or(1, |c| c + 1);
    for row in &mut rows {
        row.resize(used, String::new());
    }
    // Past the rows read, at a line's start (csv stops after a line end or at the end).
    let consumed = (consumed.min(text.len())..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    Ok(Some(Pasted {
        block: spanned(&rows)?,
        consumed,
    }))
}

/// The table block of a grid whose `<` and `^` cells join their neighbours.
fn spanned(grid: &[Vec<String>]) -> Result<Value, PasteError> {
    let height = grid.len();
    let width = grid.first().map_or(0, Vec::len);
    // owner[r][c]: the grid place of the cell that (r, c) belongs to.
    let mut owner = vec![vec![(0usize, 0usize); width]; height];
    for (r, row) in grid.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let err = |message: &str| PasteError {
                row: r + 1,
                cell: c + 1,
                message: message.to_owned(),
            };
            owner[r][c] =
                match text.as_str() {
                    JOIN_LEFT if c == 0 => return Err(err(
                        "`<` joins a cell to the one on its left, but this is the row's first cell",
                    )),
                    JOIN_UP if r == 0 => {
                        return Err(err(
                            "`^` joins a cell to the one above it, but this is the first row",
                        ))
                    }
                    JOIN_LEFT => owner[r][c - 1],
                    JOIN_UP => owner[r - 1][c],
                    _ => (r, c),
                };
        }
    }
    // Each cell's extent: the last row and column of the places it owns, and how many.
    let mut extent = vec![vec![(0usize, 0usize, 0usize); width]; height];
    for (r, row) in owner.iter().enumerate() {
        for (c, &(orow, ocol)) in row.iter().enumerate() {
            let e = &mut extent[orow][ocol];
            e.0 = e.0.max(r);
            e.1 = e.1.max(c);
            e.2 += 1;
        }
    }
    let mut rows = Vec::with_capacity(height);
    let mut header_rows = 1;
    for (r, row) in grid.iter().enumerate() {
        let mut cells = Vec::new();
        for (c, text) in row.iter().enumerate() {
            if owner[r][c] != (r, c) {
                continue;
            }
            let (last_row, last_column, count) = extent[r][c];
            let (rowspan, colspan) = (last_row - r + 1, last_column - c + 1);
            if rowspan * colspan != count {
                return Err(PasteError {
                    row: r + 1,
                    cell: c + 1,
                    message: format!(
                        "the cells joined to `{text}` with `<` and `^` do not make a rectangle"
                    ),
                });
            }
            if r < header_rows {
                header_rows = header_rows.max(last_row + 1);
            }
            cells.push(if rowspan == 1 && colspan == 1 {
                Value::String(text.clone())
            } else {
                json!({"text": text, "colspan": colspan, "rowspan": rowspan})
            });
        }
        rows.push(Value::Array(cells));
    }
    // A header that would be the whole table: the first row alone when no span takes it
    // further down, else none (a single row is data, not a header over nothing).
    if header_rows >= height {
        let first_row_alone = (0..width).all(|c| extent[owner[0][c].0][owner[0][c].1].0 == 0);
        header_rows = usize::from(height > 1 && first_row_alone);
    }
    Ok(json!({"type": "table", "header_rows": header_rows, "rows": rows}))
}

/// Whether a line is a table's caption (表题) standing above it: "表1 …", "表 2：…", "表一 …",
/// short and not a sentence.
pub fn is_caption(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('表') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        && line.chars().count() <= 40
        && !line.contains('。')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Value {
        table(text).block
    }

    fn table(text: &str) -> Pasted {
        read(text).expect("no error").expect("a table")
    }

    #[test]
    fn tab_separated_lines_are_rows_up_to_a_line_without_a_tab() {
        let text = "序号\t单位\t人数\n1\t区教育局\t12\n2\t区民政局\t8\n说明文字。\n";
        let pasted = table(text);
        assert_eq!(
            pasted.block,
            json!({"type": "table", "header_rows": 1, "rows": [
                ["序号", "单位", "人数"], ["1", "区教育局", "12"], ["2", "区民政局", "8"]
            ]})
        );
        assert_eq!(&text[pasted.consumed..], "说明文字。\n");
        // A blank line ends the table too.
        let two = "a\tb\nc\td\n\ne\tf\n";
        assert_eq!(&two[table(two).consumed..], "\ne\tf\n");
    }

    #[test]
    fn excel_quoting_padding_and_trailing_tabs() {
        // A quoted cell holds a line break and a doubled quote; Excel's trailing tabs go;
        // a short row is padded.
        let text = "名称\t说明\t\t\n\"甲\n乙\"\t\"他说\"\"好\"\"\"\t\t\n丙\n";
        assert_eq!(
            rows(text),
            json!({"type": "table", "header_rows": 1, "rows": [
                ["名称", "说明"], ["甲\n乙", "他说\"好\""]
            ]})
        );
        assert_eq!(&text[table(text).consumed..], "丙\n");
        assert_eq!(
            rows("a\tb\tc\nd\n")["rows"],
            json!([["a", "b", "c"]]),
            "a line without a tab is not a row"
        );
        assert_eq!(
            rows("a\tb\tc\nd\te\n")["rows"],
            json!([["a", "b", "c"], ["d", "e", ""]])
        );
    }

    #[test]
    fn a_quote_that_never_closes_takes_nothing_in() {
        // The quote opens a cell in the second row and never closes: the table is the
        // first row only, the rest is text.
        let text = "甲\t乙\n丙\t\"丁\n第二段。\n第三段。\n";
        let pasted = table(text);
        assert_eq!(pasted.block["rows"], json!([["甲", "乙"]]));
        assert_eq!(&text[pasted.consumed..], "丙\t\"丁\n第二段。\n第三段。\n");
        // On the first line: no table at all.
        assert_eq!(read("丙\t\"丁\n第二段。\n"), Ok(None));
        assert_eq!(read("\"é\tb"), Ok(None), "the tab is inside the open quote");
    }

    #[test]
    fn join_marks_make_spans_and_a_two_row_header() {
        let text = "类别\t项目\t资金（万元）\t<\n^\t^\t区级\t街道\n教育\t幼儿园\t1200\t300\n^\t食堂\t800\t0\n合计\t<\t2000\t300\n";
        assert_eq!(
            rows(text),
            json!({"type": "table", "header_rows": 2, "rows": [
                [{"text": "类别", "colspan": 1, "rowspan": 2}, {"text": "项目", "colspan": 1, "rowspan": 2},
                 {"text": "资金（万元）", "colspan": 2, "rowspan": 1}],
                ["区级", "街道"],
                [{"text": "教育", "colspan": 1, "rowspan": 2}, "幼儿园", "1200", "300"],
                ["食堂", "800", "0"],
                [{"text": "合计", "colspan": 2, "rowspan": 1}, "2000", "300"]
            ]})
        );
        // A 2×2 block: `<` then `^` under both.
        assert_eq!(
            rows("a\t<\tb\n^\t^\tc\n")["rows"],
            json!([[{"text": "a", "colspan": 2, "rowspan": 2}, "b"], ["c"]])
        );
        assert_eq!(rows("only\tone row\n")["header_rows"], json!(0));
        // A span from the first row down to the last: no header can be told.
        assert_eq!(rows("a\tb\n^\tc\n")["header_rows"], json!(0));
    }

    #[test]
    fn join_marks_that_cannot_be_honoured_name_the_cell() {
        let err = |text: &str| read(text).expect_err("an error");
        assert_eq!(err("<\ta\nb\tc\n").cell, 1);
        assert_eq!(
            err("a\t^\nb\tc\n"),
            PasteError {
                row: 1,
                cell: 2,
                message: "`^` joins a cell to the one above it, but this is the first row".into()
            }
        );
        // "a" would own an L shape: (1,1), (2,1), (2,2).
        let l = err("a\tb\n^\t<\n");
        assert_eq!((l.row, l.cell), (1, 1));
        assert!(l.message.contains("rectangle"), "{}", l.message);
    }

    #[test]
    fn captions() {
        assert!(is_caption("表1 2025年度民生实事项目"));
        assert!(is_caption("表 2：指标"));
        assert!(is_caption("表一"));
        assert!(!is_caption("表示同意。"));
        assert!(!is_caption(
            "表1显示，今年各项指标均有增长，其中教育支出增长最快。"
        ));
    }
}
