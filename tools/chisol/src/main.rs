// SPDX-License-Identifier: GPL-2.0
//! chisol: run a program with task isolation configured and activated.
//!
//! `chisol [options] [--] command [args...]` configures quiescing and
//! notification, sets the inheritance, activates, then executes the
//! command: execve keeps the task's isolation state, so an unmodified
//! program runs isolated.

use std::ffi::{CString, OsStr};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::exit;

use chisol::cli::{self, Action, RunPlan};
use chisol::command;
use chisol::isol::{self, PrctlError};
use chisol::names::{
    field, mask_names, NameList, EVENTS, EVENT_KIND, FEATURES, QUIESCE, QUIESCE_KIND,
};
use chisol::status::{self, StatusError, Target};
use chisol::uapi::{ISOL_F_NOTIFY, ISOL_F_QUIESCE};

const EXIT_FAILURE: i32 = 1;
/// As util-linux: the command was found but could not be executed.
const EXIT_EXEC_FAILED: i32 = 126;
/// As util-linux: the command was not found.
const EXIT_EXEC_ENOENT: i32 = 127;

const HINT_UNSUPPORTED: &str = "kernel without task isolation support (CONFIG_TASK_ISOLATION)?";
const HINT_NO_PROCFS: &str = "is procfs mounted on /proc?";

/// An error to report as `chisol: MESSAGE`, with an optional hint line.
struct Failure {
    msg: String,
    hint: Option<&'static str>,
    code: i32,
}

impl Failure {
    fn new(msg: String) -> Self {
        Failure {
            msg,
            hint: None,
            code: EXIT_FAILURE,
        }
    }
}

impl From<PrctlError> for Failure {
    fn from(err: PrctlError) -> Self {
        Failure {
            msg: err.to_string(),
            hint: isol::means_unsupported(&err).then_some(HINT_UNSUPPORTED),
            code: EXIT_FAILURE,
        }
    }
}

fn main() {
    let action = match cli::parse(std::env::args_os()) {
        Ok(action) => action,
        Err(err) => {
            let _ = err.print();
            exit(cli::exit_code(&err));
        }
    };
    let result = match action {
        Action::Info => info(),
        Action::Status(target) => status(target),
        Action::Run(plan) => run(plan),
    };
    if let Err(f) = result {
        eprintln!("chisol: {}", f.msg);
        if let Some(hint) = f.hint {
            eprintln!("chisol: {hint}");
        }
        exit(f.code);
    }
}

/// Writes `text` to stdout, failing (EPIPE, full disk) as an error.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::new(format!("write error: {}", io_error(&e))))
}

/// An I/O error in strerror(3) words, without Rust's "(os error N)".
fn io_error(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(errno) => isol::strerror(errno),
        None => e.to_string(),
    }
}

/// `--info`: what the kernel supports: the features, then a line per
/// feature with what it supports, or `unsupported`.
fn info() -> Result<(), Failure> {
    let features = isol::supported_features()?;
    let mut text = format!("{}\n", field("features", features, FEATURES));
    text += &if features & ISOL_F_QUIESCE != 0 {
        let bits = isol::supported_quiesce()?.supported_quiesce_bits;
        field("quiesce_bits", bits, QUIESCE)
    } else {
        "quiesce_bits: unsupported".to_string()
    };
    text.push('\n');
    text += &if features & ISOL_F_NOTIFY != 0 {
        let events = isol::supported_notify()?.supported_events;
        field("notify_events", events, EVENTS)
    } else {
        "notify_events: unsupported".to_string()
    };
    text.push('\n');
    print(&text)
}

/// `--pid PID [--all-tasks]`, `--status [PID]`: the kernel's text of a
/// task's state, or of every thread of a process.
fn status(target: Target) -> Result<(), Failure> {
    match status::read_status(Path::new("/proc"), target) {
        Ok(text) => print(&text),
        Err(err) => {
            let hint = match err {
                StatusError::Unsupported { .. } => Some(HINT_UNSUPPORTED),
                StatusError::NoProcfs { .. } => Some(HINT_NO_PROCFS),
                _ => None,
            };
            Err(Failure {
                msg: err.to_string(),
                hint,
                code: EXIT_FAILURE,
            })
        }
    }
}

/// Executes a command: configure, inherit, activate, execvp.
fn run(plan: RunPlan) -> Result<(), Failure> {
    let argv = plan
        .command
        .iter()
        .map(|a| CString::new(a.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| Failure::new("argument contains a NUL byte".into()))?;

    // Read-only checks first: nothing is changed when they fail. The lists
    // are checked against what the running kernel supports, which is also
    // what `all` stands for.
    let (quiesce, oneshot) = if plan.quiesce.is_some() || plan.oneshot.is_some() {
        let supported = isol::supported_quiesce_bits()?;
        let resolve = |list: Option<NameList>, option| {
            list.map(|l| l.resolve(supported, option, &QUIESCE_KIND))
                .transpose()
                .map_err(Failure::new)
        };
        (
            resolve(plan.quiesce, "--quiesce")?,
            resolve(plan.oneshot, "--oneshot")?,
        )
    } else {
        (None, None)
    };
    if let (Some(q), Some(o)) = (quiesce, oneshot) {
        cli::check_oneshot(q, o).map_err(Failure::new)?;
    }
    let notify = match plan.notify {
        Some(list) => {
            let features = isol::supported_features()?;
            if features & ISOL_F_NOTIFY == 0 {
                return Err(Failure::new(format!(
                    "--notify: the running kernel does not support notification \
                     (supported features: {})",
                    match features {
                        0 => "none".to_string(),
                        f => mask_names(f, FEATURES),
                    }
                )));
            }
            let events = isol::supported_notify()?.supported_events;
            let mask = list
                .resolve(events, "--notify", &EVENT_KIND)
                .map_err(Failure::new)?;
            Some(mask)
        }
        None => None,
    };
    let active = if plan.activate {
        Some(activation_mask(quiesce, notify, oneshot)?)
    } else {
        None
    };
    // The command too: once notification is active, chisol makes one
    // system call, the execve of the file found here.
    let path = command::locate(&plan.command[0], std::env::var_os("PATH").as_deref())
        .map_err(|e| exec_failure(&plan.command[0], &e))?;
    let path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Failure::new("argument contains a NUL byte".into()))?;

    if let Some(mask) = quiesce {
        isol::set_quiesce_mask(mask)?;
    }
    if let Some(mask) = notify {
        isol::set_notify(mask, plan.notify_signal)?;
    }
    if let Some(mask) = plan.inherit {
        isol::set_inherit_mask(mask)?;
    }
    // Rust ignores SIGPIPE; the command must start with the default.
    // SAFETY: restoring the default disposition of a signal is always sound.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    // Everything execvp() needs is ready before the activation, so that
    // nothing (no allocation) runs between the two.
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    if let Some(mask) = active {
        isol::activate(mask, oneshot)?;
    }
    // SAFETY: path is a NUL-terminated string and ptrs a NULL-terminated
    // array of pointers to NUL-terminated strings (argv), all alive for
    // the duration of the call.
    unsafe { libc::execvp(path.as_ptr(), ptrs.as_ptr()) };
    Err(exec_failure(&plan.command[0], &io::Error::last_os_error()))
}

/// The features `--activate` activates: every one that is configured, by
/// chisol (`quiesce`, `notify`) or in the configuration it inherited.
fn activation_mask(
    quiesce: Option<u64>,
    notify: Option<u64>,
    oneshot: Option<u64>,
) -> Result<u64, Failure> {
    let configured = isol::configured_features()?;
    let mut mask = configured & (ISOL_F_QUIESCE | ISOL_F_NOTIFY);
    if quiesce.is_some() {
        mask |= ISOL_F_QUIESCE;
    }
    if notify.is_some() {
        mask |= ISOL_F_NOTIFY;
    }
    if mask == 0 {
        return Err(Failure::new(
            "--activate: no feature is configured: use --quiesce or --notify".into(),
        ));
    }
    let Some(oneshot) = oneshot else {
        return Ok(mask);
    };
    if mask & ISOL_F_QUIESCE == 0 {
        return Err(Failure::new(
            "--oneshot: quiescing is not configured: use --quiesce".into(),
        ));
    }
    // Without --quiesce, the one-shot activities must be in the inherited
    // configuration.
    if quiesce.is_none() {
        let inherited = isol::quiesce_mask()?;
        if oneshot & !inherited != 0 {
            return Err(Failure::new(format!(
                "--oneshot {} is not in the inherited quiesce configuration ({})",
                mask_names(oneshot & !inherited, QUIESCE),
                mask_names(inherited, QUIESCE)
            )));
        }
    }
    Ok(mask)
}

/// A command that cannot be executed: 127 if it is not found, else 126.
fn exec_failure(name: &OsStr, err: &io::Error) -> Failure {
    let code = if err.raw_os_error() == Some(libc::ENOENT) {
        EXIT_EXEC_ENOENT
    } else {
        EXIT_EXEC_FAILED
    };
    Failure {
        msg: format!(
            "failed to execute {}: {}",
            name.to_string_lossy(),
            io_error(err)
        ),
        hint: None,
        code,
    }
}
