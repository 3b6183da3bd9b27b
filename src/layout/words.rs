//! Where a title may break (GB/T 9704-2012 §7.3.1: "回行时，要做到词意完整，排列对称"): between
//! words, never inside paired brackets or quotes, never between a number and its unit, and
//! by preference after the issuing organ's name, before 关于 and before 《.
//!
//! Words come from jieba-rs's dictionary segmentation (a part of its dictionary, loaded once,
//! on the first title that needs more than one line): it keeps 人民代表大会常务委员会,
//! 城市更新, 安全 and 三年 whole where ICU4X's dictionary segmenter splits 委员|会, 市城|市 and
//! 内蒙|古 (measured on the titles of `tests/fixtures/cases/official-titles.ndjson`).

use std::sync::OnceLock;

/// The 50,000 most frequent words of jieba's dictionary (`dict/README.md`): they load in
/// about 30 ms where all 349,000 take 165 ms, and split the test titles exactly as the whole
/// dictionary does (20,000 words do not: 印|发, 饮用|水).
const DICTIONARY: &str = include_str!("../../dict/jieba-50k.txt");

fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        jieba_rs::Jieba::with_dict(&mut DICTIONARY.as_bytes())
            .unwrap_or_else(|_| jieba_rs::Jieba::empty())
    })
}

/// Characters naming an administrative unit after a place name (省, 市, 县, 区 …).
const ADMINISTRATIVE: &str = "省市县区州盟旗镇乡村";

/// How the name of an organ goes on after its place ("某某市" + "人民政府").
const ORGAN_BODIES: &[&str] = &[
    "人民政府",
    "人民代表大会",
    "政府",
    "委员会",
    "党委",
    "纪委",
    "人大",
];

const OPENING: &str = "《“‘（「『【〔〈([";
const CLOSING: &str = "》”’）」』】〕〉)]";

/// `allowed[i]`: whether a title may break before byte `i` of `text` (`text.len() + 1`
/// entries; only character boundaries are meaningful): at a word boundary, outside any pair
/// of brackets or quotes, and not between a digit and the character after it ("2011|年").
pub fn title_breaks(text: &str) -> Vec<bool> {
    let mut allowed = vec![false; text.len() + 1];
    let mut at = 0;
    for word in jieba().cut(text, false) {
        at += word.len();
        if at < text.len() {
            allowed[at] = true;
        }
    }
    let mut depth = 0usize;
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        if depth > 0 || previous.is_some_and(|p| p.is_ascii_digit() || OPENING.contains(p)) {
            allowed[i] = false;
        }
        // An administrative unit stays with its name (某某|市 is one name) and an organ with
        // its place (某某市|人民政府 is one organ).
        let organ_body = ORGAN_BODIES.iter().any(|b| text[i..].starts_with(b));
        if (ADMINISTRATIVE.contains(c) || organ_body)
            && previous.is_some_and(|p| {
                ADMINISTRATIVE.contains(p) || (crate::layout::is_cjk(p) && !organ_body)
            })
        {
            allowed[i] = false;
        }
        if CLOSING.contains(c) && depth > 0 {
            depth -= 1;
            // No break before the closing mark itself.
            allowed[i] = false;
        }
        if OPENING.contains(c) {
            depth += 1;
        }
        previous = Some(c);
    }
    allowed
}

/// How much a break before byte `i` of `text` is preferred, in em of the title's size: before
/// 关于 and after an organ's name (between joint issuers) most, before 《 less.
pub fn preference(text: &str, i: usize) -> f32 {
    let rest = &text[i..];
    let organ_before = ORGAN_ENDS.iter().any(|end| text[..i].ends_with(end));
    if rest.starts_with("关于") || rest.starts_with("關於") || organ_before {
        1.5
    } else if rest.starts_with('《') {
        1.0
    } else {
        0.0
    }
}

/// How the names of issuing organs end ("…人民政府", "…委员会", "…办公室", "…厅").
const ORGAN_ENDS: &[&str] = &[
    "人民政府",
    "委员会",
    "办公室",
    "办公厅",
    "常委会",
    "厅",
    "局",
    "委",
    "部",
    "署",
    "院",
    "会",
    "政府",
    "委員會",
    "辦公室",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let allowed = title_breaks(text);
        let mut out = Vec::new();
        let mut start = 0;
        for (i, _) in text.char_indices().skip(1) {
            if allowed[i] {
                out.push(&text[start..i]);
                start = i;
            }
        }
        out.push(&text[start..]);
        out
    }

    #[test]
    fn titles_break_between_words_outside_brackets() {
        let p = pieces("某某市人民代表大会常务委员会关于加强安全生产监督管理工作的决定");
        assert!(
            p.contains(&"某某市人民代表大会常务委员会") && p.contains(&"安全"),
            "{p:?}"
        );
        let p = pieces("关于印发《某某市城市更新行动实施方案》的通知");
        assert!(p.contains(&"《某某市城市更新行动实施方案》"), "{p:?}");
        let p = pieces("做好2025年草原保护工作的通知");
        assert!(p.contains(&"2025年"), "{p:?}");
        assert!(preference("某某厅关于", "某某厅".len()) > 1.0);
        // A place keeps its unit, an organ its place.
        let p = pieces("某某市人民政府办公室关于印发");
        assert!(p.iter().all(|w| *w != "某某" && *w != "市"), "{p:?}");
    }
}
