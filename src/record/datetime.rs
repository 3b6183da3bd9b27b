//! Publication timestamps: "2025-02-18 18:03", "2025-02-18" or RFC 3339.

use std::fmt;

/// A calendar date with optional time and UTC offset, exactly as the record states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// Hour, minute, second when the record gives a time.
    pub time: Option<(u8, u8, u8)>,
    /// Offset from UTC in minutes, when the record gives one (RFC 3339).
    pub utc_offset_minutes: Option<i16>,
}

impl Timestamp {
    /// A date in one of the documented forms, or as people write it (see [`as_written`]).
    pub fn parse(s: &str) -> Result<Timestamp, String> {
        Timestamp::read(s).map(|(t, _)| t)
    }

    /// [`Timestamp::parse`], and whether `s` was written as people write dates rather than in
    /// a documented form (what `check` and the web page say they read).
    pub fn read(s: &str) -> Result<(Timestamp, bool), String> {
        let s = s.trim();
        if s.is_empty() {
            return Err(
                "the date is empty; give one, e.g. \"2025-02-18\" or \"2025年2月18日\"".into(),
            );
        }
        // Dates as people write them ("2025年2月18日", "2025/2/18", "2025-2-18 9:30",
        // "2025-02-18T18:03"), read as the form below.
        let written = as_written(s);
        let rewritten = written.is_some();
        Timestamp::parse_documented(written.as_deref().unwrap_or(s)).map(|t| (t, rewritten))
    }

    /// A date in a documented form: "2025-02-18 18:03", "2025-02-18" or RFC 3339.
    fn parse_documented(s: &str) -> Result<Timestamp, String> {
        let err = || {
            format!(
                "`{s}` is not a date; use \"2025-02-18 18:03\", \"2025-02-18\", \"2025年2月18日\" or RFC 3339 (\"2025-02-18T18:03:00+08:00\")"
            )
        };
        // The date part is ASCII digits and dashes: anything else is no date (and slicing
        // it by bytes below could cut a character).
        if s.len() < 10 || !s.as_bytes()[..10].is_ascii() {
            return Err(err());
        }
        let (date, rest) = s.split_at(10);
        let year = num(&date[0..4]).ok_or_else(err)?;
        let month = num(&date[5..7]).ok_or_else(err)?;
        let day = num(&date[8..10]).ok_or_else(err)?;
        if &date[4..5] != "-" || &date[7..8] != "-" {
            return Err(err());
        }
        let mut ts = Timestamp {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            time: None,
            utc_offset_minutes: None,
        };
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("`{s}` is not a real calendar date"));
        }
        if rest.is_empty() {
            return Ok(ts);
        }
        let sep = rest.as_bytes()[0];
        if sep != b' ' && sep != b'T' && sep != b't' {
            return Err(err());
        }
        let rest = &rest[1..];
        // Time: HH:MM or HH:MM:SS, optional fraction, then optional Z / ±HH:MM.
        let (clock, zone) = match rest.find(['Z', 'z', '+', '-']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let clock = clock.split('.').next().unwrap_or(clock);
        let parts: Vec<&str> = clock.split(':').collect();
        if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.len() != 2) {
            return Err(err());
        }
        let hour = num(parts[0]).ok_or_else(err)?;
        let minute = num(parts[1]).ok_or_else(err)?;
        let second = match parts.get(2) {
            Some(p) => num(p).ok_or_else(err)?,
            None => 0,
        };
        if hour > 23 || minute > 59 || second > 60 {
            return Err(format!("`{s}` has an impossible time of day"));
        }
        ts.time = Some((hour as u8, minute as u8, second as u8));
        if sep != b' ' && zone.is_empty() {
            // RFC 3339 requires an offset; "T" without one is ambiguous.
            return Err(err());
        }
        if !zone.is_empty() {
            if zone.eq_ignore_ascii_case("z") {
                ts.utc_offset_minutes = Some(0);
            } else {
                let sign: i16 = if zone.starts_with('-') { -1 } else { 1 };
                let hm: Vec<&str> = zone[1..].split(':').collect();
                if hm.len() != 2 || hm.iter().any(|p| p.len() != 2) {
                    return Err(err());
                }
                let h = num(hm[0]).ok_or_else(err)?;
                let m = num(hm[1]).ok_or_else(err)?;
                if h > 23 || m > 59 {
                    return Err(err());
                }
                ts.utc_offset_minutes = Some(sign * (h as i16 * 60 + m as i16));
            }
        }
        Ok(ts)
    }

    /// Offset from UTC in minutes that the document metadata states: the record's own (RFC 3339
    /// input), else China Standard Time, +08:00 ([`CHINA_OFFSET_MINUTES`]). The records bulletin
    /// takes are Chinese government pages, whose times are Beijing time, so "2025-02-18 18:03"
    /// is 10:03 UTC, never 18:03 UTC.
    pub fn offset_minutes(&self) -> i16 {
        self.utc_offset_minutes.unwrap_or(CHINA_OFFSET_MINUTES)
    }

    /// Hour, minute and second for metadata: the record's time, midnight for a date alone (the
    /// start of that day in the record's zone), and a leap second (60) held at 59, which PDF
    /// dates (ISO 32000-1, 7.9.4) cannot state.
    pub fn clock(&self) -> (u8, u8, u8) {
        let (h, m, s) = self.time.unwrap_or((0, 0, 0));
        (h, m, s.min(59))
    }

    /// ISO 8601 / W3CDTF form for document metadata (DOCX core properties, ECMA-376 Part 2,
    /// 11; XMP): always a full date-time with the offset of [`Timestamp::offset_minutes`],
    /// "2025-02-18T18:03:00+08:00"; `Z` only when the record says UTC.
    pub fn to_iso(&self) -> String {
        let mut s = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        let (h, m, sec) = self.clock();
        s.push_str(&format!("T{h:02}:{m:02}:{sec:02}"));
        match self.offset_minutes() {
            0 => s.push('Z'),
            off => {
                let sign = if off < 0 { '-' } else { '+' };
                let off = off.unsigned_abs();
                s.push_str(&format!("{sign}{:02}:{:02}", off / 60, off % 60));
            }
        }
        s
    }
}

/// China Standard Time (Beijing, also Taipei), UTC+08:00, in minutes: the zone of a record's
/// time that states none.
pub const CHINA_OFFSET_MINUTES: i16 = 480;

/// As printed on the page: "2025-02-18 18:03" or "2025-02-18".
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        if let Some((h, m, _)) = self.time {
            write!(f, " {h:02}:{m:02}")?;
        }
        Ok(())
    }
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

/// A date written as people write it, in the form [`Timestamp::parse`] reads: "2025年2月18日"
/// (or "…18号"),
/// "2025/2/18", "2025.2.18" and "2025-2-18" (with a time "18:03" or "9:30" after a space, or
/// after "T" without a zone: Beijing time, as every time here) → "2025-02-18[ 18:03]". `None`
/// when `s` is already in that form or is no such date.
pub fn as_written(s: &str) -> Option<String> {
    let s = s.trim();
    let (date, time) = match s.find([' ', '\u{3000}', 'T']) {
        Some(i) => (
            &s[..i],
            s[i..].trim_start_matches([' ', '\u{3000}', 'T']).trim(),
        ),
        None => (s, ""),
    };
    // "18日", and "18号" as it is said and often written.
    let date = date
        .strip_suffix('日')
        .or_else(|| date.strip_suffix('号'))
        .unwrap_or(date);
    let parts: Vec<&str> = date.split(['年', '月', '/', '.', '-']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    let mut out = format!("{y}-{:0>2}-{:0>2}", m, d);
    if !time.is_empty() {
        let zoned = time.contains(['Z', 'z', '+']) || time.chars().skip(1).any(|c| c == '-');
        if zoned {
            // An RFC 3339 time keeps its "T" and zone.
            out.push('T');
            out.push_str(time);
        } else {
            let mut clock = time.split(':');
            let (h, rest) = (clock.next()?, clock.collect::<Vec<_>>());
            if !digits(h, 2)
                || rest.is_empty()
                || rest.iter().any(|p| !digits(p, 2) || p.len() != 2)
            {
                return None;
            }
            out.push_str(&format!(" {h:0>2}:{}", rest.join(":")));
        }
    }
    (out != s).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_in_the_date_is_an_error_not_a_panic() {
        for text in ["202é0-02-18", "2025-0é-18", "2025-02-1é", "２０２５-02-18"] {
            assert!(Timestamp::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn an_empty_date_is_called_empty_not_malformed() {
        for text in ["", "  ", "\u{3000}"] {
            let e = Timestamp::parse(text).unwrap_err();
            assert!(e.starts_with("the date is empty"), "{text:?}: {e}");
        }
    }

    #[test]
    fn accepts_the_three_documented_forms() {
        let t = Timestamp::parse("2025-02-18 18:03").unwrap();
        assert_eq!(t.time, Some((18, 3, 0)));
        assert_eq!(t.to_string(), "2025-02-18 18:03");
        let d = Timestamp::parse("2025-02-18").unwrap();
        assert_eq!((d.year, d.month, d.day, d.time), (2025, 2, 18, None));
        let r = Timestamp::parse("2025-02-18T18:03:00+08:00").unwrap();
        assert_eq!(r.utc_offset_minutes, Some(480));
        assert_eq!(r.to_iso(), "2025-02-18T18:03:00+08:00");
        assert_eq!(
            Timestamp::parse("2025-02-18T10:03:00Z")
                .unwrap()
                .utc_offset_minutes,
            Some(0)
        );
    }

    #[test]
    fn dates_as_people_write_them_are_read_as_the_documented_forms() {
        for (written, read) in [
            ("2025年2月18日", "2025-02-18"),
            ("2025年2月18号", "2025-02-18"),
            ("2025/2/18", "2025-02-18"),
            ("2025-2-18", "2025-02-18"),
            ("2025.02.18", "2025-02-18"),
            ("2025-02-18T18:03", "2025-02-18 18:03"),
            ("2025年2月18日 18:03", "2025-02-18 18:03"),
            ("2025/2/18 9:30", "2025-02-18 09:30"),
        ] {
            assert_eq!(as_written(written).as_deref(), Some(read), "{written}");
            assert_eq!(
                Timestamp::parse(written).unwrap().to_string(),
                read,
                "{written}"
            );
        }
        // Already in the documented form, or RFC 3339: nothing to read differently.
        for given in [
            "2025-02-18",
            "2025-02-18 18:03",
            "2025-02-18T18:03:00+08:00",
        ] {
            assert_eq!(as_written(given), None, "{given}");
        }
    }

    #[test]
    fn metadata_states_china_time_unless_the_record_gives_a_zone() {
        // A time without a zone is Beijing time: 18:03 there is 10:03 UTC, never 18:03Z.
        let local = Timestamp::parse("2025-02-18 18:03").unwrap();
        assert_eq!(local.offset_minutes(), CHINA_OFFSET_MINUTES);
        assert_eq!(local.to_iso(), "2025-02-18T18:03:00+08:00");
        // A date alone: the start of that day in China.
        assert_eq!(
            Timestamp::parse("2025-02-18").unwrap().to_iso(),
            "2025-02-18T00:00:00+08:00"
        );
        // The record's own zone wins, UTC included.
        for (given, iso) in [
            ("2025-02-18T10:03:00Z", "2025-02-18T10:03:00Z"),
            ("2025-02-18T05:03:00-05:00", "2025-02-18T05:03:00-05:00"),
            ("2025-02-18T23:33:00+05:30", "2025-02-18T23:33:00+05:30"),
            ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"),
        ] {
            assert_eq!(Timestamp::parse(given).unwrap().to_iso(), iso, "{given}");
        }
    }

    #[test]
    fn rejects_impossible_or_malformed_dates() {
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "18/02/2025",
            "2025-02-18 25:00",
            "2025年2月30日",
            "2025/2/18 上午9:30",
            "25/2/18",
            "",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Timestamp::parse("2024-02-29").is_ok());
        assert!(Timestamp::parse("2023-02-29").is_err());
    }
}
