// SPDX-License-Identifier: GPL-2.0
//! Finding the command before activating: the file execvp() would run,
//! or the errno it would fail with, on a directory tree made for each
//! test.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chisol::command::{check_executable, locate};

/// A fresh directory, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("chisol-cmd-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    /// Creates `rel` (and its directory) with permission bits `mode`.
    fn file(&self, rel: &str, mode: u32) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "#!/bin/sh\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// A PATH of the subdirectories `rels`.
    fn path_var(&self, rels: &[&str]) -> String {
        rels.iter()
            .map(|r| self.join(r).display().to_string())
            .collect::<Vec<_>>()
            .join(":")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn errno(r: std::io::Result<PathBuf>) -> i32 {
    r.unwrap_err().raw_os_error().unwrap()
}

#[test]
fn first_executable_in_path_order() {
    let d = Dir::new("order");
    d.file("a/prog", 0o755);
    let b = d.file("b/prog", 0o755);
    let a = d.join("a/prog");
    let pv = d.path_var(&["none", "a", "b"]);
    assert_eq!(
        locate(OsStr::new("prog"), Some(OsStr::new(&pv))).unwrap(),
        a
    );
    let pv = d.path_var(&["b", "a"]);
    assert_eq!(
        locate(OsStr::new("prog"), Some(OsStr::new(&pv))).unwrap(),
        b
    );
}

#[test]
fn directories_and_special_files_are_skipped() {
    let d = Dir::new("skip");
    fs::create_dir_all(d.join("a/prog")).unwrap();
    let b = d.file("b/prog", 0o700);
    let pv = d.path_var(&["a", "b"]);
    assert_eq!(
        locate(OsStr::new("prog"), Some(OsStr::new(&pv))).unwrap(),
        b
    );
    // Only a directory of that name: EACCES, as execvp().
    let pv = d.path_var(&["a"]);
    assert_eq!(
        errno(locate(OsStr::new("prog"), Some(OsStr::new(&pv)))),
        libc::EACCES
    );
    assert_eq!(
        check_executable(Path::new("/dev/null"))
            .unwrap_err()
            .raw_os_error(),
        Some(libc::EACCES)
    );
}

#[test]
fn not_executable_is_eacces_not_found_is_enoent() {
    let d = Dir::new("perm");
    // Even for root: execve() needs an execute bit.
    d.file("a/prog", 0o644);
    let pv = d.path_var(&["a", "none"]);
    assert_eq!(
        errno(locate(OsStr::new("prog"), Some(OsStr::new(&pv)))),
        libc::EACCES
    );
    assert_eq!(
        errno(locate(OsStr::new("other"), Some(OsStr::new(&pv)))),
        libc::ENOENT
    );
    // A file in a PATH element that is a file: ENOTDIR, not here.
    let pv = format!("{}:{}", d.join("a/prog").display(), d.join("a").display());
    assert_eq!(
        errno(locate(OsStr::new("x"), Some(OsStr::new(&pv)))),
        libc::ENOENT
    );
}

#[test]
fn a_name_with_a_slash_is_not_searched() {
    let d = Dir::new("slash");
    let p = d.file("bin/prog", 0o755);
    let name = p.as_os_str();
    assert_eq!(locate(name, Some(OsStr::new("/nonexistent"))).unwrap(), p);
    assert_eq!(
        errno(locate(
            d.join("bin/none").as_os_str(),
            Some(OsStr::new("/bin"))
        )),
        libc::ENOENT
    );
    assert_eq!(errno(locate(d.join("bin").as_os_str(), None)), libc::EACCES);
    // "sh/x" has a slash: relative to the current directory, no search.
    assert_eq!(
        errno(locate(OsStr::new("sh/x"), Some(OsStr::new("/bin")))),
        libc::ENOENT
    );
}

#[test]
fn empty_elements_are_the_current_directory() {
    // The test's current directory is the crate: Cargo.toml is there but
    // not executable, src is a directory.
    assert_eq!(
        errno(locate(OsStr::new("Cargo.toml"), Some(OsStr::new("")))),
        libc::EACCES
    );
    assert_eq!(
        errno(locate(OsStr::new("src"), Some(OsStr::new("/nonexistent:")))),
        libc::EACCES
    );
    assert_eq!(
        errno(locate(OsStr::new("no-such"), Some(OsStr::new("::")))),
        libc::ENOENT
    );
}

#[test]
fn unset_path_is_the_default() {
    // /bin/sh exists on every system the tests run on.
    let sh = locate(OsStr::new("sh"), None).unwrap();
    assert!(
        sh == Path::new("/bin/sh") || sh == Path::new("/usr/bin/sh"),
        "{sh:?}"
    );
}

#[test]
fn an_empty_name_is_not_found() {
    assert_eq!(errno(locate(OsStr::new(""), None)), libc::ENOENT);
}
