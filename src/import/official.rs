//! Recognising an official document (公文) in imported content: when the content has the
//! shape GB/T 9704-2012 gives it — a 发文字号 line (7.2.5) or an addressee line ending in "："
//! (7.3.2) at the top, and a 成文日期 under the issuing organs' names at the end (7.3.5) — the
//! record's official fields are filled from those lines: `doc_number`, `recipients`,
//! `signature`, the 附件说明's attachments (7.3.3), a trailing note in parentheses (附注,
//! 7.3.6), and the attachments whose content follows on the page ("附件1", its name, then its
//! headings, paragraphs and tables; 7.3.7). The body keeps what lies between. Shared by every
//! importer: it works on body blocks as records write them.

use serde_json::{json, Value};

/// The official fields found, and what is left of the body.
#[derive(Debug, Default, PartialEq)]
pub(super) struct OfficialParts {
    pub doc_number: Option<String>,
    pub recipients: Option<String>,
    /// Organs (lead organ first) and the date as records write it ("2025-01-10").
    pub signature: Option<(Vec<String>, String)>,
    pub note: Option<String>,
    /// Names from the 附件说明, each with the content that followed on the page (blocks).
    pub attachments: Vec<(String, Vec<Value>)>,
    /// The 版记 (7.4): 抄送机关, 印发机关, 印发日期 ("2025-02-08").
    pub cc: Vec<String>,
    pub printed_by: Option<String>,
    pub printed_date: Option<String>,
    /// The 令号 of an order (10.2: "第7号") and its signers (职务, 姓名; 7.3.5.3).
    pub order_number: Option<String>,
    pub signers: Vec<(String, String)>,
    /// A 纪要's 出席, 请假 and 列席 lists (10.3).
    pub attendance: [Vec<String>; 3],
}

/// A paragraph's or heading's text (a numbered 附件说明 line may have been read as a heading).
fn text(block: &Value) -> Option<&str> {
    (block["type"] == "paragraph" || block["type"] == "heading")
        .then(|| block["text"].as_str())
        .flatten()
}

/// "示政发〔2025〕3号", "国办函[2024]12号": an organ's code, a four-digit year in brackets of
/// any kind, a number and 号, on a line of its own.
pub(super) fn is_doc_number(t: &str) -> bool {
    let chars: Vec<char> = t.trim().chars().collect();
    if chars.len() > 30
        || chars.last() != Some(&'号')
        || chars.first().is_none_or(|c| c.is_ascii_digit())
    {
        return false;
    }
    chars.windows(6).any(|w| {
        "〔[［(（【".contains(w[0])
            && w[1..5].iter().all(char::is_ascii_digit)
            && "〕]］)）】".contains(w[5])
    })
}

/// Chinese numerals of a date as Arabic digits: "二〇二五" → "2025", "十二" → "12", "二十三" → "23".
fn arabic(part: &str) -> Option<String> {
    const DIGITS: &str = "〇一二三四五六七八九";
    if part.chars().all(|c| c.is_ascii_digit()) {
        return Some(part.to_owned());
    }
    let digit = |c: char| {
        if matches!(c, '零' | '○' | 'O') {
            return Some(0);
        }
        DIGITS.chars().position(|d| d == c).map(|d| d as u32)
    };
    if let Some((tens, ones)) = part.split_once('十') {
        let tens = match tens.chars().next() {
            None => 1,
            Some(c) => digit(c)?,
        };
        let ones = match ones.chars().next() {
            None => 0,
            Some(c) => digit(c)?,
        };
        return Some((tens * 10 + ones).to_string());
    }
    part.chars()
        .map(|c| digit(c).and_then(|d| char::from_digit(d, 10)))
        .collect()
}

/// "2025年1月10日" (or "二〇二五年一月十日") as "2025-01-10".
pub(super) fn as_date(t: &str) -> Option<String> {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let (year, rest) = t.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let t = format!("{}年{}月{}日", arabic(year)?, arabic(month)?, arabic(day)?);
    let (year, rest) = t.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (y, m, d) = (
        number(year, 4..=4)?,
        number(month, 1..=2)?,
        number(day, 1..=2)?,
    );
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The characters organs' names end in (…人民政府, …厅, …局, …委员会, …办公室, …中心 …).
const ORGAN_ENDS: &str = "府厅局委办室部院会心司处署所组站馆队区市县省镇乡道团社联盟军庭行校";

/// An organ's name on a line of its own: short, no sentence punctuation, not a date, ending as
/// organs' names end (not "谢谢大家！", not a byline).
fn is_organ(t: &str) -> bool {
    let n = t.chars().count();
    (2..=30).contains(&n)
        && t.trim()
            .chars()
            .last()
            .is_some_and(|c| ORGAN_ENDS.contains(c))
        && !t.contains(['。', '，', '：', ':', '；', '、', '！', '？', '（', '）'])
        && as_date(t).is_none()
        && numbered(t).is_none()
        && !t.starts_with("附件")
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A name without the number a list gave it ("1.检查工作方案" → "检查工作方案").
pub(super) fn without_number(name: &str) -> &str {
    numbered(name)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name)
}

/// "（此件公开发布）" as "此件公开发布".
fn note(t: &str) -> Option<String> {
    let inner = t.trim().strip_prefix('（')?.strip_suffix('）')?;
    (inner.chars().count() <= 60 && !inner.is_empty()).then(|| inner.to_owned())
}

/// "附件" or "附件2" alone: an attachment's label on the page.
fn is_attachment_label(t: &str) -> bool {
    t.trim()
        .strip_prefix("附件")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
}

/// "2. 名称", "2．名称", "2、名称" as "名称".
fn numbered(t: &str) -> Option<&str> {
    let t = t.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit())?;
    if digits == 0 {
        return None;
    }
    let rest = t[digits..].strip_prefix(['.', '．', '、'])?;
    Some(rest.trim())
}

/// "第7号", "第十二号": an order's 令号 (GB/T 9704-2012 10.2) on a line of its own.
fn is_order_number(t: &str) -> bool {
    t.strip_prefix('第')
        .and_then(|r| r.strip_suffix('号'))
        .is_some_and(|n| {
            !n.is_empty()
                && n.chars().count() <= 6
                && n.chars()
                    .all(|c| c.is_ascii_digit() || "〇一二三四五六七八九十百".contains(c))
        })
}

/// "市长　李明华": a signer's 职务 and 姓名, apart by spaces (7.3.5.3).
fn signer_line(t: &str) -> Option<(String, String)> {
    let mut parts = t.split([' ', '\u{3000}', '\t']).filter(|p| !p.is_empty());
    let (title, name) = (parts.next()?, parts.next()?);
    let short = |s: &str| (1..=12).contains(&s.chars().count());
    let clean =
        |s: &str| !s.contains(['。', '，', '：', ':']) && !s.chars().any(|c| c.is_ascii_digit());
    (parts.next().is_none()
        && short(title)
        && name.chars().count() <= 6
        && clean(title)
        && clean(name))
    .then(|| (title.to_owned(), name.to_owned()))
}

/// The 印发 line of a 版记 (7.4.3): its organ and date, as written in any of the orders
/// offices use — "某某办公室　2025年2月8日印发" (the standard's), "2025年2月8日印发　某某办公室",
/// "某某办公室　印发日期：2025年2月8日".
fn printed_line(t: &str) -> Option<(Option<String>, String)> {
    let organ = |s: &str| {
        let s = s.trim().trim_matches('\u{3000}').trim();
        (!s.is_empty()).then(|| s.to_owned())
    };
    let date_start = |s: &str| {
        s.char_indices()
            .find(|(_, c)| c.is_ascii_digit() || "〇二".contains(*c))
            .map(|(i, _)| i)
    };
    if let Some((by, date)) = t
        .split_once("印发日期：")
        .or_else(|| t.split_once("印发日期:"))
    {
        return Some((organ(by), as_date(date.trim())?));
    }
    let (before, after) = t.rsplit_once("印发")?;
    if after.trim().trim_matches('\u{3000}').is_empty() {
        // "某某办公室　2025年2月8日印发"
        let i = date_start(before)?;
        return Some((organ(&before[..i]), as_date(before[i..].trim())?));
    }
    // "2025年2月8日印发　某某办公室"
    let date = as_date(before.trim())?;
    Some((organ(after), date))
}

/// A 纪要's attendance line: its list (0 出席, 1 请假, 2 列席) and the names.
fn attendance_line(t: &str) -> Option<(usize, Vec<String>)> {
    let (i, rest) = ["出席", "请假", "列席"]
        .iter()
        .enumerate()
        .find_map(|(i, label)| Some((i, t.strip_prefix(label)?.strip_prefix(['：', ':'])?)))?;
    let names = split_names(rest);
    (!names.is_empty()).then_some((i, names))
}

/// "甲、乙，丙。" as its names.
fn split_names(t: &str) -> Vec<String> {
    t.trim_end_matches('。')
        .split(['、', '，', ','])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A line that continues a list of names (抄送机关, attendance) broken onto it: no label, no
/// sentence, not a 印发 line.
fn is_name_fragment(t: &str) -> bool {
    !t.is_empty()
        && t.chars().count() <= 200
        && !t.trim_end_matches('。').contains('。')
        && !t.contains(['：', ':'])
        && !t.contains("印发")
        && as_date(t).is_none()
}

/// Most attachments a list after the text is looked for in.
const MAX_TRAILING_ATTACHMENTS: usize = 50;

/// The parts of `body` that make it an official document, taken out of it; `None` (and the
/// body untouched) when it does not have the shape: a 成文日期 under the organs' names at the
/// end, and a 发文字号 or an addressee line at the top. `organ` names the issuer when the page
/// said it elsewhere (a metadata table) and the signature has no name line.
pub(super) fn recognise(body: &mut Vec<Value>, organ: Option<&str>) -> Option<OfficialParts> {
    let n = body.len();
    let at = |k: usize| body.get(k).and_then(text).map(str::trim);
    let mut parts = OfficialParts::default();
    let mut start = 0;
    if at(start).is_some_and(is_doc_number) {
        parts.doc_number = at(start).map(str::to_owned);
        start += 1;
    }
    // Organs' names, never a sentence: no full stop, no dates or figures.
    let addressee = |r: &str| {
        (r.ends_with('：') || r.ends_with(':'))
            && r.chars().count() <= 150
            && !r.contains('。')
            && !r.chars().any(|c| c.is_ascii_digit())
    };
    if let Some(r) = at(start) {
        if addressee(r) {
            parts.recipients = Some(r.to_owned());
            start += 1;
        } else if let Some(more) = at(start + 1).filter(|m| {
            // A long 主送 the writer broke onto a second line ("…各直属机构，" / "各有关企业：").
            r.ends_with(['，', '、', ','])
                && r.chars().count() <= 150
                && !r.contains('。')
                && !r.chars().any(|c| c.is_ascii_digit())
                && addressee(m)
        }) {
            parts.recipients = Some(format!("{r}{more}"));
            start += 2;
        }
    }
    // An order (10.2): its 令号 opens the text. A 纪要 (10.3) has none of these: its attendance
    // lines close the text (looked for once its 版记 is set apart).
    let mut minutes = false;
    if parts.doc_number.is_none() && parts.recipients.is_none() {
        if at(start).is_some_and(is_order_number) {
            parts.order_number = at(start).map(str::to_owned);
            start += 1;
        } else {
            minutes = true;
        }
    }
    let mut n = n;
    // The attachments listed after everything else, as a news layout prints them: "附件："
    // alone on a line, then only numbered names to the end.
    let mut listed_last = Vec::new();
    if let Some(label) = (start..n)
        .rev()
        .take(MAX_TRAILING_ATTACHMENTS + 1)
        .find(|&k| matches!(at(k), Some("附件：" | "附件:")))
    {
        if label + 1 < n && (label + 1..n).all(|j| at(j).and_then(numbered).is_some()) {
            listed_last = (label + 1..n)
                .filter_map(|j| at(j).and_then(numbered))
                .map(str::to_owned)
                .collect();
            n = label;
        }
    }
    // The 版记 at the page's end: "抄送：…" and "… 2025年2月8日印发" (7.4).
    if let Some((by, date)) = n.checked_sub(1).and_then(at).and_then(printed_line) {
        parts.printed_by = by;
        parts.printed_date = Some(date);
        n -= 1;
    }
    // "抄送：…", its list perhaps broken onto the lines under it.
    let cc_at = (n.saturating_sub(4).max(start)..n).rev().find(|&k| {
        at(k).is_some_and(|t| t.starts_with("抄送：") || t.starts_with("抄送:"))
            && (k + 1..n).all(|j| at(j).is_some_and(is_name_fragment))
    });
    if let Some(k) = cc_at {
        let mut cc = at(k).unwrap_or_default()["抄送：".len()..].to_owned();
        for j in k + 1..n {
            cc.push_str(at(j).unwrap_or_default());
        }
        parts.cc = split_names(&cc);
        n = k;
    }
    if minutes {
        // Attendance lines, each perhaps run onto lines of its own ("出席：甲、乙、" / "丙、丁").
        let mut end = n;
        let mut pending: Vec<&str> = Vec::new();
        let mut k = n;
        while k > start + 1 {
            let Some(line) = at(k - 1) else { break };
            if let Some((i, mut names)) = attendance_line(line) {
                if !parts.attendance[i].is_empty() {
                    break;
                }
                for more in pending.drain(..).rev() {
                    names.extend(split_names(more));
                }
                parts.attendance[i] = names;
                end = k - 1;
            } else if is_name_fragment(line) && pending.len() < 3 {
                pending.push(line);
            } else {
                break;
            }
            k -= 1;
        }
        if parts.attendance[0].is_empty() {
            return None;
        }
        body.truncate(end);
        return Some(parts);
    }
    // The attachments' own pages: from the first label followed by something.
    let sections = (start..n).find(|&k| at(k).is_some_and(is_attachment_label) && k + 1 < n);
    let mut end = sections.unwrap_or(n);
    if let Some(inner) = end.checked_sub(1).and_then(at).and_then(note) {
        parts.note = Some(inner);
        end -= 1;
    }
    let date = end.checked_sub(1).and_then(at).and_then(as_date)?;
    end -= 1;
    // A 纪要's attendance lines after its text (10.3): "出席：甲、乙", "请假：…", "列席：…".
    while let Some((i, names)) = end.checked_sub(1).and_then(at).and_then(attendance_line) {
        if !parts.attendance[i].is_empty() {
            break;
        }
        parts.attendance[i] = names;
        end -= 1;
    }
    // An order is signed by its signers: "市长　李明华" over the date (7.3.5.3).
    if parts.order_number.is_some() {
        while let Some((title, name)) = end
            .checked_sub(1)
            .and_then(at)
            .and_then(signer_line)
            .filter(|_| end > start)
        {
            parts.signers.insert(0, (title, name));
            end -= 1;
        }
        if parts.signers.is_empty() {
            return None;
        }
        parts.signature = Some((Vec::new(), date));
        body.truncate(end);
        body.drain(..start);
        return Some(parts);
    }
    let mut names = Vec::new();
    // Organs stacked one a line, or side by side on one line apart by spaces (joint, sealed).
    let side_by_side = |t: &str| -> Option<Vec<String>> {
        let organs: Vec<&str> = t
            .split([' ', '\u{3000}', '\t'])
            .filter(|p| !p.is_empty())
            .collect();
        (organs.len() > 1 && organs.iter().all(|o| is_organ(o)))
            .then(|| organs.iter().map(|o| (*o).to_owned()).collect())
    };
    while end > start && names.len() < 5 {
        let Some(line) = at(end - 1) else { break };
        if let Some(row) = side_by_side(line) {
            names.splice(0..0, row);
        } else if is_organ(line) {
            names.insert(0, line.to_owned());
        } else {
            break;
        }
        end -= 1;
    }
    if names.is_empty() {
        names.push(organ?.to_owned());
    }
    parts.signature = Some((names, date));
    // The 附件说明: "附件：1. 名称" and the numbered names under it.
    // A name may run onto a line of its own ("…细则（2025年" / "修订版）").
    let listed = |t: &str| numbered(t).is_some() && !t.starts_with("附件");
    let fragment = |t: &str| t.chars().count() <= 20 && !t.contains('。') && !t.starts_with("附件");
    let mut k = end;
    while k > start {
        let line = at(k - 1).unwrap_or_default();
        let above = k.checked_sub(2).and_then(at).unwrap_or_default();
        let continues = fragment(line)
            && numbered(line).is_none()
            && k >= start + 2
            && (listed(above) || above.starts_with("附件：") || above.starts_with("附件:"));
        if listed(line) || continues {
            k -= 1;
        } else {
            break;
        }
    }
    let mut notes = Vec::new();
    if let Some(first) = k
        .checked_sub(1)
        .and_then(at)
        .and_then(|t| t.strip_prefix("附件：").or_else(|| t.strip_prefix("附件:")))
    {
        let first = first.trim();
        // "附件：" may stand alone over the numbered names.
        if !first.is_empty() {
            notes.push(numbered(first).unwrap_or(first).to_owned());
        }
        for j in k..end {
            let line = at(j).unwrap_or_default();
            match numbered(line) {
                Some(name) => notes.push(name.to_owned()),
                None => {
                    if let Some(last) = notes.last_mut() {
                        last.push_str(line);
                    }
                }
            }
        }
        end = k - 1;
    }
    // The sections: label, name, content up to the next label.
    let mut sections_found: Vec<(String, Vec<Value>)> = Vec::new();
    if let Some(mut s) = sections {
        while s < n {
            let mut next = s + 1;
            while next < n && !at(next).is_some_and(is_attachment_label) {
                next += 1;
            }
            let mut name = at(s + 1)
                .filter(|_| s + 1 < next)
                .unwrap_or_default()
                .to_owned();
            let mut from = (s + 2).min(next);
            // A name set over two lines: the 附件说明's name is both together.
            let listed = notes.get(sections_found.len()).map(|n| squeeze(n));
            if let (Some(listed), Some(more)) = (listed, at(from).filter(|_| from < next)) {
                let both = format!("{name}{more}");
                if squeeze(&both) == listed && squeeze(&name) != listed {
                    name = both;
                    from += 1;
                }
            }
            let content = body[from..next].to_vec();
            sections_found.push((name, content));
            s = next;
        }
    }
    let count = notes.len().max(sections_found.len());
    let mut sections_iter = sections_found.into_iter();
    for i in 0..count {
        let section = sections_iter.next();
        let name = notes
            .get(i)
            .cloned()
            .or_else(|| section.as_ref().map(|s| s.0.clone()))
            .unwrap_or_default();
        parts
            .attachments
            .push((name, section.map(|s| s.1).unwrap_or_default()));
    }
    if parts.attachments.is_empty() {
        parts.attachments = listed_last
            .into_iter()
            .map(|name| (name, Vec::new()))
            .collect();
    }
    body.truncate(end);
    body.drain(..start);
    Some(parts)
}

impl OfficialParts {
    /// The attachments as record entries: name, and the content when the page had it.
    pub fn attachment_entries(&self) -> Vec<Value> {
        self.attachments
            .iter()
            .map(|(name, blocks)| {
                if blocks.is_empty() {
                    json!({"name": name})
                } else {
                    json!({"name": name, "body": blocks})
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: &str) -> Value {
        json!({"type": "paragraph", "text": t})
    }

    #[test]
    fn the_parts_of_a_published_document_are_recognised() {
        let table = json!({"type": "table", "rows": [["a", "b"], ["c", "d"]]});
        let mut body = vec![
            p("示政发〔2025〕3号"),
            p("各市、县人民政府："),
            p("现就有关事项通知如下。"),
            p("附件：1. 任务分工表"),
            p("2. 报送模板"),
            p("示例省人民政府"),
            p("2025年1月10日"),
            p("（此件公开发布）"),
            p("附件1"),
            p("任务分工表"),
            table.clone(),
            p("附件2"),
            p("报送模板"),
            p("每月5日前报送。"),
        ];
        let parts = recognise(&mut body, None).expect("a 公文");
        assert_eq!(body, vec![p("现就有关事项通知如下。")]);
        assert_eq!(parts.doc_number.as_deref(), Some("示政发〔2025〕3号"));
        assert_eq!(parts.recipients.as_deref(), Some("各市、县人民政府："));
        assert_eq!(
            parts.signature,
            Some((vec!["示例省人民政府".to_owned()], "2025-01-10".to_owned()))
        );
        assert_eq!(parts.note.as_deref(), Some("此件公开发布"));
        assert_eq!(
            parts.attachments,
            vec![
                ("任务分工表".to_owned(), vec![table]),
                ("报送模板".to_owned(), vec![p("每月5日前报送。")])
            ]
        );
    }

    #[test]
    fn news_is_left_alone() {
        let mut body = vec![
            p("3月12日，会议召开。"),
            p("会议要求……"),
            p("2025年3月12日"),
        ];
        let before = body.clone();
        assert_eq!(recognise(&mut body, None), None);
        assert_eq!(body, before);
        // The shape's top without its end: not a document either.
        let mut body = vec![p("各市人民政府："), p("通知如下。")];
        assert_eq!(recognise(&mut body, None), None);
        assert_eq!(body.len(), 2);
    }

    /// Cases met on real pages: a name over two lines in the 附件说明, the 版记 at the end, a
    /// date in Chinese numerals; and what is not a document: a speech ending "谢谢大家！", a
    /// news item whose first sentence ends in "：".
    #[test]
    fn turned_names_the_imprint_and_what_is_no_document() {
        let mut body = vec![
            p("各市人民政府："),
            p("正文。"),
            p("附件：1. 督查工作方案"),
            p("2. 督查评分细则（2025年"),
            p("修订版）"),
            p("示例省人民政府"),
            p("二〇二五年二月十日"),
            p("抄送：省委办公厅，省人大常委会办公厅。"),
            p("示例省人民政府办公厅　2025年2月11日印发"),
        ];
        let parts = recognise(&mut body, None).expect("a 公文");
        assert_eq!(body, vec![p("正文。")]);
        let names: Vec<&str> = parts.attachments.iter().map(|a| a.0.as_str()).collect();
        assert_eq!(names, ["督查工作方案", "督查评分细则（2025年修订版）"]);
        assert_eq!(parts.signature.unwrap().1, "2025-02-10");
        assert_eq!(parts.cc, ["省委办公厅", "省人大常委会办公厅"]);
        assert_eq!(parts.printed_by.as_deref(), Some("示例省人民政府办公厅"));
        assert_eq!(parts.printed_date.as_deref(), Some("2025-02-11"));
        let mut speech = vec![
            p("同志们："),
            p("讲话正文。"),
            p("谢谢大家！"),
            p("2025年2月27日"),
        ];
        assert_eq!(recognise(&mut speech, None), None);
        let mut news = vec![
            p("4月11日，市长主持召开常务会议，研究部署以下工作："),
            p("会议听取了汇报。"),
            p("示例市人民政府办公室"),
            p("2025年4月11日"),
        ];
        assert_eq!(recognise(&mut news, None), None);
    }

    #[test]
    fn minutes_attendance_and_lists_run_onto_further_lines() {
        let mut body = vec![
            p("会议研究了春耕生产工作。"),
            p("会议要求，各乡镇要抓好农资供应。"),
            p("出席：张明、李强、王芳、"),
            p("赵军、刘洋"),
            p("请假：孙伟（出差）"),
            p("列席：县农业农村局、县林草局"),
            p("抄送：县委办公室，"),
            p("县人大常委会办公室。"),
            p("XX县人民政府办公室　2025年3月20日印发"),
        ];
        let parts = recognise(&mut body, None).expect("a 纪要");
        assert_eq!(
            parts.attendance[0],
            ["张明", "李强", "王芳", "赵军", "刘洋"].map(String::from)
        );
        assert_eq!(parts.attendance[1], ["孙伟（出差）".to_owned()]);
        assert_eq!(
            parts.attendance[2],
            ["县农业农村局", "县林草局"].map(String::from)
        );
        assert_eq!(
            parts.cc,
            ["县委办公室", "县人大常委会办公室"].map(String::from)
        );
        assert_eq!(parts.printed_date.as_deref(), Some("2025-03-20"));
        assert_eq!(body.len(), 2);
        // Without attendance lines, no 纪要: the text is left as it is.
        let mut news = vec![p("会议研究了春耕生产工作。"), p("赵军、刘洋")];
        assert!(recognise(&mut news, None).is_none());
        assert_eq!(news.len(), 2);
    }

    #[test]
    fn the_printing_line_in_the_orders_offices_write_it() {
        let line = |t: &str| printed_line(t).map(|(by, date)| (by.unwrap_or_default(), date));
        let want = Some(("某某市教育局办公室".to_owned(), "2025-06-03".to_owned()));
        assert_eq!(line("某某市教育局办公室　　2025年6月3日印发"), want);
        assert_eq!(line("2025年6月3日印发　　　　某某市教育局办公室"), want);
        assert_eq!(line("某某市教育局办公室　　印发日期：2025年6月3日"), want);
        assert_eq!(line("各单位要印发实施方案"), None);
    }

    #[test]
    fn numbers_and_dates() {
        assert!(is_doc_number("国办函[2024]12号"));
        assert!(is_doc_number("示政发〔2025〕3号"));
        assert!(!is_doc_number(
            "为落实〔2025〕3号文件要求，各地要加快进度，确保按期完成各项任务号"
        ));
        assert!(!is_doc_number("2025年第3号"));
        assert_eq!(as_date("2025年1月10日").as_deref(), Some("2025-01-10"));
        assert_eq!(as_date("2025年 01 月 10 日").as_deref(), Some("2025-01-10"));
        assert_eq!(as_date("2025年13月1日"), None);
        assert_eq!(as_date("1月10日"), None);
        assert_eq!(
            as_date("二〇二五年十二月二十三日").as_deref(),
            Some("2025-12-23")
        );
    }
}
