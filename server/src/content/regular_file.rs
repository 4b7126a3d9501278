//! Opening content files so that nothing but a regular file is ever read.
//!
//! A named pipe (FIFO) called `x.md` once hung start-up and `telepath check` for
//! good: opening a pipe for reading waits for a writer that never comes, and a thread
//! stuck in `open` also keeps the runtime from shutting down. So the file is opened
//! without blocking and its type is judged from the open handle (`fstat`), never
//! from an earlier look at the path that another process could make stale.

use super::diagnostic::{Diagnostic, Position};
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("this is {kind}, not a regular file")]
    NotRegular { kind: &'static str },
    #[error("cannot be read: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("the file is {bytes} bytes, over the limit of {limit} bytes")]
    TooLarge { bytes: u64, limit: u64 },
    #[error("cannot be read: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens `path` for reading if it is a regular file, with its metadata taken from
/// the open handle. Symbolic links are not followed at the last step: callers pass
/// the canonical path they have checked, so a link swapped in since is refused
/// rather than followed.
pub fn open_regular_file(path: &Path) -> Result<(File, Metadata), OpenError> {
    // Devices are refused before opening them, since opening some has side effects;
    // the check on the handle below is the one that counts.
    let before = std::fs::symlink_metadata(path)?;
    if !before.is_file() {
        return Err(OpenError::NotRegular { kind: describe(&before) });
    }
    let file = open_without_blocking(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(OpenError::NotRegular { kind: describe(&metadata) });
    }
    Ok((file, metadata))
}

/// Reads a whole regular file of at most `limit` bytes (see `open_regular_file`).
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, metadata) = open_regular_file(path)?;
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { bytes: metadata.len(), limit });
    }
    // A file growing while it is read is cut at the limit plus one byte, so the size
    // check above cannot be outrun.
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or_default());
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { bytes: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK makes opening a pipe return at once instead of waiting for a writer;
    // on a regular file it changes nothing.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW).open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// The diagnostic for something in content/ that is not a regular file, e.g. `kind`
/// "a named pipe (FIFO)".
pub fn not_a_regular_file(shown: &Path, kind: &str) -> Diagnostic {
    Diagnostic::error(
        shown,
        Position::START,
        "file",
        format!("this is {kind}, not a regular file, so it is left out"),
    )
    .with_help("remove it, or put a regular file with this name in its place")
}

/// What a file that is not a regular file is, in editors' words.
pub fn describe(metadata: &Metadata) -> &'static str {
    let file_type = metadata.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
        let fixture = crate::testing::Fixture::new();
        let pipe = fixture.make_fifo("articles/invoices/pipe.md");
        let error = read_regular_file(&pipe, 1024).unwrap_err();
        assert_eq!(error.to_string(), "this is a named pipe (FIFO), not a regular file");
    }

    #[test]
    fn regular_files_are_read_up_to_the_limit_and_links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "12345").unwrap();
        assert_eq!(read_regular_file(&file, 5).unwrap(), b"12345");
        assert_eq!(
            read_regular_file(&file, 4).unwrap_err().to_string(),
            "the file is 5 bytes, over the limit of 4 bytes"
        );
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(
            read_regular_file(&link, 5).unwrap_err().to_string(),
            "this is a symbolic link, not a regular file"
        );
    }
}
