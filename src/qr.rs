//! The record's url as a QR code: one matrix, drawn as PNG, SVG, and by the PDF and DOCX
//! renderers. Error correction M, quiet zone of 4 modules.

use qrcode::{EcLevel, QrCode};

pub const QUIET_ZONE: usize = 4;
/// The PNG is at least this many pixels wide.
pub const MIN_PNG_PIXELS: u32 = 600;

/// Dark and light modules of a QR code, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// The code for a record's url, if it has one, shared by every renderer of the record.
    pub fn for_url(url: Option<&str>) -> Result<Option<std::sync::Arc<QrMatrix>>, String> {
        url.map(QrMatrix::encode)
            .transpose()
            .map(|m| m.map(std::sync::Arc::new))
    }

    pub fn encode(url: &str) -> Result<QrMatrix, String> {
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
            .map_err(|e| format!("cannot encode the url as a QR code: {e}"))?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(QrMatrix { width, dark })
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }

    /// Horizontal runs of dark modules per row: (row, first column, length). Drawing runs
    /// instead of single modules keeps PDF and SVG output small and free of hairline seams.
    pub fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }

    /// Black on white PNG with the quiet zone, at least [`MIN_PNG_PIXELS`] wide, one bit a
    /// pixel (an eighth of the data a grey image would compress).
    pub fn to_png(&self) -> Result<Vec<u8>, String> {
        let modules = self.width + 2 * QUIET_ZONE;
        let scale = (MIN_PNG_PIXELS as usize).div_ceil(modules);
        let side = modules * scale;
        let row_bytes = side.div_ceil(8);
        // 1 is white; dark pixels clear their bit (most significant bit first).
        let mut pixels = vec![0xFFu8; row_bytes * side];
        for (row, start, len) in self.dark_runs() {
            for py in (row + QUIET_ZONE) * scale..(row + QUIET_ZONE + 1) * scale {
                let line = &mut pixels[py * row_bytes..(py + 1) * row_bytes];
                for px in (start + QUIET_ZONE) * scale..(start + len + QUIET_ZONE) * scale {
                    line[px / 8] &= !(0x80 >> (px % 8));
                }
            }
        }
        let mut out = Vec::new();
        let failed = |e: png::EncodingError| format!("cannot encode the QR PNG: {e}");
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().map_err(failed)?;
        writer.write_image_data(&pixels).map_err(failed)?;
        writer.finish().map_err(failed)?;
        Ok(out)
    }

    /// SVG in module units with the quiet zone, sized to scale.
    pub fn to_svg(&self) -> String {
        let modules = self.width + 2 * QUIET_ZONE;
        let mut path = String::new();
        for (row, start, len) in self.dark_runs() {
            path.push_str(&format!(
                "M{} {}h{}v1h-{}z",
                start + QUIET_ZONE,
                row + QUIET_ZONE,
                len,
                len
            ));
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {modules} {modules}\" width=\"{w}mm\" height=\"{w}mm\" shape-rendering=\"crispEdges\">\n\
             <rect width=\"{modules}\" height=\"{modules}\" fill=\"#fff\"/>\n\
             <path fill=\"#000\" d=\"{path}\"/>\n</svg>\n",
            w = modules as f32 * 0.5,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_is_large_enough_and_svg_has_quiet_zone() {
        let m = QrMatrix::encode("https://example.gov.cn/a/b.html").unwrap();
        assert!(m.width() >= 21);
        let png = m.to_png().unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert!(img.width() >= MIN_PNG_PIXELS);
        // The quiet zone stays white: first rows are all light.
        let gray = img.to_luma8();
        let scale = img.width() as usize / (m.width() + 8);
        assert!((0..img.width()).all(|x| gray.get_pixel(x, (scale * 3) as u32)[0] == 255));
        assert!(m.to_svg().contains("viewBox=\"0 0"));
    }

    #[test]
    fn same_url_same_matrix() {
        assert_eq!(
            QrMatrix::encode("http://a.cn/").unwrap(),
            QrMatrix::encode("http://a.cn/").unwrap()
        );
    }
}
