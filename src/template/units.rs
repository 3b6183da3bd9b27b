//! Lengths in templates: numbers are points; strings carry a unit ("25mm", "2.5cm", "12pt")
//! or name a Chinese type size ("三号", "小四", "3号").

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// A length in PDF points (1/72 inch).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Length(pub f32);

impl Length {
    pub fn pt(self) -> f32 {
        self.0
    }
    pub fn mm(mm: f32) -> Length {
        Length(mm * PT_PER_MM)
    }
    /// Twentieths of a point, Word's main unit.
    pub fn twips(self) -> i64 {
        (self.0 * 20.0).round() as i64
    }
    /// English Metric Units, used by DrawingML.
    pub fn emu(self) -> i64 {
        (self.0 * 12700.0).round() as i64
    }

    pub fn parse(s: &str) -> Result<Length, String> {
        let s = s.trim();
        if let Some(pt) = chinese_size(s) {
            return Ok(Length(pt));
        }
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(s.len());
        let (number, unit) = s.split_at(split);
        let value: f32 = number.parse().map_err(|_| {
            format!("`{s}` is not a length (examples: \"25mm\", \"12pt\", \"三号\")")
        })?;
        let factor = match unit.trim() {
            "" | "pt" => 1.0,
            "mm" => PT_PER_MM,
            "cm" => PT_PER_MM * 10.0,
            "in" => 72.0,
            other => {
                return Err(format!(
                    "unknown unit `{other}` in `{s}`; use mm, cm, in or pt"
                ))
            }
        };
        Ok(Length(value * factor))
    }
}

/// Chinese type sizes (字号) in points, as Word and WPS define them.
fn chinese_size(s: &str) -> Option<f32> {
    const SIZES: &[(&str, &str, f32)] = &[
        ("初号", "0号", 42.0),
        ("小初", "小0", 36.0),
        ("一号", "1号", 26.0),
        ("小一", "小1", 24.0),
        ("二号", "2号", 22.0),
        ("小二", "小2", 18.0),
        ("三号", "3号", 16.0),
        ("小三", "小3", 15.0),
        ("四号", "4号", 14.0),
        ("小四", "小4", 12.0),
        ("五号", "5号", 10.5),
        ("小五", "小5", 9.0),
        ("六号", "6号", 7.5),
        ("小六", "小6", 6.5),
        ("七号", "7号", 5.5),
        ("八号", "8号", 5.0),
    ];
    SIZES
        .iter()
        .find(|(name, digits, _)| s == *name || s == *digits)
        .map(|(_, _, pt)| *pt)
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LengthVisitor;
        impl Visitor<'_> for LengthVisitor {
            type Value = Length;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a length: a number of points or a string such as \"25mm\" or \"三号\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Length, E> {
                Ok(Length(v as f32))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Length, E> {
                Ok(Length(v as f32))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Length, E> {
                Ok(Length(v as f32))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Length, E> {
                Length::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(LengthVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_type_sizes() {
        assert!((Length::parse("25.4mm").unwrap().pt() - 72.0).abs() < 1e-3);
        assert_eq!(Length::parse("12pt").unwrap(), Length(12.0));
        assert_eq!(Length::parse("三号").unwrap(), Length(16.0));
        assert_eq!(Length::parse("3号").unwrap(), Length(16.0));
        assert_eq!(Length::parse("小四").unwrap(), Length(12.0));
        assert_eq!(Length::mm(10.0).twips(), 567);
        assert!(Length::parse("12px").is_err());
        assert!(Length::parse("big").is_err());
    }
}
