//! The bundled fonts: found once, memory-mapped, parsed once and shared by every conversion
//! in the process. Picks faces per role and language and falls back per character.

pub mod subset;
use crate::record::Language;
use crate::template::{Family, LatinFamily};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Environment variable naming the fonts directory.
pub const FONT_DIR_ENV: &str = "BULLETIN_FONT_DIR";

/// Index of a face in the [`FontBook`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(pub u16);

struct FaceSpec {
    file: &'static str,
    index: u32,
    family: Family,
    bold: bool,
    /// Simplified (SC) or Traditional (TC) face of the Noto collection.
    traditional: bool,
    /// A Latin face (letters, digits and Latin punctuation only): which one; `None` for the
    /// CJK faces.
    latin: Option<LatinFamily>,
}

const FACES: &[FaceSpec] = &[
    FaceSpec {
        file: "FandolSong-Regular.otf",
        index: 0,
        family: Family::Song,
        bold: false,
        traditional: false,
        latin: None,
    },
    FaceSpec {
        file: "FandolSong-Bold.otf",
        index: 0,
        family: Family::Song,
        bold: true,
        traditional: false,
        latin: None,
    },
    FaceSpec {
        file: "FandolHei-Regular.otf",
        index: 0,
        family: Family::Hei,
        bold: false,
        traditional: false,
        latin: None,
    },
    FaceSpec {
        file: "FandolHei-Bold.otf",
        index: 0,
        family: Family::Hei,
        bold: true,
        traditional: false,
        latin: None,
    },
    FaceSpec {
        file: "FandolFang-Regular.otf",
        index: 0,
        family: Family::Fang,
        bold: false,
        traditional: false,
        latin: None,
    },
    FaceSpec {
        file: "FandolKai-Regular.otf",
        index: 0,
        family: Family::Kai,
        bold: false,
        traditional: false,
        latin: None,
    },
    // NotoSerifCJK-Regular.ttc holds JP, KR, SC, TC, HK faces in this order.
    FaceSpec {
        file: "NotoSerifCJK-Regular.ttc",
        index: 2,
        family: Family::Serif,
        bold: false,
        traditional: false,
        latin: None,
    },
    FaceSpec {
        file: "NotoSerifCJK-Regular.ttc",
        index: 3,
        family: Family::Serif,
        bold: false,
        traditional: true,
        latin: None,
    },
    // Liberation Serif and Sans 2.1: the metrics of Times New Roman and Arial, the faces a
    // Chinese office's Word sets Latin text and digits in, with kerning (GPOS `kern`).
    FaceSpec {
        file: "LiberationSerif-Regular.ttf",
        index: 0,
        family: Family::Serif,
        bold: false,
        traditional: false,
        latin: Some(LatinFamily::Serif),
    },
    FaceSpec {
        file: "LiberationSerif-Bold.ttf",
        index: 0,
        family: Family::Serif,
        bold: true,
        traditional: false,
        latin: Some(LatinFamily::Serif),
    },
    FaceSpec {
        file: "LiberationSans-Regular.ttf",
        index: 0,
        family: Family::Hei,
        bold: false,
        traditional: false,
        latin: Some(LatinFamily::Sans),
    },
    FaceSpec {
        file: "LiberationSans-Bold.ttf",
        index: 0,
        family: Family::Hei,
        bold: true,
        traditional: false,
        latin: Some(LatinFamily::Sans),
    },
];

const NOTO_SC: FaceId = FaceId(6);
const NOTO_TC: FaceId = FaceId(7);

pub struct Face {
    pub file: &'static str,
    pub index: u32,
    /// The whole font file, memory-mapped.
    pub data: &'static [u8],
    pub shaper: rustybuzz::Face<'static>,
    pub units_per_em: f32,
    /// Glyphs converted for embedding (PDF, DOCX, OFD), kept for the next document.
    pub truetype: subset::GlyphCache,
    /// Shaping plans already compiled for this face, by script and language: compiling one
    /// (reading the face's GSUB/GPOS feature lists) costs more than shaping a short run.
    plans: Mutex<Vec<PlanEntry>>,
    /// Whether the face has a glyph for a character, remembered ([`Face::has_glyph`]).
    coverage: CoverageCache,
}

/// A direct-mapped cache of cmap answers: each slot holds a character shifted left by two
/// and 1 (no glyph) or 2 (a glyph), 0 when empty. Looking a character up in a CJK face's
/// cmap (its subtables, then a binary search of the segments) costs some hundreds of
/// instructions, and every character is asked about while choosing faces.
struct CoverageCache(Box<[AtomicU32]>);

const COVERAGE_SLOTS: usize = 4096;

impl Default for CoverageCache {
    fn default() -> Self {
        CoverageCache((0..COVERAGE_SLOTS).map(|_| AtomicU32::new(0)).collect())
    }
}

impl CoverageCache {
    fn slot(&self, c: char) -> &AtomicU32 {
        let hash = (c as u32).wrapping_mul(0x9E37_79B1) >> 20;
        &self.0[hash as usize % COVERAGE_SLOTS]
    }
}

type PlanEntry = (
    rustybuzz::Script,
    Option<rustybuzz::Language>,
    Arc<rustybuzz::ShapePlan>,
);

impl Face {
    /// Whether the face's cmap maps `c` to a glyph other than .notdef.
    pub fn has_glyph(&self, c: char) -> bool {
        let slot = self.coverage.slot(c);
        let entry = slot.load(Ordering::Relaxed);
        if entry >> 2 == c as u32 && entry & 3 != 0 {
            return entry & 3 == 2;
        }
        let has = self.shaper.glyph_index(c).is_some_and(|g| g.0 != 0);
        slot.store((c as u32) << 2 | if has { 2 } else { 1 }, Ordering::Relaxed);
        has
    }

    /// Shapes `buffer` left to right with this face's OpenType features (no user features),
    /// reusing the plan compiled for the buffer's script and language. The buffer's script
    /// and language are guessed from its text when not set.
    pub fn shape(&self, mut buffer: rustybuzz::UnicodeBuffer) -> rustybuzz::GlyphBuffer {
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.guess_segment_properties();
        let script = buffer.script();
        let language = buffer.language();
        let plan = {
            let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
            match plans
                .iter()
                .find(|(s, l, _)| *s == script && *l == language)
            {
                Some((_, _, plan)) => Arc::clone(plan),
                None => {
                    let plan = Arc::new(rustybuzz::ShapePlan::new(
                        &self.shaper,
                        rustybuzz::Direction::LeftToRight,
                        Some(script),
                        language.as_ref(),
                        &[],
                    ));
                    plans.push((script, language, Arc::clone(&plan)));
                    plan
                }
            }
        };
        rustybuzz::shape_with_plan(&self.shaper, &plan, buffer)
    }
}

/// All bundled faces, parsed. Cheap to clone (shared).
#[derive(Clone)]
pub struct FontBook {
    inner: Arc<Vec<Face>>,
    dir: PathBuf,
}

/// The faces to use for one role: the CJK face, whether its bold must be synthesised (no
/// bold face), and the Latin face for letters, digits and Latin punctuation (`None`: the CJK
/// face's own Latin glyphs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceChoice {
    pub primary: FaceId,
    pub synthetic_bold: bool,
    pub latin: Option<FaceId>,
}

impl FontBook {
    /// Finds the fonts directory: `explicit`, else $BULLETIN_FONT_DIR, else `fonts/` next to
    /// the executable or up to three levels above it (cargo's target dirs), else the source tree.
    pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, String> {
        let has_fonts = |d: &Path| d.join(FACES[0].file).is_file();
        if let Some(dir) = explicit {
            return if has_fonts(dir) {
                Ok(dir.to_path_buf())
            } else {
                Err(format!(
                    "font directory {} does not hold {}",
                    dir.display(),
                    FACES[0].file
                ))
            };
        }
        if let Some(dir) = std::env::var_os(FONT_DIR_ENV) {
            let dir = PathBuf::from(dir);
            return if has_fonts(&dir) {
                Ok(dir)
            } else {
                Err(format!(
                    "{FONT_DIR_ENV}={} does not hold {}",
                    dir.display(),
                    FACES[0].file
                ))
            };
        }
        let mut candidates = Vec::new();
        if let Ok(exe) = std::env::current_exe() {
            let mut dir = exe.parent().map(Path::to_path_buf);
            for _ in 0..4 {
                let Some(d) = dir else { break };
                candidates.push(d.join("fonts"));
                candidates.push(d.join("share/bulletin/fonts"));
                dir = d.parent().map(Path::to_path_buf);
            }
        }
        candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts"));
        candidates
            .into_iter()
            .find(|d| has_fonts(d))
            .ok_or_else(|| {
                format!("cannot find the fonts directory; pass --font-dir or set {FONT_DIR_ENV}")
            })
    }

    /// Loads every bundled face from `dir`; files are mapped once per process.
    pub fn load(dir: &Path) -> Result<FontBook, String> {
        let mut faces = Vec::with_capacity(FACES.len());
        for spec in FACES {
            let path = dir.join(spec.file);
            let data = map_file(&path)?;
            let shaper = rustybuzz::Face::from_slice(data, spec.index).ok_or_else(|| {
                format!(
                    "{}: not a usable font (face {})",
                    path.display(),
                    spec.index
                )
            })?;
            let units_per_em = shaper.units_per_em() as f32;
            faces.push(Face {
                file: spec.file,
                index: spec.index,
                data,
                shaper,
                units_per_em,
                truetype: subset::GlyphCache::default(),
                plans: Mutex::default(),
                coverage: CoverageCache::default(),
            });
        }
        Ok(FontBook {
            inner: Arc::new(faces),
            dir: dir.to_path_buf(),
        })
    }

    /// Locates and loads in one step.
    pub fn discover(explicit: Option<&Path>) -> Result<FontBook, String> {
        FontBook::load(&FontBook::locate(explicit)?)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A fingerprint of the fonts' content (SHA-256 bytes): per face its file name, face
    /// index, length and the first and last 64 KB of the file, which hold the OpenType table
    /// directory with every table's checksum (OpenType, "Table Directory"). Two font
    /// directories with the same fonts give the same identity; another version of a face
    /// gives another. Used by `batch --skip-unchanged`, since outputs depend on the fonts.
    pub fn identity(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        const PART: usize = 64 * 1024;
        let mut h = Sha256::new();
        for face in self.inner.iter() {
            let d = face.data;
            h.update(face.file.as_bytes());
            h.update(face.index.to_le_bytes());
            h.update((d.len() as u64).to_le_bytes());
            h.update(&d[..d.len().min(PART)]);
            h.update(&d[d.len().saturating_sub(PART)..]);
        }
        h.finalize().into()
    }

    pub fn face(&self, id: FaceId) -> &Face {
        &self.inner[id.0 as usize]
    }

    /// The faces for a role set in `family` (bold or not) with Latin text in `latin`, for an
    /// article in `language`: Traditional Chinese is set in Noto Serif CJK TC (Fandol covers
    /// GB 2312 only); a family without a bold face gets its regular face, emboldened.
    pub fn choose(
        &self,
        family: Family,
        bold: bool,
        language: Language,
        latin: LatinFamily,
    ) -> FaceChoice {
        let latin = FACES
            .iter()
            .position(|s| s.latin == Some(latin) && s.bold == bold)
            .map(|i| FaceId(i as u16));
        if language == Language::TraditionalChinese {
            return FaceChoice {
                primary: NOTO_TC,
                synthetic_bold: bold,
                latin,
            };
        }
        let wanted = |b: bool| {
            FACES
                .iter()
                .position(|s| {
                    s.family == family && s.bold == b && !s.traditional && s.latin.is_none()
                })
                .map(|i| FaceId(i as u16))
        };
        let (primary, synthetic_bold) = match (bold, wanted(bold)) {
            (_, Some(id)) => (id, false),
            (true, None) => (wanted(false).unwrap_or(NOTO_SC), true),
            (false, None) => (NOTO_SC, false),
        };
        FaceChoice {
            primary,
            synthetic_bold,
            latin,
        }
    }

    /// Whether `id` is one of the Latin faces.
    pub fn is_latin(&self, id: FaceId) -> bool {
        FACES.get(id.0 as usize).is_some_and(|s| s.latin.is_some())
    }

    /// The face that draws `c`: the primary if it has the glyph, else the first fallback
    /// that does; `None` when no bundled font has it.
    pub fn face_for_char(&self, primary: FaceId, c: char, language: Language) -> Option<FaceId> {
        if self.has_glyph(primary, c) {
            return Some(primary);
        }
        let noto = if language == Language::TraditionalChinese {
            [NOTO_TC, NOTO_SC]
        } else {
            [NOTO_SC, NOTO_TC]
        };
        let chain = [FaceId(0), FaceId(2), FaceId(5), FaceId(4), noto[0], noto[1]];
        chain
            .into_iter()
            .find(|&f| f != primary && self.has_glyph(f, c))
    }

    pub fn has_glyph(&self, id: FaceId, c: char) -> bool {
        self.face(id).has_glyph(c)
    }
}

/// Maps a font file for the rest of the process; repeated loads share one mapping.
fn map_file(path: &Path) -> Result<&'static [u8], String> {
    static MAPPED: OnceLock<Mutex<HashMap<PathBuf, &'static [u8]>>> = OnceLock::new();
    let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut mapped = MAPPED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(data) = mapped.get(&key) {
        return Ok(data);
    }
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot open font {}: {e}", path.display()))?;
    // SAFETY: the font files are read-only assets; bulletin never writes them, and a
    // mapping that outlives the process's use of it is intended (fonts live for the process).
    let map = unsafe { memmap2::Mmap::map(&file) }
        .map_err(|e| format!("cannot map font {}: {e}", path.display()))?;
    let data: &'static [u8] = Box::leak(Box::new(map));
    mapped.insert(key, data);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> FontBook {
        FontBook::discover(None).expect("bundled fonts")
    }

    #[test]
    fn picks_faces_by_role_and_language() {
        let b = book();
        let song = b.choose(
            Family::Song,
            false,
            Language::SimplifiedChinese,
            LatinFamily::Serif,
        );
        assert_eq!(b.face(song.primary).file, "FandolSong-Regular.otf");
        assert_eq!(
            song.latin.map(|f| b.face(f).file),
            Some("LiberationSerif-Regular.ttf")
        );
        let kai_bold = b.choose(
            Family::Kai,
            true,
            Language::SimplifiedChinese,
            LatinFamily::Sans,
        );
        assert!(kai_bold.synthetic_bold);
        assert_eq!(
            kai_bold.latin.map(|f| b.face(f).file),
            Some("LiberationSans-Bold.ttf")
        );
        let own = b.choose(
            Family::Hei,
            false,
            Language::SimplifiedChinese,
            LatinFamily::Cjk,
        );
        assert_eq!(own.latin, None);
        let tc = b.choose(
            Family::Song,
            false,
            Language::TraditionalChinese,
            LatinFamily::Serif,
        );
        assert_eq!(
            (b.face(tc.primary).file, b.face(tc.primary).index),
            ("NotoSerifCJK-Regular.ttc", 3)
        );
    }

    #[test]
    fn falls_back_per_character() {
        let b = book();
        let song = FaceId(0);
        assert_eq!(
            b.face_for_char(song, '中', Language::SimplifiedChinese),
            Some(song)
        );
        // 𠮷 (U+20BB7) is outside GB 2312: Fandol lacks it, Noto has it.
        let f = b
            .face_for_char(song, '𠮷', Language::SimplifiedChinese)
            .expect("covered by Noto");
        assert_eq!(b.face(f).file, "NotoSerifCJK-Regular.ttc");
        assert_eq!(
            b.face_for_char(song, '\u{E000}', Language::SimplifiedChinese),
            None
        );
    }
}
