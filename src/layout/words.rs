//! Where a title may break (GB/T 9704-2012 §7.3.1: "回行时，要做到词意完整，排列对称"): between
//! words, never inside paired brackets or quotes, never between a number and its unit, and
//! by preference after the issuing organ's name, before 关于 and before 《.
//!
//! Words come from jieba-rs's dictionary segmentation (a part of its dictionary; for each
//! title that needs more than one line, jieba is given just the dictionary words found in
//! it, `segmenter_for`): it keeps 人民代表大会常务委员会,
//! 城市更新, 安全 and 三年 whole where ICU4X's dictionary segmenter splits 委员|会, 市城|市 and
//! 内蒙|古 (measured on the titles of `tests/fixtures/cases/official-titles.ndjson`).

/// The 50,000 most frequent words of jieba's dictionary (`dict/README.md`), one
/// `word frequency tag` per line: they split the test titles exactly as all 349,000 words do
/// (20,000 words do not: 印|发, 饮用|水).
const DICTIONARY: &str = include_str!("../../dict/jieba-50k.txt");

/// The sum of the dictionary's frequencies (what jieba's word probabilities divide by) and
/// its longest word in characters; the unit test `dictionary_facts` recomputes both.
const TOTAL: usize = 57_948_982;
const LONGEST: usize = 15;

/// The dictionary's entries as (word, frequency), in the file's order (sorted by word, byte
/// order: `LC_ALL=C sort`). Built once, by one pass over the text (about 0.2 ms).
fn entries() -> &'static [(&'static str, u32)] {
    static ENTRIES: std::sync::OnceLock<Vec<(&'static str, u32)>> = std::sync::OnceLock::new();
    ENTRIES.get_or_init(|| {
        DICTIONARY
            .lines()
            .map(|line| {
                let mut fields = line.split(' ');
                let word = fields.next().unwrap_or("");
                (
                    word,
                    fields.next().and_then(|f| f.parse().ok()).unwrap_or(0),
                )
            })
            .collect()
    })
}

/// The first dictionary entry whose word is not before `word` (byte order), as
/// (word, frequency); `None` past the last entry.
fn lower_bound(word: &str) -> Option<(&'static str, u32)> {
    let entries = entries();
    entries
        .get(entries.partition_point(|e| e.0 < word))
        .copied()
}

/// A jieba segmenter that knows, of the dictionary, exactly the words occurring in `text`,
/// and the dictionary's total frequency. jieba's segmentation of `text` (its DAG of
/// dictionary words and the most probable route through it, `ln freq − ln total` per word)
/// reads nothing else, so the words come out as with the whole dictionary loaded; but this
/// takes microseconds where loading 50,000 words into jieba's double-array trie takes 30 ms,
/// which every one-off `bulletin convert` of a long title paid.
fn segmenter_for(text: &str) -> jieba_rs::Jieba {
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let mut found: Vec<(&str, u32)> = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        for len in 1..=LONGEST {
            let end = starts.get(k + len).copied().unwrap_or(text.len());
            let piece = &text[start..end];
            // Words beginning with `piece` follow it directly in byte order: when the next
            // entry does not, no longer piece from this start is a word either.
            match lower_bound(piece) {
                Some((word, freq)) if word == piece => found.push((piece, freq)),
                Some((word, _)) if word.starts_with(piece) => {}
                _ => break,
            }
            if end == text.len() {
                break;
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    let mut jieba = jieba_rs::Jieba::empty();
    let mut known = 0;
    for (word, freq) in found {
        jieba.add_word(word, Some(freq as usize), Some(""));
        known += freq as usize;
    }
    // The rest of the total, on a private-use character that jieba never takes into a
    // word (its blocks are Han, Latin letters and digits).
    if TOTAL > known {
        jieba.add_word("\u{F8FF}", Some(TOTAL - known), Some(""));
    }
    jieba
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
    for word in segmenter_for(text).cut(text, false) {
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
    fn dictionary_facts() {
        let entries = entries();
        assert_eq!(entries.len(), 50_000);
        assert!(
            entries.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no repeats"
        );
        assert!(
            entries.iter().all(|e| !e.0.is_empty() && e.1 > 0),
            "word and frequency"
        );
        assert_eq!(entries.iter().map(|e| e.1 as usize).sum::<usize>(), TOTAL);
        assert_eq!(
            entries.iter().map(|e| e.0.chars().count()).max(),
            Some(LONGEST)
        );
        assert_eq!(lower_bound("城市"), Some(("城市", 25084)));
        assert_eq!(lower_bound("城市更").map(|e| e.0), Some("城市道路"));
        assert_eq!(lower_bound("\u{10FFFF}"), None);
    }

    /// The per-title segmenter cuts exactly as jieba with the whole dictionary loaded.
    #[test]
    fn a_title_s_own_words_cut_as_the_whole_dictionary_does() {
        let whole = jieba_rs::Jieba::with_dict(&mut DICTIONARY.as_bytes()).expect("dictionary");
        let texts = [
            "某某市人民代表大会常务委员会关于加强安全生产监督管理工作的决定",
            "关于印发《某某市城市更新行动实施方案》的通知",
            "某某县人民政府办公室关于进一步加强农村饮用水水源地保护工作的意见",
            "关于做好“十五五”规划编制前期研究工作的通知，2025年度 GDP 增长5.2%",
            "市政府公布「城市韌性」三年計畫，強調：「安全第一。」",
            "研究研究生命起源，生活水平提高提高",
        ];
        let sample = include_str!("../../examples/nmg-sthjt-2025-02-18.txt");
        for text in texts.iter().copied().chain(sample.lines()) {
            assert_eq!(
                segmenter_for(text).cut(text, false),
                whole.cut(text, false),
                "{text}"
            );
        }
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
