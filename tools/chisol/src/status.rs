// SPDX-License-Identifier: GPL-2.0
//! `--status`/`--pid`: a task's state, as the kernel writes it in
//! `/proc/<tid>/task_isolation`. chisol prints the kernel's text and never
//! formats the state itself, so there is one status format, the kernel's,
//! for chisol's own state and for any other task's.
//!
//! Everything here takes the procfs mount point as an argument, so that
//! the tests can run it on a directory tree that stands in for `/proc`.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::isol::strerror;

/// Whose state to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// chisol itself (`--status` without a PID): what it inherited from its
    /// parent or across execve.
    Own,
    /// One task (`--pid PID`, `--status PID`); a thread ID is a task too.
    Task(u32),
    /// Every thread of the process of PID (`--pid PID --all-tasks`).
    AllTasks(u32),
}

/// Why a state could not be shown.
#[derive(Debug)]
pub enum StatusError {
    /// No task with this PID.
    NoProcess(u32),
    /// The task exists but has no `task_isolation` file: the kernel has no
    /// task isolation.
    Unsupported { path: PathBuf },
    /// `thread-self` is missing: procfs is not mounted there.
    NoProcfs { path: PathBuf },
    /// Any other failure to read `path` (`EACCES` for another user's task).
    Read { path: PathBuf, err: io::Error },
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let enoent = strerror(libc::ENOENT);
        match self {
            StatusError::NoProcess(pid) => write!(f, "no process with PID {pid}"),
            StatusError::Unsupported { path } | StatusError::NoProcfs { path } => {
                write!(f, "cannot read {}: {enoent}", path.display())
            }
            StatusError::Read { path, err } => {
                let msg = match err.raw_os_error() {
                    Some(errno) => strerror(errno),
                    None => err.to_string(),
                };
                write!(f, "cannot read {}: {msg}", path.display())
            }
        }
    }
}

/// Whether a read error means the task is gone (or never was): `ENOENT`
/// once its directory is gone, `ESRCH` while it is being reaped.
fn task_gone(err: &io::Error, dir: &Path) -> bool {
    match err.raw_os_error() {
        Some(libc::ESRCH) => true,
        Some(libc::ENOENT) => !dir.exists(),
        _ => false,
    }
}

/// Reads `dir/task_isolation`, ending it with a newline. `Ok(None)` when
/// the task is gone.
fn read_task(dir: &Path) -> Result<Option<String>, StatusError> {
    let path = dir.join("task_isolation");
    match std::fs::read_to_string(&path) {
        Ok(mut text) => {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            Ok(Some(text))
        }
        Err(e) if task_gone(&e, dir) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(StatusError::Unsupported { path }),
        Err(err) => Err(StatusError::Read { path, err }),
    }
}

/// Prefixes every line of `text` with `tid` and a space, the format of
/// `--all-tasks`: one block per thread, each line naming its thread, so
/// that `grep active_mask` keeps one line per thread.
pub fn prefix_lines(tid: u32, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 12 * text.lines().count());
    for line in text.lines() {
        out += &tid.to_string();
        out.push(' ');
        out += line;
        out.push('\n');
    }
    out
}

/// The thread IDs of process `pid`, in increasing order.
pub fn thread_ids(proc: &Path, pid: u32) -> Result<Vec<u32>, StatusError> {
    let dir = proc.join(pid.to_string()).join("task");
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(StatusError::NoProcess(pid)),
        Err(err) => return Err(StatusError::Read { path: dir, err }),
    };
    let mut tids: Vec<u32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    Ok(tids)
}

/// The text to print for `target`, read from the procfs mounted at `proc`.
pub fn read_status(proc: &Path, target: Target) -> Result<String, StatusError> {
    match target {
        Target::Own => {
            let dir = proc.join("thread-self");
            if !dir.exists() {
                return Err(StatusError::NoProcfs {
                    path: dir.join("task_isolation"),
                });
            }
            // chisol itself cannot be gone.
            read_task(&dir)?.ok_or(StatusError::NoProcfs {
                path: dir.join("task_isolation"),
            })
        }
        Target::Task(pid) => {
            read_task(&proc.join(pid.to_string()))?.ok_or(StatusError::NoProcess(pid))
        }
        Target::AllTasks(pid) => {
            let task_dir = proc.join(pid.to_string()).join("task");
            let mut out = String::new();
            for tid in thread_ids(proc, pid)? {
                // A thread that exits meanwhile is left out, as ps does.
                if let Some(text) = read_task(&task_dir.join(tid.to_string()))? {
                    out += &prefix_lines(tid, &text);
                }
            }
            if out.is_empty() {
                return Err(StatusError::NoProcess(pid));
            }
            Ok(out)
        }
    }
}
