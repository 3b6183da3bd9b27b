//! Checks of an official document's elements against GB/T 9704-2012, for `bulletin check`
//! and as warnings of `convert`: the form of the 发文字号 (7.2.5) wherever it is written (the
//! `doc_number` field, and 文号 cited in the text), 附件说明 names without closing punctuation
//! (7.3.3).

use super::Article;

/// One finding: the field (as the record names it, e.g. `doc_number`, `body[3].text`), the
/// character where it starts (1-based) and what is wrong, with the corrected text.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialSpot {
    pub field: String,
    pub column: usize,
    pub message: String,
}

/// The brackets people put around a 发文字号's year instead of the 六角括号 〔〕.
const OPENERS: &[char] = &[
    '[', '［', '【', '(', '（', '〈', '<', '{', '｛', '〖', '﹝', '〔',
];
const CLOSERS: &[char] = &[
    ']', '］', '】', ')', '）', '〉', '>', '}', '｝', '〗', '﹞', '〕',
];

/// The characters an organ's code (机关代字) for a document ends in: the kind of document
/// (发, 函, 字, 办, 电, 令, …). A cited 文号 is only recognised after one of them, so that
/// "为(2024)1号线路" is not taken for one.
const CODE_ENDS: &[char] = &[
    '发', '函', '字', '办', '电', '令', '复', '呈', '报', '通', '文', '纪', '议', '告',
];

/// Chinese numerals a 令号 may be written in ("第三十一号", as 主席令 are numbered).
const CHINESE_NUMERALS: &str = "〇零一二三四五六七八九十百千";

/// What is wrong with a 令号 (the 命令（令）格式, 10.2, whose figure shows "第×号": the number in
/// Arabic digits without a leading zero, or in Chinese numerals), or `None`.
pub fn order_number_problem(number: &str) -> Option<String> {
    let n = number.trim();
    let digits = n.strip_prefix('第').and_then(|r| r.strip_suffix('号'));
    match digits {
        Some(d) if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => d
            .starts_with('0')
            .then(|| format!("no leading zero; write 第{}号", d.trim_start_matches('0'))),
        Some(d) if !d.is_empty() && d.chars().all(is_digit) => Some(format!(
            "Arabic digits in half width; write 第{}号",
            d.chars().map(ascii_digit).collect::<String>()
        )),
        Some(d) if !d.is_empty() && d.chars().all(|c| CHINESE_NUMERALS.contains(c)) => None,
        _ => Some(
            "a 令号 reads 第, the number (Arabic digits or Chinese numerals), 号: e.g. 第7号 (GB/T 9704-2012 10.2)"
                .to_owned(),
        ),
    }
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn ascii_digit(c: char) -> char {
    if ('０'..='９').contains(&c) {
        char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
    } else {
        c
    }
}

/// What is wrong with `number` as a 发文字号 (GB/T 9704-2012 7.2.5: "发文字号由发文机关代字、
/// 年份、发文顺序号组成。年份、发文顺序号用阿拉伯数字标注；年份应标全称，用六角括号"〔〕"
/// 括入；发文顺序号不加"第"字，不编虚位（即1不编为01），在阿拉伯数字后加"号"字"), as
/// (character index, problem) pairs, and the number written as the standard wants it, when
/// it can be told. Empty when the number is right.
pub fn doc_number_problems(number: &str) -> (Vec<(usize, String)>, Option<String>) {
    let mut problems = Vec::new();
    let typed: Vec<char> = number.trim().chars().collect();
    if let Some(at) = typed.iter().position(|c| c.is_whitespace()) {
        problems.push((at, "no spaces inside a 发文字号".to_owned()));
    }
    let chars: Vec<char> = typed.into_iter().filter(|c| !c.is_whitespace()).collect();
    let Some(year_start) = chars.iter().position(|&c| is_digit(c)) else {
        return (
            vec![(
                0,
                "no year: a 发文字号 is the organ's code, the full year in 〔〕 and the serial number with 号, e.g. 某环发〔2025〕12号".to_owned(),
            )],
            None,
        );
    };
    let year_end = (year_start..chars.len())
        .find(|&i| !is_digit(chars[i]))
        .unwrap_or(chars.len());
    let year: String = chars[year_start..year_end]
        .iter()
        .map(|&c| ascii_digit(c))
        .collect();
    let open = year_start
        .checked_sub(1)
        .map(|i| chars[i])
        .filter(|c| OPENERS.contains(c));
    let code_end = if open.is_some() {
        year_start - 1
    } else {
        year_start
    };
    let code: String = chars[..code_end].iter().collect();
    if code.trim().is_empty() {
        problems.push((
            0,
            "no organ's code (发文机关代字) before the year".to_owned(),
        ));
    }
    // "（2024年）": 年 is not written.
    let mut year_end_text = year_end;
    if chars.get(year_end) == Some(&'年') {
        problems.push((year_end, "no 年 after the year".to_owned()));
        year_end_text += 1;
    }
    let close = chars
        .get(year_end_text)
        .copied()
        .filter(|c| CLOSERS.contains(c));
    let after_year = if close.is_some() {
        year_end_text + 1
    } else {
        year_end_text
    };
    match (open, close) {
        (Some('〔'), Some('〕')) => {}
        (None, None) => problems.push((
            year_start,
            "the year goes in the 六角括号 〔〕".to_owned(),
        )),
        (o, c) => problems.push((
            code_end,
            format!(
                "the year is in {}{}; it goes in the 六角括号 〔〕, not brackets such as [ ] or 【】",
                o.map_or(String::new(), String::from),
                c.map_or(String::new(), String::from)
            ),
        )),
    }
    if chars[year_start..year_end]
        .iter()
        .any(|c| !c.is_ascii_digit())
    {
        problems.push((
            year_start,
            "write the year in half-width Arabic digits".to_owned(),
        ));
    }
    if year.len() != 4 {
        problems.push((
            year_start,
            format!("the year {year} is not written in full (four digits)"),
        ));
    }
    let mut i = after_year;
    if chars.get(i) == Some(&'第') {
        problems.push((i, "no 第 before the serial number".to_owned()));
        i += 1;
    }
    let serial_start = i;
    while i < chars.len() && is_digit(chars[i]) {
        i += 1;
    }
    let serial: String = chars[serial_start..i]
        .iter()
        .map(|&c| ascii_digit(c))
        .collect();
    let trimmed = serial.trim_start_matches('0');
    if serial.is_empty() {
        problems.push((serial_start, "no serial number after the year".to_owned()));
    } else if trimmed.is_empty() {
        problems.push((
            serial_start,
            "the serial number is 0; documents are numbered from 1".to_owned(),
        ));
    } else if trimmed.len() < serial.len() {
        problems.push((
            serial_start,
            format!("the serial number {serial} has a leading zero (1, not 01)"),
        ));
    }
    if chars[serial_start..i].iter().any(|c| !c.is_ascii_digit()) {
        problems.push((
            serial_start,
            "write the serial number in half-width Arabic digits".to_owned(),
        ));
    }
    let rest: String = chars[i..].iter().collect();
    if rest != "号" {
        problems.push((
            i,
            if rest.is_empty() {
                "a 发文字号 ends with 号".to_owned()
            } else {
                format!("a 发文字号 ends with 号 right after the serial number, not \"{rest}\"")
            },
        ));
    }
    if problems.is_empty() {
        return (problems, None);
    }
    let fixed = (!code.trim().is_empty() && year.len() == 4 && !trimmed.is_empty())
        .then(|| format!("{}〔{year}〕{trimmed}号", code.trim()));
    (problems, fixed)
}

/// 文号 cited in running text in a form 7.2.5 does not allow ("国办发[2024]5号", "某发（2024）
/// 第5号", "〔24〕"): (character index of the year's bracket, the cited year and number as
/// written, as they should be written). Only after an organ's code ending in one of
/// [`CODE_ENDS`].
fn cited_numbers(text: &str) -> Vec<(usize, String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 1;
    while i < chars.len() {
        if !OPENERS.contains(&chars[i]) || !CODE_ENDS.contains(&chars[i - 1]) {
            i += 1;
            continue;
        }
        let digits_end = (i + 1..chars.len())
            .find(|&j| !is_digit(chars[j]))
            .unwrap_or(chars.len());
        let year_digits = digits_end - (i + 1);
        let mut j = digits_end;
        if chars.get(j) == Some(&'年') {
            j += 1;
        }
        if !matches!(year_digits, 2 | 4) || !chars.get(j).is_some_and(|c| CLOSERS.contains(c)) {
            i += 1;
            continue;
        }
        j += 1;
        if chars.get(j) == Some(&'第') {
            j += 1;
        }
        let serial = j;
        while j < chars.len() && is_digit(chars[j]) {
            j += 1;
        }
        if j == serial || chars.get(j) != Some(&'号') {
            i += 1;
            continue;
        }
        let tail: String = chars[i..=j].iter().collect();
        // Checked with a stand-in organ's code: only the year and number are in question.
        let (problems, fixed) = doc_number_problems(&format!("某{tail}"));
        if !problems.is_empty() {
            let fixed = fixed
                .map(|f| f.trim_start_matches('某').to_owned())
                .unwrap_or_default();
            out.push((i, tail, fixed));
        }
        i = j + 1;
    }
    out
}

/// Punctuation a 附件说明 name must not end with (7.3.3: "附件名称后不加标点符号").
const CLOSING_PUNCTUATION: &[char] =
    &['。', '，', '；', '：', '、', '.', ',', ';', ':', '！', '？'];

impl Article {
    /// What `bulletin check` (and `convert`, as warnings) reports against GB/T 9704-2012:
    /// the `doc_number`'s form (7.2.5), 文号 cited in any text with other brackets than 〔〕,
    /// attachment names ending in punctuation (7.3.3). Chinese records only.
    pub fn official_spots(&self) -> Vec<OfficialSpot> {
        let mut out = Vec::new();
        if !self.language.is_chinese() {
            return out;
        }
        if let Some(number) = &self.official.doc_number {
            let (problems, fixed) = doc_number_problems(number);
            let fix = fixed.map_or(String::new(), |f| format!("; write {f}"));
            for (at, problem) in problems {
                out.push(OfficialSpot {
                    field: "doc_number".to_owned(),
                    column: at + 1,
                    message: format!("发文字号 {number}: {problem} (GB/T 9704-2012 7.2.5){fix}"),
                });
            }
        }
        let mut copy = self.clone();
        copy.for_each_text_mut(|field, text| {
            if field == "doc_number" {
                return;
            }
            for (at, cited, fixed) in cited_numbers(text) {
                let fix = if fixed.is_empty() {
                    String::new()
                } else {
                    format!("; write {fixed}")
                };
                out.push(OfficialSpot {
                    field: field.to_owned(),
                    column: at + 1,
                    message: format!(
                        "文号 …{cited}: not as GB/T 9704-2012 7.2.5 writes it (the full year in the 六角括号 〔〕, no 第, no leading zero){fix}"
                    ),
                });
            }
        });
        if let Some(number) = &self.official.order_number {
            if let Some(problem) = order_number_problem(number) {
                out.push(OfficialSpot {
                    field: "order_number".to_owned(),
                    column: 1,
                    message: format!("令号 {number}: {problem}"),
                });
            }
        }
        for (i, a) in self.attachments.iter().enumerate() {
            if let Some(last) = a.name.trim_end().chars().last() {
                if CLOSING_PUNCTUATION.contains(&last) {
                    out.push(OfficialSpot {
                        field: format!("attachments[{i}].name"),
                        column: a.name.trim_end().chars().count(),
                        message: format!(
                            "附件名称 ends in \"{last}\": no punctuation after an attachment's name (GB/T 9704-2012 7.3.3)"
                        ),
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers() {
        assert_eq!(order_number_problem("第7号"), None);
        assert_eq!(order_number_problem(" 第123号 "), None);
        assert!(order_number_problem("第07号").unwrap().contains("第7号"));
        assert!(order_number_problem("第７号").unwrap().contains("第7号"));
        assert!(order_number_problem("7号").is_some());
        assert_eq!(order_number_problem("第三十一号"), None);
        assert!(order_number_problem("第七A号").is_some());
    }

    #[test]
    fn right_numbers_pass() {
        for n in [
            "内环发〔2025〕12号",
            "国办发〔2024〕1号",
            "某教发〔2025〕16号",
        ] {
            assert_eq!(doc_number_problems(n), (vec![], None), "{n}");
        }
    }

    /// The forms a draft is sent back for (7.2.5), each named, with the corrected number.
    #[test]
    fn wrong_numbers_are_named_and_corrected() {
        let cases = [
            ("某环发[2025]12号", "六角括号", "某环发〔2025〕12号"),
            ("某环发【2025】12号", "六角括号", "某环发〔2025〕12号"),
            ("某环发（2025）12号", "六角括号", "某环发〔2025〕12号"),
            ("某环发2025年12号", "六角括号", "某环发〔2025〕12号"),
            ("某环发〔25〕12号", "four digits", ""),
            ("某环发〔2025〕第12号", "第", "某环发〔2025〕12号"),
            ("某环发〔2025〕012号", "leading zero", "某环发〔2025〕12号"),
            ("某环发〔2025〕12", "ends with 号", "某环发〔2025〕12号"),
            ("〔2025〕12号", "organ's code", ""),
            ("某环发〔2025 〕12号", "spaces", "某环发〔2025〕12号"),
            ("某环发﹝2025﹞12号", "六角括号", "某环发〔2025〕12号"),
            ("某环发（2025年）12号", "年", "某环发〔2025〕12号"),
            ("某环发〔2025〕0号", "is 0", ""),
        ];
        for (number, problem, fixed) in cases {
            let (problems, suggestion) = doc_number_problems(number);
            assert!(
                problems.iter().any(|(_, p)| p.contains(problem)),
                "{number}: {problems:?}"
            );
            assert_eq!(suggestion.unwrap_or_default(), fixed, "{number}");
        }
    }

    #[test]
    fn numbers_cited_in_text_are_found() {
        let found = cited_numbers(
            "根据《关于加强入河排污口监督管理工作的实施意见》（某政办发[2024]5号）要求，按（2025）年计划和国办发〔2024〕1号执行。",
        );
        assert_eq!(
            found,
            vec![(29, "[2024]5号".to_owned(), "〔2024〕5号".to_owned())]
        );
        // Only after an organ's code; every form the field check knows.
        assert!(cited_numbers("经费标准为(2024)1号线路。").is_empty());
        for (text, fixed) in [
            ("根据国办发【2024】5号文件要求", "〔2024〕5号"),
            ("根据国办发〔24〕5号文件精神", ""),
            ("根据国办发〔2024〕第5号文件精神", "〔2024〕5号"),
            ("根据国办发﹝2024﹞5号文件精神", "〔2024〕5号"),
        ] {
            let found = cited_numbers(text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].2, fixed, "{text}");
        }
    }
}
