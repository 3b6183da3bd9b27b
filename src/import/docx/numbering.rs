//! numbering.xml (ECMA-376 Part 1, 17.9): the numbers Word shows before list paragraphs,
//! worked out as Word counts them, so that "一、" or "（一）" typed by the numbering engine
//! reads as the same text a clerk would have typed.

use super::read::attr;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::HashMap;

/// One level of a list definition (`w:lvl`).
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    /// `w:numFmt`: "decimal", "chineseCounting", "bullet" …
    format: String,
    /// `w:lvlText`: "%1、", "（%1）", "%1.%2" …
    text: String,
    /// `w:isLgl`: every level's number shown in Arabic digits.
    legal: bool,
    /// `w:suff` is "nothing": no tab or space between the number and the text.
    bare: bool,
}

/// The list definitions: `w:num` instances and the `w:abstractNum`s they use.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
}

impl Numbering {
    pub fn read(xml: &[u8]) -> Result<Numbering, String> {
        let mut reader = Reader::from_reader(xml);
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut levels: Vec<Level> = Vec::new();
        let mut level: Option<(usize, Level)> = None;
        let mut num: Option<(String, String, HashMap<u8, u32>)> = None;
        let mut override_level: Option<u8> = None;
        loop {
            let event = reader.read_event().map_err(|e| {
                format!("the Word document is damaged: its numbering part cannot be read ({e})")
            })?;
            match &event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"abstractNum" => {
                        abstract_id = attr(e, b"abstractNumId");
                        levels = Vec::new();
                    }
                    b"lvl" if num.is_none() => {
                        let i = attr(e, b"ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        level = Some((
                            i,
                            Level {
                                start: 1,
                                ..Level::default()
                            },
                        ));
                    }
                    b"start" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.start = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    b"numFmt" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.format = attr(e, b"val").unwrap_or_default();
                        }
                    }
                    b"lvlText" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.text = attr(e, b"val").unwrap_or_default();
                        }
                    }
                    b"suff" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.bare = attr(e, b"val").as_deref() == Some("nothing");
                        }
                    }
                    b"isLgl" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.legal = attr(e, b"val").is_none_or(|v| v != "0" && v != "false");
                        }
                    }
                    b"num" => {
                        if let Some(id) = attr(e, b"numId") {
                            num = Some((id, String::new(), HashMap::new()));
                        }
                    }
                    b"abstractNumId" => {
                        if let Some(n) = num.as_mut() {
                            n.1 = attr(e, b"val").unwrap_or_default();
                        }
                    }
                    b"lvlOverride" => {
                        override_level = attr(e, b"ilvl").and_then(|v| v.parse().ok());
                    }
                    b"startOverride" => {
                        if let (Some(n), Some(l)) = (num.as_mut(), override_level) {
                            let start = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(1);
                            n.2.insert(l, start);
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"lvl" => {
                        if let Some((i, l)) = level.take() {
                            if i < 9 {
                                if levels.len() <= i {
                                    levels.resize(i + 1, Level::default());
                                }
                                levels[i] = l;
                            }
                        }
                    }
                    b"abstractNum" => {
                        if let Some(id) = abstract_id.take() {
                            numbering.abstracts.insert(id, std::mem::take(&mut levels));
                        }
                    }
                    b"num" => {
                        if let Some((id, abs, starts)) = num.take() {
                            numbering.nums.insert(id, (abs, starts));
                        }
                    }
                    _ => {}
                },
                Event::Eof => return Ok(numbering),
                _ => {}
            }
        }
    }
}

/// The number Word shows before a list paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// As shown: "一、", "（一）", "1.", "第三条", "•".
    pub text: String,
    /// Counted (not a bullet).
    pub ordered: bool,
    /// A plain decimal list number ("1.", "1、", "1)"), which a record's numbered list prints
    /// the same; other forms ("（1）" of the 公文's fourth level, "①", "a)", "第一条") are kept
    /// as text.
    pub decimal: bool,
    /// The counter's value at this paragraph's level.
    pub value: u32,
    /// The list it belongs to (its definition) and its level there (0 the outermost).
    pub list: String,
    pub level: u8,
    /// A tab or space follows the number (`w:suff`, a tab unless it says otherwise).
    pub spaced: bool,
}

/// Where each list stands: counters by list definition, as Word continues a list across
/// `w:num` instances of one definition unless an instance restarts it.
#[derive(Debug, Default)]
pub struct Counters {
    by_abstract: HashMap<String, [u32; 9]>,
    /// Instances whose start override has been applied.
    restarted: std::collections::HashSet<String>,
}

impl Counters {
    /// The number shown before the next paragraph of list `num_id` at `level` (0-based) and
    /// whether the list is ordered; `None` for a list that shows nothing.
    pub fn next(&mut self, numbering: &Numbering, num_id: &str, level: u8) -> Option<Number> {
        let (abs, starts) = numbering.nums.get(num_id)?;
        let levels = numbering.abstracts.get(abs)?;
        let level = usize::from(level.min(8));
        let def = levels.get(level)?;
        let counters = self.by_abstract.entry(abs.clone()).or_insert([0; 9]);
        if !starts.is_empty() && self.restarted.insert(num_id.to_owned()) {
            for (l, start) in starts {
                if let Some(c) = counters.get_mut(usize::from(*l)) {
                    *c = start.saturating_sub(1);
                }
            }
        }
        counters[level] = if counters[level] == 0 {
            def.start.max(if def.start == 0 { 0 } else { 1 })
        } else {
            counters[level] + 1
        };
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = 0;
        }
        let value = counters[level];
        if def.format == "bullet" {
            return Some(Number {
                text: def.text.clone(),
                ordered: false,
                decimal: false,
                value,
                list: abs.clone(),
                level: level as u8,
                spaced: !def.bare,
            });
        }
        if def.format == "none" || def.text.is_empty() {
            return None;
        }
        let mut shown = String::new();
        let mut chars = def.text.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match (c, digit) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let l = (d - 1) as usize;
                    let value = counters[l].max(levels.get(l).map_or(1, |x| x.start));
                    let format = match levels.get(l) {
                        Some(x) if !def.legal => x.format.as_str(),
                        _ => "decimal",
                    };
                    shown.push_str(&format_number(value, format));
                }
                _ => shown.push(c),
            }
        }
        let own = format!("%{}", level + 1);
        let decimal = def.format == "decimal"
            && !def.legal
            && ["{}.", "{}、", "{}．", "{})"]
                .iter()
                .any(|form| def.text == form.replace("{}", &own));
        Some(Number {
            text: shown,
            ordered: true,
            decimal,
            value,
            list: abs.clone(),
            level: level as u8,
            spaced: !def.bare,
        })
    }
}

/// A counter's value in a `w:numFmt` (17.18.59 ST_NumberFormat).
pub fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chinese(n),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => n
            .to_string()
            .chars()
            .map(|d| {
                "〇一二三四五六七八九"
                    .chars()
                    .nth(d.to_digit(10).unwrap_or(0) as usize)
                    .unwrap_or('〇')
            })
            .collect(),
        "chineseLegalSimplified" => chinese(n)
            .chars()
            .map(|c| match "一二三四五六七八九十百".find(c) {
                Some(i) => "壹贰叁肆伍陆柒捌玖拾佰".chars().nth(i / 3).unwrap_or(c),
                None => c,
            })
            .collect(),
        "ideographTraditional" => cycle(n, "甲乙丙丁戊己庚辛壬癸"),
        "ideographZodiac" => cycle(n, "子丑寅卯辰巳午未申酉戌亥"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalEnclosedParen" if (1..=20).contains(&n) => {
            char::from_u32(0x2474 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalEnclosedFullstop" if (1..=20).contains(&n) => {
            char::from_u32(0x2488 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|d| char::from_u32(d as u32 - '0' as u32 + 0xFF10).unwrap_or(d))
            .collect(),
        "decimalZero" => format!("{n:02}"),
        "upperLetter" => letters(n).to_uppercase(),
        "lowerLetter" => letters(n),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        _ => n.to_string(),
    }
}

fn cycle(n: u32, set: &str) -> String {
    let chars: Vec<char> = set.chars().collect();
    chars[(n.max(1) as usize - 1) % chars.len()].to_string()
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (as Word's chineseCounting).
fn chinese(n: u32) -> String {
    const D: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    if n == 0 {
        return "〇".into();
    }
    if n >= 1000 {
        return n.to_string();
    }
    let (h, t, u) = (n / 100, (n / 10) % 10, n % 10);
    let mut s = String::new();
    if h > 0 {
        s.push(D[h as usize]);
        s.push('百');
    }
    match t {
        0 if h > 0 && u > 0 => s.push('零'),
        0 => {}
        1 if h == 0 => s.push('十'),
        _ => {
            s.push(D[t as usize]);
            s.push('十');
        }
    }
    if u > 0 {
        s.push(D[u as usize]);
    }
    s
}

fn letters(n: u32) -> String {
    // Word repeats the letter: 27 → "aa".
    let n = n.max(1);
    let letter = (b'a' + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1) as usize).collect()
}

fn roman(mut n: u32) -> String {
    const R: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in R {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_shown_as_word_shows_them() {
        assert_eq!(format_number(1, "chineseCounting"), "一");
        assert_eq!(format_number(10, "chineseCounting"), "十");
        assert_eq!(format_number(12, "chineseCounting"), "十二");
        assert_eq!(format_number(20, "chineseCountingThousand"), "二十");
        assert_eq!(format_number(105, "chineseCounting"), "一百零五");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(7, "decimalFullWidth"), "７");
        assert_eq!(format_number(2025, "ideographDigital"), "二〇二五");
    }

    #[test]
    fn lists_count_restart_and_nest_as_word_counts_them() {
        let xml = r#"<w:numbering xmlns:w="w">
          <w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
          </w:abstractNum>
          <w:abstractNum w:abstractNumId="1">
            <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
          </w:abstractNum>
          <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
          <w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
          <w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>
        </w:numbering>"#.as_bytes();
        let numbering = Numbering::read(xml).unwrap();
        let mut c = Counters::default();
        let mut next = |id: &str, l: u8| c.next(&numbering, id, l).map(|n| n.text);
        assert_eq!(next("1", 0).as_deref(), Some("一、"));
        assert_eq!(next("1", 1).as_deref(), Some("（一）"));
        assert_eq!(next("1", 1).as_deref(), Some("（二）"));
        assert_eq!(next("1", 0).as_deref(), Some("二、"));
        assert_eq!(next("1", 1).as_deref(), Some("（一）"));
        // Another instance with a start override begins again.
        assert_eq!(next("2", 0).as_deref(), Some("一、"));
        assert_eq!(next("3", 0).as_deref(), Some("•"));
        assert_eq!(next("9", 0), None);
    }
}
