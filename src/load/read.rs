//! The one way oslinker reads a file a user named or a tree holds: regular files only
//! (a link is followed to one), and never more than a limit, counted while reading.
//!
//! Checking the size on metadata alone is not enough: a FIFO or a device has no size worth
//! the name (`/dev/zero` never ends, a FIFO blocks until someone writes), and a file can grow
//! between the check and the read. So the file is opened without blocking, the opened handle
//! is checked, and at most `limit + 1` bytes are read.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed.
    Io(io::Error),
    /// It is not a regular file (nor a link to one): what it is instead, e.g. "a FIFO".
    NotAFile(&'static str),
    /// It holds more than `limit` bytes (`len` of them when the size was known beforehand).
    TooLarge { limit: u64, len: Option<u64> },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::NotAFile(what) => write!(f, "it is {what}, not a regular file"),
            ReadError::TooLarge {
                limit,
                len: Some(len),
            } => write!(
                f,
                "file is {len} bytes, more than the limit of {limit} bytes"
            ),
            ReadError::TooLarge { limit, len: None } => {
                write!(f, "file is more than the limit of {limit} bytes")
            }
        }
    }
}

/// Reads the whole of the regular file at `path` (following links), refusing anything else
/// and any file of more than `limit` bytes. Never blocks on a FIFO or a device, and never
/// holds more than `limit + 1` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Refused before opening where possible: opening some devices has effects of its own.
    check(&std::fs::metadata(path).map_err(ReadError::Io)?, limit)?;
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    // What was opened is what counts: the path may have been replaced in between.
    let len = check(&file.metadata().map_err(ReadError::Io)?, limit)?;
    read_at_most(file, limit, len)
}

/// Like `read_bounded`, for a file the user named on the command line, which may also be a
/// pipe (`oslinker diff <(oslinker plan --format json) tree`): a pipe is waited on as its
/// writer writes, as `cat` would, and read up to the same limit. Devices are still refused.
pub fn read_named(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    if !std::fs::metadata(path).is_ok_and(|m| is_pipe(&m)) {
        return read_bounded(path, limit);
    }
    let file = File::open(path).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !is_pipe(&metadata) {
        check(&metadata, limit)?;
    }
    read_at_most(file, limit, metadata.len())
}

#[cfg(unix)]
fn is_pipe(metadata: &Metadata) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(&metadata.file_type())
}

#[cfg(not(unix))]
fn is_pipe(_: &Metadata) -> bool {
    false
}

/// What `read_bounded` does once a regular file is open: reads at most `limit + 1` bytes
/// (`expected` is a hint for the buffer), and refuses the file if there are more.
fn read_at_most(file: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let capacity = usize::try_from(expected.min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit, len: None });
    }
    Ok(bytes)
}

/// A regular file within the limit, as far as its metadata says: its size.
fn check(metadata: &Metadata, limit: u64) -> Result<u64, ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotAFile(kind_of(metadata)));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge {
            limit,
            len: Some(metadata.len()),
        });
    }
    Ok(metadata.len())
}

/// Opens for reading without waiting: a FIFO with no writer would block `open` itself, and a
/// terminal must not become ours. A regular file reads the same with `O_NONBLOCK`.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(unix)]
fn kind_of(metadata: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "something other than a file"
    }
}

#[cfg(not(unix))]
fn kind_of(metadata: &Metadata) -> &'static str {
    if metadata.is_dir() {
        "a folder"
    } else {
        "something other than a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_within_the_limit_is_read_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.yaml");
        std::fs::write(&path, "kind: x\n").unwrap();
        assert_eq!(read_bounded(&path, 8).unwrap(), b"kind: x\n");
    }

    #[test]
    fn the_limit_holds_while_reading_whatever_the_size_said() {
        // A reader that says nothing of its size and never ends, like a file that grows.
        let error = read_at_most(io::repeat(b'a'), 10, 0).unwrap_err();
        assert!(matches!(
            error,
            ReadError::TooLarge {
                limit: 10,
                len: None
            }
        ));
        assert_eq!(read_at_most(&b"0123456789"[..], 10, 0).unwrap().len(), 10);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("x.yaml");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo only reads the NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let error = read_bounded(&fifo, 100).unwrap_err();
        assert!(matches!(error, ReadError::NotAFile("a FIFO (named pipe)")));
        let link = tmp.path().join("dev.yaml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let error = read_bounded(&link, 100).unwrap_err();
        assert_eq!(
            error.to_string(),
            "it is a character device, not a regular file"
        );
        let error = read_bounded(tmp.path(), 100).unwrap_err();
        assert!(matches!(error, ReadError::NotAFile("a folder")));
    }
}
