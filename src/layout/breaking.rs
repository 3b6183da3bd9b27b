//! Where a line may break: UAX #14 for Latin text, tailored by the Chinese line-breaking
//! prohibitions (clreq §3.1.7, 禁则) wherever a CJK character or punctuation mark is involved.

/// Marks that must not begin a line (行首禁则): closing brackets and quotes, pause and stop
/// marks, and their half-width forms.
pub fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '。' | '，'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '〗'
            | '〙'
            | '〛'
            | '］'
            | '｝'
            | '”'
            | '’'
            | '…'
            | '—'
            | '·'
            | '・'
            | '％'
            | '‰'
            | '．'
            | '～'
            | '〜'
            | '々'
            | '〃'
            | ')'
            | ']'
            | '}'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | '%'
            | '｡'
            | '､'
            | '｣'
            | '\u{FE50}'..='\u{FE57}'
    )
}

/// Marks that must not end a line (行尾禁则): opening brackets and quotes.
pub fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '（' | '《'
            | '「'
            | '『'
            | '【'
            | '〔'
            | '〈'
            | '〖'
            | '〘'
            | '〚'
            | '［'
            | '｛'
            | '“'
            | '‘'
            | '('
            | '['
            | '{'
            | '｢'
            | '￥'
            | '＄'
    )
}

/// Full-width closing punctuation: stops, pauses and closing brackets and quotes. In
/// Mainland faces their glyphs leave half an em blank on the right (see
/// [`PunctuationRules`] for Taiwan and Hong Kong).
pub fn is_closing_punct(c: char) -> bool {
    matches!(
        c,
        '。' | '，'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '〗'
            | '］'
            | '｝'
            | '”'
            | '’'
    )
}

/// Full-width punctuation whose glyph leaves half an em blank on its left (opening marks).
pub fn is_opening_punct(c: char) -> bool {
    matches!(
        c,
        '（' | '《' | '「' | '『' | '【' | '〔' | '〈' | '〖' | '［' | '｛' | '“' | '‘'
    )
}

/// How full-width punctuation sits in its em and which of its blank may be taken: the
/// conventions of a region (W3C clreq §3.1.2 and §3.1.6, "Positioning of punctuation marks"
/// and "Punctuation adjustment space").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PunctuationRules {
    /// Mainland China (GB/T 15834-2011): 。，、：；！？ sit in the em's left part, so they and
    /// the closing brackets and quotes have half an em of blank on their right; opening
    /// brackets and quotes half an em on their left.
    Mainland,
    /// Taiwan and Hong Kong: 。，、：；！？ are centred in the em and keep their full width
    /// everywhere (compressing them would push their ink into the next character); only
    /// brackets and quotes have blank to give, on their outer side.
    TaiwanHongKong,
}

impl PunctuationRules {
    /// The rules of a record's language: Traditional Chinese follows Taiwan and Hong Kong,
    /// everything else the Mainland.
    pub fn for_language(language: crate::record::Language) -> PunctuationRules {
        match language {
            crate::record::Language::TraditionalChinese => PunctuationRules::TaiwanHongKong,
            _ => PunctuationRules::Mainland,
        }
    }

    /// How much narrower than its em a full-width mark is always set, taken equally from both
    /// sides, in em: the Mainland interpunct (间隔号 ·, GB/T 15834-2011 §4.15) takes half a
    /// character's place, centred; Taiwan and Hong Kong set it in a full em.
    pub fn narrowed(self, c: char) -> f32 {
        match (self, is_interpunct(c)) {
            (PunctuationRules::Mainland, true) => 0.5,
            _ => 0.0,
        }
    }

    /// The blank a full-width mark has on its (left, right) side that compression may take,
    /// in em: half an em on the side away from its ink, or nothing.
    pub fn blank(self, c: char) -> (f32, f32) {
        let centred = matches!(c, '。' | '，' | '、' | '：' | '；' | '！' | '？');
        if self == PunctuationRules::TaiwanHongKong && centred {
            (0.0, 0.0)
        } else if is_closing_punct(c) {
            (0.0, 0.5)
        } else if is_opening_punct(c) {
            (0.5, 0.0)
        } else {
            (0.0, 0.0)
        }
    }
}

/// The interpunct (间隔号) between the parts of a name ("买买提·艾力") and its Japanese and
/// Taiwanese forms: neither begins nor ends a line, so a name is never split at it.
pub fn is_interpunct(c: char) -> bool {
    matches!(c, '·' | '・' | '‧')
}

/// Full-width punctuation, closing or opening (stops and pauses count as closing).
pub fn is_fullwidth_punct(c: char) -> bool {
    is_closing_punct(c) || is_opening_punct(c)
}

/// Characters set on the CJK em grid: ideographs, kana, CJK and full-width punctuation,
/// and the marks Chinese text shares with Latin (curly quotes, dashes, ellipsis).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}' | '\u{3000}'..='\u{303F}' | '\u{3040}'..='\u{30FF}'
        | '\u{3100}'..='\u{312F}' | '\u{31C0}'..='\u{31EF}' | '\u{3200}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}'
        | '“' | '”' | '‘' | '’' | '—' | '…' | '·'
    )
}

/// A character that belongs to the one before it: a combining mark, a joiner, a variation
/// selector or an emoji modifier. No line breaks before it, and it is drawn with it.
pub fn extends_previous(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Mark
        || matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{1F3FB}'..='\u{1F3FF}')
}

/// `allowed[i]` tells whether a line may break before the character starting at byte `i`
/// of `text`. Only char boundaries are meaningful; the result has `text.len() + 1` entries.
pub fn break_opportunities(text: &str, latin: &[bool]) -> Vec<bool> {
    let mut allowed = vec![false; text.len() + 1];
    for (i, op) in unicode_linebreak::linebreaks(text) {
        if op == unicode_linebreak::BreakOpportunity::Allowed {
            allowed[i] = true;
        }
    }
    // `mark` is the last non-space character before the boundary: a prohibition holds across
    // spaces ("（ 文" must not leave "（" at a line end, "文 ）" must not start a line with "）").
    // A quote, dash or ellipsis set as Latin text ([`latin_text`]) follows UAX #14 alone:
    // "Government’s" never breaks after its apostrophe.
    let cjk_at = |i: usize, c: char| is_cjk(c) && !latin.get(i).copied().unwrap_or(false);
    let mut prev: Option<(char, bool)> = None;
    let mut mark: Option<(char, bool)> = None;
    for (i, c) in text.char_indices() {
        if let (Some((p, p_cjk)), Some((m, m_cjk))) = (prev, mark) {
            if extends_previous(c) || p == '\u{200D}' || c.is_whitespace() {
                allowed[i] = false;
            } else if p_cjk || cjk_at(i, c) || m_cjk {
                allowed[i] = cjk_break_allowed(p, m, c);
            } else {
                allowed[i] = allowed[i] && !no_line_start(c) && !no_line_end(m);
            }
        }
        prev = Some((c, cjk_at(i, c)));
        if !c.is_whitespace() {
            mark = prev;
        }
    }
    allowed[0] = false;
    allowed
}

/// Letters, digits and punctuation of Latin text (Latin, Greek and Cyrillic script, ASCII,
/// en dash and hyphens, currency signs): what a role's Latin face sets. Not the soft hyphen
/// (U+00AD), which prints nothing, nor the interpunct (U+00B7) of Chinese names.
pub fn is_latin_text(c: char) -> bool {
    matches!(c,
        '!'..='~' | '\u{A0}'..='\u{AC}' | '\u{AE}'..='\u{B6}' | '\u{B8}'..='\u{24F}' | '\u{370}'..='\u{4FF}'
        | '\u{1E00}'..='\u{1EFF}' | '\u{2010}'..='\u{2013}' | '\u{20A0}'..='\u{20CF}')
}

/// The marks Chinese and Latin text share, which the context decides: curly quotes and
/// apostrophes, the em dash, the ellipsis.
pub fn is_shared_mark(c: char) -> bool {
    matches!(c, '‘' | '’' | '“' | '”' | '—' | '…')
}

/// Which characters of `text` are Latin text, by byte offset (`len() + 1` entries, true at
/// the first byte of each such character): [`is_latin_text`] characters, and the marks
/// Chinese and Latin share (‘’“”—…) where they stand in Latin text. Such a mark is Latin when
/// neither the character before nor the one after it (spaces and other shared marks skipped)
/// is CJK, and one of them is Latin text, or the article is in English — so the apostrophe
/// in "Government’s" is set proportional in the Latin face, while the quotes of “国之大者”
/// and of 他说“Hello” stay full-width (W3C clreq §3.2 on mixed text; Word's "Use East Asian
/// font for ambiguous characters" decides the same per run). Doubled dashes and ellipses
/// (—— ……) are the Chinese marks (GB/T 15834-2011 §4.10, §4.11): never Latin.
pub fn latin_text(text: &str, language: crate::record::Language) -> Vec<bool> {
    let mut latin = vec![false; text.len() + 1];
    let english = language == crate::record::Language::English;
    fn neighbour(mut chars: impl Iterator<Item = char>) -> Option<char> {
        chars.find(|&c| !c.is_whitespace() && !is_shared_mark(c))
    }
    for (i, c) in text.char_indices() {
        if is_latin_text(c) {
            latin[i] = true;
        } else if is_shared_mark(c) {
            let (head, tail) = (&text[..i], &text[i + c.len_utf8()..]);
            let doubled = matches!(c, '—' | '…') && (tail.starts_with(c) || head.ends_with(c));
            if doubled {
                continue;
            }
            let before = neighbour(head.chars().rev());
            let after = neighbour(tail.chars());
            let cjk = |x: Option<char>| x.is_some_and(is_cjk);
            let text_side = |x: Option<char>| x.is_some_and(is_latin_text);
            latin[i] =
                !cjk(before) && !cjk(after) && (english || text_side(before) || text_side(after));
        }
    }
    latin
}

/// `before` is the character just before the boundary, `mark` the last non-space one.
fn cjk_break_allowed(before: char, mark: char, after: char) -> bool {
    // —— and …… are one mark set in two ems; never split them.
    if before == after && matches!(before, '—' | '…') {
        return false;
    }
    !no_line_start(after) && !no_line_end(mark) && !is_interpunct(mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaks(text: &str) -> Vec<usize> {
        let allowed = break_opportunities(
            text,
            &latin_text(text, crate::record::Language::SimplifiedChinese),
        );
        text.char_indices()
            .filter(|(i, _)| allowed[*i])
            .map(|(i, _)| text[..i].chars().count())
            .collect()
    }

    #[test]
    fn no_break_before_closing_or_after_opening_marks() {
        // 牢记“国之大者”，推动
        let b = breaks("牢记“国之大者”，推动");
        assert!(b.contains(&2), "before the opening quote: {b:?}");
        assert!(!b.contains(&3), "after the opening quote");
        assert!(!b.contains(&7) && !b.contains(&8), "before ” and ，");
        assert!(b.contains(&9));
    }

    #[test]
    fn half_width_comma_in_chinese_stays_with_its_word() {
        let b = breaks("2月18日,自治区");
        assert!(!b.contains(&5), "no break before ','");
        assert!(b.contains(&6));
        assert!(!b.contains(&3), "no break inside 18: {b:?}");
    }

    #[test]
    fn dashes_and_ellipses_are_not_split() {
        let b = breaks("他说——好……");
        assert!(!b.contains(&3) && !b.contains(&6));
    }

    #[test]
    fn prohibitions_hold_across_spaces() {
        let b = breaks("工作 ）完成");
        assert!(!b.contains(&3), "no break before ） after a space: {b:?}");
        let b = breaks("工作（ 完成");
        assert!(!b.contains(&4), "no break after （ and a space: {b:?}");
    }

    #[test]
    fn names_are_not_split_at_the_interpunct() {
        let b = breaks("并买买提·艾力同志");
        assert!(!b.contains(&4) && !b.contains(&5), "{b:?}");
        assert_eq!(PunctuationRules::Mainland.narrowed('·'), 0.5);
        assert_eq!(PunctuationRules::TaiwanHongKong.narrowed('·'), 0.0);
    }

    #[test]
    fn punctuation_rules_per_region() {
        let (cn, tw) = (PunctuationRules::Mainland, PunctuationRules::TaiwanHongKong);
        assert_eq!(cn.blank('。'), (0.0, 0.5));
        assert_eq!(
            tw.blank('。'),
            (0.0, 0.0),
            "centred in Taiwan and Hong Kong faces"
        );
        assert_eq!(tw.blank('？'), (0.0, 0.0));
        for rules in [cn, tw] {
            assert_eq!(rules.blank('」'), (0.0, 0.5));
            assert_eq!(rules.blank('「'), (0.5, 0.0));
            assert_eq!(rules.blank('（'), (0.5, 0.0));
            assert_eq!(rules.blank('字'), (0.0, 0.0));
        }
    }

    #[test]
    fn latin_words_break_only_at_spaces() {
        let b = breaks("the quick brown");
        assert_eq!(b, vec![4, 10]);
    }

    /// The characters of `text` that [`latin_text`] sets as Latin, as a string.
    fn latin_of(text: &str, language: crate::record::Language) -> String {
        let latin = latin_text(text, language);
        text.char_indices()
            .filter(|&(i, _)| latin[i])
            .map(|(_, c)| c)
            .collect()
    }

    #[test]
    fn shared_marks_follow_the_text_they_stand_in() {
        use crate::record::Language::{English, SimplifiedChinese};
        // The apostrophe inside an English word in a Chinese paragraph is Latin text.
        assert_eq!(
            latin_of("该报告称Government’s计划", SimplifiedChinese),
            "Government’s"
        );
        // Quotes around Chinese or beside Chinese stay Chinese marks.
        assert_eq!(
            latin_of("牢记“国之大者”，他说“Hello”。", SimplifiedChinese),
            "Hello"
        );
        // English quotes in an English phrase inside Chinese text.
        assert_eq!(
            latin_of("提出 the “Belt and Road” plan 的", SimplifiedChinese),
            "the“Belt and Road”plan"
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        );
        // English text: every shared mark is Latin, doubled dashes and ellipses never.
        assert_eq!(latin_of("“Yes—now…”", English), "“Yes—now…”");
        assert_eq!(latin_of("等待——", SimplifiedChinese), "");
        assert_eq!(latin_of("abc……", SimplifiedChinese), "abc");
        // The interpunct of names stays Chinese.
        assert_eq!(latin_of("约翰·史密斯", SimplifiedChinese), "");
    }

    #[test]
    fn no_break_inside_an_english_word_with_an_apostrophe() {
        use crate::record::Language::SimplifiedChinese;
        let text = "表示Government’s plan";
        let allowed = break_opportunities(text, &latin_text(text, SimplifiedChinese));
        let s = text.find('s').unwrap_or(0);
        assert!(!allowed[s], "a break after the apostrophe");
        // Without the Latin context, the apostrophe was taken for a Chinese closing mark.
        let cjk = break_opportunities(text, &[]);
        assert!(cjk[s]);
    }
}
