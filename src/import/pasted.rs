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
/// end (Excel's trailing tabs) are dropped. Errors: a `<` in a row's first cell, a `^` in the
/// first row, or merged cells that do not make a rectangle.
pub fn read(text: &str) -> Result<Pasted, PasteError> {
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
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
        consumed = usize::try_from(reader.position().byte()).unwrap_or(text.len());
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let used = (0..width)
        .rev()
        .find(|&c| rows.iter().any(|r| r.get(c).is_some_and(|s| !s.is_empty())))
        .map_or(1, |c| c + 1);
    for row in &mut rows {
        row.resize(used, String::new());
    }
    Ok(Pasted {
        block: spanned(&rows)?,
        consumed: consumed.min(text.len()),
    })
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
    // A single row is data, not a header over nothing.
    if height == 1 || header_rows >= height {
        header_rows = usize::from(height > 1);
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
        read(text).expect("a table").block
    }

    #[test]
    fn tab_separated_lines_are_rows_up_to_a_line_without_a_tab() {
        let text = "序号\t单位\t人数\n1\t区教育局\t12\n2\t区民政局\t8\n说明文字。\n";
        let pasted = read(text).unwrap();
        assert_eq!(
            pasted.block,
            json!({"type": "table", "header_rows": 1, "rows": [
                ["序号", "单位", "人数"], ["1", "区教育局", "12"], ["2", "区民政局", "8"]
            ]})
        );
        assert_eq!(&text[pasted.consumed..], "说明文字。\n");
        // A blank line ends the table too.
        let two = "a\tb\nc\td\n\ne\tf\n";
        assert_eq!(&two[read(two).unwrap().consumed..], "\ne\tf\n");
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
        assert_eq!(&text[read(text).unwrap().consumed..], "丙\n");
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
    }

    #[test]
    fn join_marks_that_cannot_be_honoured_name_the_cell() {
        let err = |text: &str| read(text).unwrap_err();
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
