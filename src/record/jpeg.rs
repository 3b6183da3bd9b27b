//! What a JPEG file is, read from its markers (ITU-T T.81 annex B): whether it is whole (every
//! segment complete, an end-of-image marker after the last scan) and how many colour
//! components its frame has. The decoder alone does not tell: it fills a truncated scan with
//! grey and reports a CMYK file as RGB (it converts while decoding), while writers that embed
//! the file's bytes (PDF `DCTDecode`, DOCX, OFD) need the file's own colour space.

/// The facts of a whole JPEG file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegInfo {
    /// Colour components of the frame: 1 grey, 3 YCbCr/RGB, 4 CMYK or YCCK.
    pub components: u8,
}

/// Walks the markers of `data`. Errors say in plain words what is wrong ("the file ends in the
/// middle of the image data", …).
pub fn inspect(data: &[u8]) -> Result<JpegInfo, String> {
    const TRUNCATED: &str = "the file is cut off (it ends before the image does)";
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Err("the file does not start like a JPEG image".into());
    }
    let mut at = 2;
    let mut components = None;
    let mut scans = 0usize;
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while data.get(at) == Some(&0xFF) && data.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(at), data.get(at + 1)) else {
            return Err(if at >= data.len() {
                TRUNCATED.into()
            } else {
                format!("damaged: no marker where one must be (byte {at})")
            });
        };
        at += 2;
        match marker {
            0xD9 => break,
            // Standalone markers: TEM, RST0-7.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let (Some(&hi), Some(&lo)) = (data.get(at), data.get(at + 1)) else {
            return Err(TRUNCATED.into());
        };
        let length = usize::from(hi) << 8 | usize::from(lo);
        if length < 2 {
            return Err(format!("damaged: a segment of length {length} (byte {at})"));
        }
        let end = at + length;
        if end > data.len() {
            return Err(TRUNCATED.into());
        }
        let segment = &data[at + 2..end];
        match marker {
            // SOF0-15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let n = *segment
                    .get(5)
                    .ok_or("damaged: a frame header is too short")?;
                if n == 0 || segment.len() < 6 + 3 * usize::from(n) {
                    return Err("damaged: a frame header is too short".into());
                }
                components = Some(n);
            }
            0xDA => {
                if components.is_none() {
                    return Err("damaged: image data before the frame header".into());
                }
                scans += 1;
                at = end;
                // Entropy-coded data runs to the next marker that is not a stuffed zero or
                // a restart marker.
                loop {
                    let Some(offset) = data[at..].iter().position(|&b| b == 0xFF) else {
                        return Err(TRUNCATED.into());
                    };
                    at += offset;
                    match data.get(at + 1) {
                        None => return Err(TRUNCATED.into()),
                        Some(0x00 | 0xD0..=0xD7 | 0xFF) => at += 1,
                        Some(_) => break,
                    }
                }
                continue;
            }
            _ => {}
        }
        at = end;
    }
    if scans == 0 {
        return Err("damaged: the file holds no image data".into());
    }
    let components = components.ok_or("damaged: the file has no frame header")?;
    Ok(JpegInfo { components })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small real JPEG made by the encoder bulletin uses.
    fn sample() -> Vec<u8> {
        let img =
            image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([x as u8 * 16, y as u8 * 16, 90]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .expect("encode");
        out
    }

    #[test]
    fn whole_files_pass_and_cut_files_do_not() {
        let data = sample();
        assert_eq!(inspect(&data), Ok(JpegInfo { components: 3 }));
        for cut in [3, 20, data.len() / 2, data.len() - 2, data.len() - 1] {
            let e = inspect(&data[..cut]).expect_err("cut file");
            assert!(e.contains("cut off") || e.contains("damaged"), "{cut}: {e}");
        }
        assert!(inspect(b"\xFF\xD8\xFF\xD9").is_err());
    }
}
