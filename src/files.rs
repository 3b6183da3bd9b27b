//! Reading input files safely: only regular files, their size checked on the open file, and
//! never more read than the limit. A FIFO, a device (`/dev/zero`), a directory or a link to one
//! is refused at once instead of blocking or reading forever.

use std::fs::File;
use std::io::{BufRead, Read};
use std::path::Path;

/// Why an input file could not be read; `Display` gives a message for the user (without the
/// path, which the caller names).
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed (missing file, permissions, I/O error).
    Io(std::io::Error),
    /// Not a regular file: a directory, FIFO, socket or device; the kind is named.
    NotRegular(&'static str),
    /// Larger than the limit (bytes found, limit), both in bytes.
    TooLarge(u64, u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read the file: {e}"),
            ReadError::NotRegular(kind) => {
                write!(f, "this is {kind}, not a regular file; only files are read")
            }
            ReadError::TooLarge(found, limit) => write!(
                f,
                "the file is {}; it may be at most {}",
                size_text(*found),
                size_text(*limit)
            ),
        }
    }
}

/// "12 MB", "730 KB", "25 bytes": sizes in messages.
pub fn size_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes.div_ceil(MB))
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// What a file type is, in words, for [`ReadError::NotRegular`].
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Opens `path` for reading if it is a regular file (links followed). The open does not block
/// on a FIFO (`O_NONBLOCK`), and the type is checked again on the open file, so a file swapped
/// for a pipe in between is refused too.
pub fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    Ok((file, meta.len()))
}

/// Reads a whole regular file of at most `limit` bytes. The size is checked on the open file
/// before reading, and reading stops past the limit even if the file grows meanwhile.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_regular(path)?;
    if len > limit {
        return Err(ReadError::TooLarge(len, limit));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// One line read by [`read_line_bounded`].
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line's bytes, without the line end (`\n` or `\r\n`).
    Text(Vec<u8>),
    /// The line was longer than the limit; its bytes were read past and dropped. Holds the
    /// length found (bytes).
    TooLong(u64),
}

/// Reads the next line of at most `limit` bytes; `None` at the end of input. A longer line is
/// skipped to its end without being kept, so memory stays bounded whatever the input (an
/// unterminated line on standard input included).
pub fn read_line_bounded(reader: &mut impl BufRead, limit: usize) -> std::io::Result<Option<Line>> {
    let mut line = Vec::new();
    let mut length: u64 = 0;
    let mut any = false;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            break;
        }
        any = true;
        let (chunk, used, end) = match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => (&buffer[..i], i + 1, true),
            None => (buffer, buffer.len(), false),
        };
        length += chunk.len() as u64;
        if length <= limit as u64 {
            line.extend_from_slice(chunk);
        } else if !line.is_empty() {
            line = Vec::new();
        }
        reader.consume(used);
        if end {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if length > limit as u64 {
        return Ok(Some(Line::TooLong(length)));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(Line::Text(line)))
}

/// Text of a file that may start with a byte order mark: UTF-8, UTF-16LE or UTF-16BE by their
/// BOM (PowerShell 5 writes UTF-16, old Notepad a UTF-8 BOM), else UTF-8. The BOM is removed.
/// Errors give the byte offset of the first invalid sequence.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            let mut bytes = bytes;
            bytes.drain(..bom);
            return utf8(bytes);
        }
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(format!(
                "the file starts with a {} byte order mark but is not valid {} text",
                encoding.name(),
                encoding.name()
            ));
        }
        return Ok(text.into_owned());
    }
    utf8(bytes)
}

fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lines_keep_memory_flat() {
        let input = b"short\r\nxxxxxxxxxxxxxxxxxxxx\nlast".to_vec();
        let mut reader = std::io::BufReader::with_capacity(4, &input[..]);
        assert_eq!(
            read_line_bounded(&mut reader, 10).ok().flatten(),
            Some(Line::Text(b"short".to_vec()))
        );
        assert_eq!(
            read_line_bounded(&mut reader, 10).ok().flatten(),
            Some(Line::TooLong(20))
        );
        assert_eq!(
            read_line_bounded(&mut reader, 10).ok().flatten(),
            Some(Line::Text(b"last".to_vec()))
        );
        assert_eq!(read_line_bounded(&mut reader, 10).ok().flatten(), None);
    }

    #[test]
    fn byte_order_marks_are_read_and_removed() {
        assert_eq!(decode_text(b"\xEF\xBB\xBF{}".to_vec()).as_deref(), Ok("{}"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("标题".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_text(utf16).as_deref(), Ok("标题"));
        assert!(decode_text(vec![b'a', 0xFF]).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a device"))
        ));
        let dir = std::env::temp_dir().join(format!("bulletin-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let fifo = dir.join("a.json");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: mkfifo reads the NUL-terminated path only.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_regular(&fifo, 10),
            Err(ReadError::NotRegular("a named pipe (FIFO)"))
        ));
        std::fs::write(dir.join("big"), [0u8; 11]).expect("write");
        assert!(matches!(
            read_regular(&dir.join("big"), 10),
            Err(ReadError::TooLarge(11, 10))
        ));
        std::fs::remove_dir_all(&dir).ok();
    }
}
