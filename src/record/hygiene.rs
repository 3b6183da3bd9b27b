//! Text hygiene: half-width punctuation inside Chinese text, as web captures often have it
//! ("2月18日,自治区"). Reported by `bulletin check`, converted only when asked
//! (`--normalize-punctuation` or the template's `typography.normalize_punctuation`).

use super::{Article, Block};
use crate::layout::is_cjk;

/// One half-width mark in Chinese context, or a space typed next to a full-width mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PunctuationSpot {
    /// Field path, e.g. `body[0].text`.
    pub field: String,
    /// 1-based position of the character in the field's text.
    pub column: usize,
    pub found: char,
    /// The full-width mark for a half-width one; None for a space, which goes.
    pub suggested: Option<char>,
}

impl PunctuationSpot {
    /// What is wrong, in a sentence: "half-width ',' in Chinese text (full-width: '，')" or
    /// "a space next to a full-width mark (the mark carries its own space)".
    pub fn describe(&self) -> String {
        match self.suggested {
            Some(wide) => format!(
                "half-width '{}' in Chinese text (full-width: '{wide}')",
                self.found
            ),
            None => "a space next to a full-width mark (the mark carries its own space)".into(),
        }
    }
}

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        '.' => '。',
        _ => return None,
    })
}

/// Characters of Chinese running text (ideographs and CJK punctuation), not Latin or digits.
fn chinese(c: Option<char>) -> bool {
    c.is_some_and(|c| is_cjk(c) && !c.is_ascii())
}

/// Positions (char index) and replacements of half-width marks that sit in Chinese text,
/// and of spaces typed beside a full-width mark (replacement None: the space goes; the
/// layout already prints them as nothing). Marks between Latin letters or digits ("3.5",
/// "14:30", "a,b") are left alone; a full stop only counts after Chinese text and before
/// Chinese text or the end. Spaces beside a half-width mark go with its conversion and are
/// not counted apart; ideographic spaces (U+3000), which align text, are kept.
pub fn spots(text: &str) -> Vec<(usize, char, Option<char>)> {
    let chars: Vec<char> = text.chars().collect();
    let marks = half_width_spots(&chars);
    let mut out: Vec<(usize, char, Option<char>)> =
        marks.iter().map(|&(i, c, w)| (i, c, Some(w))).collect();
    let converted = |i: usize| marks.iter().any(|&(k, _, _)| k == i);
    let typed_space = |c: char| c.is_whitespace() && c != '\u{3000}' && c != '\n';
    let mut i = 0;
    while i < chars.len() {
        if !typed_space(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && typed_space(chars[i]) {
            i += 1;
        }
        let full_width_mark = |k: usize| crate::layout::is_fullwidth_punct(chars[k]);
        let before = start.checked_sub(1);
        let beside_converted = before.is_some_and(converted) || (i < chars.len() && converted(i));
        let beside_mark =
            before.is_some_and(full_width_mark) || (i < chars.len() && full_width_mark(i));
        if beside_mark && !beside_converted {
            out.extend((start..i).map(|k| (k, chars[k], None)));
        }
    }
    out.sort_by_key(|s| s.0);
    out
}

/// The half-width marks of [`spots`].
fn half_width_spots(chars: &[char]) -> Vec<(usize, char, char)> {
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let Some(wide) = full_width(c) else { continue };
        let prev = chars[..i]
            .iter()
            .rev()
            .find(|c| !c.is_whitespace())
            .copied();
        let next = chars[i + 1..].iter().find(|c| !c.is_whitespace()).copied();
        let in_chinese = match c {
            '.' => chinese(prev) && (next.is_none() || chinese(next)),
            '(' => chinese(prev) || chinese(next),
            ')' => chinese(prev) || chinese(next),
            _ => {
                let between_digits = prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit());
                (chinese(prev) || chinese(next)) && !between_digits
            }
        };
        if in_chinese {
            out.push((i, c, wide));
        }
    }
    out
}

/// `text` with the half-width marks of [`spots`] made full-width and the spaces beside
/// full-width marks dropped.
pub fn normalize(text: &str) -> String {
    let found = spots(text);
    if found.is_empty() {
        return text.to_owned();
    }
    let mut chars: Vec<Option<char>> = text.chars().map(Some).collect();
    for &(i, _, wide) in &found {
        chars[i] = wide;
        if wide.is_none() {
            continue;
        }
        // A full-width mark carries its own space: "会议 , 要求" becomes "会议，要求".
        let mut j = i;
        while j > 0 && chars[j - 1].is_some_and(char::is_whitespace) {
            j -= 1;
            chars[j] = None;
        }
        let mut k = i + 1;
        while k < chars.len() && chars[k].is_some_and(char::is_whitespace) {
            chars[k] = None;
            k += 1;
        }
    }
    chars.into_iter().flatten().collect()
}

impl Article {
    /// Visits every printed text field with its field path.
    pub fn for_each_text_mut(&mut self, mut f: impl FnMut(&str, &mut String)) {
        f("title", &mut self.title);
        if let Some(s) = &mut self.subtitle {
            f("subtitle", s);
        }
        blocks_text_mut("body", &mut self.body, &mut f);
        for (i, a) in self.attachments.iter_mut().enumerate() {
            f(&format!("attachments[{i}].name"), &mut a.name);
            blocks_text_mut(&format!("attachments[{i}].body"), &mut a.body, &mut f);
        }
    }

    /// Half-width punctuation inside Chinese text, for `bulletin check`.
    pub fn punctuation_spots(&self) -> Vec<PunctuationSpot> {
        let mut copy = self.clone();
        let mut out = Vec::new();
        if !self.language.is_chinese() {
            return out;
        }
        copy.for_each_text_mut(|field, text| {
            for (i, found, suggested) in spots(text) {
                out.push(PunctuationSpot {
                    field: field.to_owned(),
                    column: i + 1,
                    found,
                    suggested,
                });
            }
        });
        out
    }

    /// Converts half-width punctuation in Chinese text to full-width; returns how many marks
    /// changed. English articles are left as they are.
    pub fn normalize_punctuation(&mut self) -> usize {
        if !self.language.is_chinese() {
            return 0;
        }
        let mut changed = 0;
        self.for_each_text_mut(|_, text| {
            changed += spots(text).len();
            *text = normalize(text);
        });
        changed
    }
}

/// Calls `f` with the path and text of every text in `blocks` (at `at`, e.g. `body`).
fn blocks_text_mut(at: &str, blocks: &mut [Block], f: &mut impl FnMut(&str, &mut String)) {
    for (i, block) in blocks.iter_mut().enumerate() {
        match block {
            Block::Paragraph(t) | Block::Quote(t) | Block::Heading { text: t, .. } => {
                f(&format!("{at}[{i}].text"), t)
            }
            Block::List { items, .. } => {
                for (j, item) in items.iter_mut().enumerate() {
                    f(&format!("{at}[{i}].items[{j}]"), item);
                }
            }
            Block::Table(t) => {
                if let Some(c) = &mut t.caption {
                    f(&format!("{at}[{i}].caption"), c);
                }
                // Cells by their place in the record's rows (spanned cells are absent).
                let mut row = usize::MAX;
                let mut index = 0;
                for cell in &mut t.cells {
                    if cell.row != row {
                        (row, index) = (cell.row, 0);
                    }
                    f(&format!("{at}[{i}].rows[{row}][{index}]"), &mut cell.text);
                    index += 1;
                }
            }
            Block::Image(img) => {
                if let Some(c) = &mut img.caption {
                    f(&format!("{at}[{i}].caption"), c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_beside_full_width_marks_are_spotted_and_dropped() {
        // ../shared/cases/space-after-fullwidth.json
        let text = "会议要求， “防”字当头，各村要加强巡查值守， 严防死守。 会议强调：";
        assert_eq!(
            spots(text),
            vec![(5, ' ', None), (23, ' ', None), (29, ' ', None)]
        );
        assert_eq!(
            normalize(text),
            "会议要求，“防”字当头，各村要加强巡查值守，严防死守。会议强调："
        );
        // A space beside a converted half-width mark goes with it, counted once.
        assert_eq!(spots("会议 , 要求"), vec![(3, ',', Some('，'))]);
        // Spaces between Chinese and Latin, and ideographic spaces, stay.
        assert!(spots("第 2 自然段").is_empty());
        assert!(spots("　　李某某　　职务：").is_empty());
    }

    #[test]
    fn converts_marks_in_chinese_context_only() {
        assert_eq!(
            normalize("2月18日,自治区召开会议"),
            "2月18日，自治区召开会议"
        );
        assert_eq!(
            normalize("旗县(市、区)生态环境部门"),
            "旗县（市、区）生态环境部门"
        );
        assert_eq!(
            normalize("会议要求:各地要高度重视!是否完成?请报送."),
            "会议要求：各地要高度重视！是否完成？请报送。"
        );
        assert_eq!(normalize("会议 , 要求"), "会议，要求");
        for untouched in [
            "PM2.5浓度",
            "时间14:30开始",
            "共12,345.67万元",
            "Zoom(Tencent)",
            "see a.b, c",
            "版本1.0",
        ] {
            assert_eq!(normalize(untouched), untouched);
        }
    }

    #[test]
    fn spots_report_positions() {
        assert_eq!(spots("2月18日,自治区"), vec![(5, ',', Some('，'))]);
    }
}
