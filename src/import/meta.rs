//! Recognising the lines around an article on government sites: breadcrumb, meta line
//! (发布时间 / 来源 / 作者) and page chrome (font-size switches, print and close buttons, share
//! prompts, view counters).

use crate::record::Timestamp;

/// Labels of the meta line, longest first so that "发布时间" wins over "时间".
const LABELS: &[(&str, Field)] = &[
    ("发布时间", Field::Published),
    ("发布日期", Field::Published),
    // Traditional Chinese pages and drafts (Taiwan, Hong Kong, Macao).
    ("發佈時間", Field::Published),
    ("發布時間", Field::Published),
    ("發佈日期", Field::Published),
    ("發布日期", Field::Published),
    ("發稿時間", Field::Published),
    ("資料來源", Field::Source),
    ("來源", Field::Source),
    ("发稿时间", Field::Published),
    ("时间", Field::Published),
    ("日期", Field::Published),
    ("信息来源", Field::Source),
    ("文章来源", Field::Source),
    ("来源", Field::Source),
    ("作者", Field::Author),
    ("撰稿", Field::Author),
    ("责任编辑", Field::Author),
    ("编辑", Field::Author),
    // The meta line of an English article, as bulletin's own outputs print it.
    ("Published", Field::Published),
    ("Source", Field::Source),
    ("Author", Field::Author),
    ("浏览次数", Field::Ignored),
    ("访问量", Field::Ignored),
    ("点击数", Field::Ignored),
    ("字体大小", Field::Ignored),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Published,
    Source,
    Author,
    Ignored,
}

/// Buttons that follow a meta line's last value on the same line.
const CHROME_MARKS: &[&str] = &[
    "【打印",
    "【关闭",
    "【字体",
    "【大",
    "【返回",
    "【收藏",
    "【分享",
];

/// The labels that make a line at the top of an article's content a meta line; weaker ones
/// (时间, 日期, 作者, 编辑 …) also open lines of the text itself ("时间：3月6日上午9:00"), which
/// stay text there.
pub fn strong_meta_line(line: &str) -> bool {
    const STRONG: &[&str] = &[
        "发布时间",
        "发布日期",
        "发稿时间",
        "信息来源",
        "文章来源",
        "来源",
        "Published:",
        "Source:",
        "發佈時間",
        "發布時間",
        "發佈日期",
        "發布日期",
        "發稿時間",
        "資料來源",
        "來源",
    ];
    let line = line.trim().trim_start_matches(['【', '[']).trim();
    STRONG.iter().any(|l| line.starts_with(l))
}

/// Label-value pairs of a meta line ("发布时间:2025-02-18 18:03  来源: 某某"); empty when the
/// line is not one (a label must open the line and be followed by a colon).
pub fn meta_fields(line: &str) -> Vec<(Field, String)> {
    let line = line.trim().trim_start_matches(['【', '[']).trim();
    let mut found: Vec<(usize, usize, Field)> = Vec::new();
    for (label, field) in LABELS {
        let mut from = 0;
        while let Some(i) = line[from..].find(label) {
            let at = from + i;
            let after = line[at + label.len()..].trim_start();
            let overlaps = found
                .iter()
                .any(|&(s, e, _)| at < e && s < at + label.len());
            if (after.starts_with(':') || after.starts_with('：')) && !overlaps {
                found.push((at, at + label.len(), *field));
            }
            from = at + label.len();
        }
    }
    found.sort_by_key(|f| f.0);
    if found.first().is_none_or(|f| f.0 != 0) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (k, &(_, end, field)) in found.iter().enumerate() {
        let stop = found.get(k + 1).map_or(line.len(), |n| n.0);
        let value = line[end..stop]
            .trim()
            .trim_start_matches([':', '：'])
            .trim();
        // Page chrome on the same line ("来源：某局　【打印】【关闭】") is not the value.
        let value = CHROME_MARKS
            .iter()
            .filter_map(|m| value.find(m))
            .min()
            .map_or(value, |at| &value[..at]);
        let value = value.trim_end_matches(['】', ']']).trim();
        out.push((field, value.to_owned()));
    }
    out
}

/// "当前位置: 首页 >> 生态环境动态 >> 图片新闻" -> ["首页", "生态环境动态", "图片新闻"].
pub fn breadcrumb(line: &str) -> Option<Vec<String>> {
    let rest = line
        .trim()
        .strip_prefix("当前位置")
        .or_else(|| line.trim().strip_prefix("您现在的位置"))?;
    let rest = rest.trim_start().trim_start_matches([':', '：']).trim();
    let parts: Vec<String> = rest
        .split(['>', '»', '→', '＞'])
        .map(|p| p.trim().trim_matches('>').trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// Buttons, prompts and counters around the article, never part of it.
pub fn is_chrome(line: &str) -> bool {
    let l = line.trim();
    const EXACT_OR_CONTAINED: &[&str] = &[
        "扫一扫在手机打开当前页",
        "打印本页",
        "关闭窗口",
        "【打印】",
        "【关闭】",
        "分享到",
        "【字体大小",
        "字体：大 中 小",
        "【大 中 小】",
        "返回顶部",
        "相关链接",
    ];
    EXACT_OR_CONTAINED.iter().any(|c| l.contains(c))
        || matches!(l, "打印" | "关闭" | "大" | "中" | "小" | "分享")
}

/// A publish time in the record's format: "2025-02-18 18:03" or "2025-02-18".
pub fn normalize_date(s: &str) -> Option<String> {
    let digits: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    let text = match digits.as_slice() {
        [y, m, d] => format!("{y:04}-{m:02}-{d:02}"),
        [y, m, d, h, min, ..] => format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}"),
        _ => return None,
    };
    Timestamp::parse(&text).ok().map(|_| text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_chinese_meta_lines() {
        assert_eq!(
            meta_fields("發佈時間：2025年4月8日 10:00　來源：市政府新聞處　作者：陳美玲"),
            vec![
                (Field::Published, "2025年4月8日 10:00".into()),
                (Field::Source, "市政府新聞處".into()),
                (Field::Author, "陳美玲".into()),
            ]
        );
        assert!(strong_meta_line("發布日期：2025-04-08"));
    }

    #[test]
    fn meta_lines() {
        let f = meta_fields("发布时间:2025-02-18 18:03     来源: 某某厅");
        assert_eq!(
            f,
            vec![
                (Field::Published, "2025-02-18 18:03".into()),
                (Field::Source, "某某厅".into())
            ]
        );
        assert_eq!(
            meta_fields("来源: 内蒙古自治区生态环境厅官方微信公众号"),
            vec![(Field::Source, "内蒙古自治区生态环境厅官方微信公众号".into())]
        );
        assert!(
            meta_fields("会议时间:上午九时").is_empty(),
            "a label must open the line"
        );
        assert!(meta_fields("来源于群众的意见").is_empty());
    }

    #[test]
    fn dates_and_breadcrumbs() {
        assert_eq!(
            normalize_date("2025年2月18日 18:03").as_deref(),
            Some("2025-02-18 18:03")
        );
        assert_eq!(normalize_date("2025/02/18").as_deref(), Some("2025-02-18"));
        assert_eq!(normalize_date("2025-02-30"), None);
        assert_eq!(
            breadcrumb("当前位置: 首页 >> 生态环境动态 >> 图片新闻").unwrap(),
            vec!["首页", "生态环境动态", "图片新闻"]
        );
        assert!(is_chrome("【字体大小:"));
    }
}
