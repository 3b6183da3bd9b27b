//! Templates: page geometry, fonts and sizes per role, header and footer, labels. Written in
//! TOML; the built-in ones (`templates/*.toml`) are compiled into the binary.

mod units;

pub use units::{Length, PT_PER_MM};

use crate::record::{Article, Language};
use serde::Deserialize;
use std::path::Path;

const BUILTIN: &[(&str, &str)] = &[("bulletin", include_str!("../../templates/bulletin.toml"))];

/// Font families bundled with bulletin; a style names one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// 宋体 (Fandol Song)
    Song,
    /// 黑体 (Fandol Hei)
    Hei,
    /// 仿宋 (Fandol Fang)
    Fang,
    /// 楷体 (Fandol Kai)
    Kai,
    /// Noto Serif CJK, the wide-coverage face
    Serif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    #[default]
    Justify,
    Left,
    Center,
    Right,
}

/// A colour as "#rrggbb".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub fn hex(self) -> String {
        format!("{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s.strip_prefix('#').unwrap_or(&s);
        let bad = || serde::de::Error::custom(format!("`{s}` is not a colour; write \"#rrggbb\""));
        if hex.len() != 6 || !hex.is_ascii() {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        Ok(Color(byte(0)?, byte(2)?, byte(4)?))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub page: PageSetup,
    pub header: Option<Furniture>,
    pub footer: Option<Furniture>,
    pub styles: Styles,
    pub qr: QrSetup,
    pub labels: LabelSets,
    #[serde(default)]
    pub typography: Typography,
}

/// How Chinese text is composed (clreq), beyond the per-role styles.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Typography {
    /// Space between CJK characters and Latin letters or digits, in em; none where the text
    /// already has a space.
    pub cjk_latin_spacing: f32,
    /// `"full"` keeps a full-width mark at the line end; `"half"` sets it half-width so the
    /// ink of the line ends flush with the margin.
    pub line_end_punctuation: LineEndPunctuation,
    /// Put body, list and quote lines on one baseline grid (the body line pitch), so lines on
    /// facing pages and across headings line up.
    pub baseline_grid: bool,
    /// Convert half-width punctuation inside Chinese text to full-width (as `--normalize-punctuation`).
    pub normalize_punctuation: bool,
}

impl Default for Typography {
    fn default() -> Self {
        Typography {
            cjk_latin_spacing: 0.25,
            line_end_punctuation: LineEndPunctuation::Full,
            baseline_grid: true,
            normalize_punctuation: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineEndPunctuation {
    Full,
    Half,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageSetup {
    pub width: Length,
    pub height: Length,
    pub margin_top: Length,
    pub margin_bottom: Length,
    pub margin_left: Length,
    pub margin_right: Length,
}

impl PageSetup {
    pub fn text_width(&self) -> f32 {
        self.width.pt() - self.margin_left.pt() - self.margin_right.pt()
    }
}

/// Running header or footer. `text` may use {page}, {pages}, {title}, {issuer}, {source}.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Furniture {
    pub text: String,
    pub style: Style,
    /// Distance of the baseline from the page edge (top for headers, bottom for footers).
    pub baseline_from_edge: Length,
    /// Draw a thin rule between it and the text area.
    #[serde(default)]
    pub rule: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Styles {
    pub body: Style,
    pub title: Style,
    pub subtitle: Style,
    pub breadcrumb: Style,
    pub meta: Style,
    pub heading1: Style,
    pub heading2: Style,
    pub heading3: Style,
    pub quote: Style,
    pub list: Style,
    pub table: Style,
    pub caption: Style,
}

/// How one role of text is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    pub family: Family,
    #[serde(default)]
    pub bold: bool,
    pub size: Length,
    /// Baseline-to-baseline distance as a multiple of the size.
    #[serde(default = "default_line_height")]
    pub line_height: f32,
    #[serde(default)]
    pub align: Align,
    /// First-line indent in characters (em of this style).
    #[serde(default)]
    pub first_line_indent: f32,
    /// Indent of both sides, in characters.
    #[serde(default)]
    pub side_indent: f32,
    #[serde(default)]
    pub space_before: Length,
    #[serde(default)]
    pub space_after: Length,
    #[serde(default)]
    pub color: Color,
}

fn default_line_height() -> f32 {
    1.5
}

impl Style {
    pub fn line_pitch(&self) -> f32 {
        self.size.pt() * self.line_height
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrSetup {
    /// Printed width of the code including its quiet zone.
    pub size: Length,
    pub caption_style: Style,
}

/// Fixed words printed around the record's fields, per article language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelSets {
    #[serde(rename = "zh-Hans")]
    pub simplified: Labels,
    #[serde(rename = "zh-Hant")]
    pub traditional: Option<Labels>,
    pub en: Option<Labels>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub breadcrumb: String,
    pub breadcrumb_separator: String,
    pub published: String,
    pub source: String,
    pub author: String,
    pub attachments: String,
    pub qr_caption: String,
    /// Replaces the footer text for this language, e.g. "Page {page} of {pages}".
    pub footer: Option<String>,
}

impl Labels {
    /// "当前位置：首页 >> 生态环境动态", or `None` without a channel.
    pub fn breadcrumb_line(&self, article: &Article) -> Option<String> {
        (!article.channel.is_empty()).then(|| {
            format!(
                "{}{}",
                self.breadcrumb,
                article.channel.join(&self.breadcrumb_separator)
            )
        })
    }

    /// "发布时间：…　　来源：…　　作者：…" with the parts the record has.
    pub fn meta_line(&self, article: &Article) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(p) = &article.published {
            parts.push(format!("{}{}", self.published, p));
        }
        if let Some(s) = &article.source {
            parts.push(format!("{}{}", self.source, s));
        }
        if let Some(a) = &article.author {
            parts.push(format!("{}{}", self.author, a));
        }
        let gap = if article.language == Language::English {
            "    "
        } else {
            "\u{3000}\u{3000}"
        };
        (!parts.is_empty()).then(|| parts.join(gap))
    }
}

impl Template {
    /// A built-in template by name, or a TOML file when `name_or_path` names one.
    pub fn load(name_or_path: &str) -> Result<Template, String> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Template::from_toml(text, name_or_path);
        }
        let path = Path::new(name_or_path);
        let looks_like_file = name_or_path.ends_with(".toml") || name_or_path.contains(['/', '\\']);
        if !looks_like_file {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "unknown template `{name_or_path}`; built-in templates: {} (or give a path to a .toml file)",
                names.join(", ")
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
        Template::from_toml(&text, &path.display().to_string())
    }

    pub fn from_toml(text: &str, origin: &str) -> Result<Template, String> {
        let de = toml::Deserializer::parse(text).map_err(|e| format!("template {origin}: {e}"))?;
        let template: Template = serde_path_to_error::deserialize(de).map_err(|e| {
            format!(
                "template {origin}: field `{}`: {}",
                e.path(),
                e.inner().message()
            )
        })?;
        template
            .check()
            .map_err(|m| format!("template {origin}: {m}"))?;
        Ok(template)
    }

    /// Labels in the article's language (Simplified Chinese when the template has none).
    pub fn labels(&self, language: Language) -> &Labels {
        let specific = match language {
            Language::SimplifiedChinese => None,
            Language::TraditionalChinese => self.labels.traditional.as_ref(),
            Language::English => self.labels.en.as_ref(),
        };
        specific.unwrap_or(&self.labels.simplified)
    }

    /// Footer text in the article's language.
    pub fn footer_text<'a>(&'a self, footer: &'a Furniture, language: Language) -> &'a str {
        self.labels(language)
            .footer
            .as_deref()
            .unwrap_or(&footer.text)
    }

    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    fn check(&self) -> Result<(), String> {
        let p = &self.page;
        if p.text_width() < 72.0 || p.height.pt() - p.margin_top.pt() - p.margin_bottom.pt() < 72.0
        {
            return Err("the margins leave less than one inch for text".into());
        }
        if self.qr.size.pt() < Length::mm(20.0).pt() {
            return Err("qr.size must be at least 20mm so that phones can scan it".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_parse() {
        for name in Template::builtin_names() {
            let t = Template::load(name).unwrap();
            assert_eq!(t.name, name);
        }
        let t = Template::load("bulletin").unwrap();
        assert!((t.page.width.pt() - 595.2756).abs() < 0.01);
    }

    #[test]
    fn unknown_template_and_bad_fields() {
        assert!(Template::load("nonesuch").unwrap_err().contains("bulletin"));
        let text =
            include_str!("../../templates/bulletin.toml").replace("[page]", "[page]\ncolour = 1");
        let e = Template::from_toml(&text, "t").unwrap_err();
        assert!(e.contains("colour"), "{e}");
    }
}
