// SPDX-License-Identifier: GPL-2.0
//! Finding the command before anything is activated.
//!
//! `execvp()` searches `PATH` with one `execve()` per directory until one
//! succeeds. Once notification is active, each of those failed calls is a
//! system call break of chisol itself (and, with a signal, may end
//! chisol before the command runs). So chisol searches first, with
//! read-only checks, and after activating makes one call: `execvp()` of
//! the path it found (a path with a slash: one `execve()`, and the
//! `/bin/sh` fallback for a script without `#!` that `execvp()` has).

use std::ffi::{CString, OsStr};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// The search path `execvp()` uses when `PATH` is not set (glibc's).
pub const DEFAULT_PATH: &str = "/bin:/usr/bin";

/// Whether `path` is a file `execve()` may run: the errno it would fail
/// with if it is not (`ENOENT` and the like when it does not exist,
/// `EACCES` for a directory, a special file or a file without execute
/// permission).
pub fn check_executable(path: &Path) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    let ft = meta.file_type();
    if ft.is_dir() || ft.is_fifo() || ft.is_socket() || ft.is_char_device() || ft.is_block_device()
    {
        return Err(io::Error::from_raw_os_error(libc::EACCES));
    }
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: c is a NUL-terminated string that lives across the call.
    if unsafe { libc::access(c.as_ptr(), libc::X_OK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The file `execvp(name)` would execute, searching `path_var` (the value
/// of `PATH`; `None`: unset) as `execvp()` does when `name` has no slash;
/// the error is the errno `execvp()` would fail with.
pub fn locate(name: &OsStr, path_var: Option<&OsStr>) -> io::Result<PathBuf> {
    let enoent = || io::Error::from_raw_os_error(libc::ENOENT);
    if name.is_empty() {
        return Err(enoent());
    }
    if name.as_bytes().contains(&b'/') {
        let path = PathBuf::from(name);
        check_executable(&path)?;
        return Ok(path);
    }
    let path_var = path_var.unwrap_or(OsStr::new(DEFAULT_PATH));
    let mut denied = false;
    for dir in path_var.as_bytes().split(|&b| b == b':') {
        // An empty element is the current directory.
        let dir = if dir.is_empty() {
            Path::new(".")
        } else {
            Path::new(OsStr::from_bytes(dir))
        };
        let candidate = dir.join(name);
        match check_executable(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) => match e.raw_os_error() {
                Some(libc::EACCES) => denied = true,
                // As execvp(): these mean "not here", try the next one.
                Some(libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV)
                | Some(libc::ETIMEDOUT) => {}
                _ => return Err(e),
            },
        }
    }
    Err(if denied {
        io::Error::from_raw_os_error(libc::EACCES)
    } else {
        enoent()
    })
}
