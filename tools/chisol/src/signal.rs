// SPDX-License-Identifier: GPL-2.0
//! `--notify-signal`: signal names and numbers, as kill(1) takes them.

use libc::c_int;

/// The standard signals by name, without the `SIG` prefix, in number
/// order; the aliases (`IOT`, `POLL`, `CLD`) after them.
const SIGNALS: &[(&str, c_int)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("ILL", libc::SIGILL),
    ("TRAP", libc::SIGTRAP),
    ("ABRT", libc::SIGABRT),
    ("BUS", libc::SIGBUS),
    ("FPE", libc::SIGFPE),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("SEGV", libc::SIGSEGV),
    ("USR2", libc::SIGUSR2),
    ("PIPE", libc::SIGPIPE),
    ("ALRM", libc::SIGALRM),
    ("TERM", libc::SIGTERM),
    ("STKFLT", libc::SIGSTKFLT),
    ("CHLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
    ("TSTP", libc::SIGTSTP),
    ("TTIN", libc::SIGTTIN),
    ("TTOU", libc::SIGTTOU),
    ("URG", libc::SIGURG),
    ("XCPU", libc::SIGXCPU),
    ("XFSZ", libc::SIGXFSZ),
    ("VTALRM", libc::SIGVTALRM),
    ("PROF", libc::SIGPROF),
    ("WINCH", libc::SIGWINCH),
    ("IO", libc::SIGIO),
    ("PWR", libc::SIGPWR),
    ("SYS", libc::SIGSYS),
    ("IOT", libc::SIGIOT),
    ("POLL", libc::SIGPOLL),
    ("CLD", libc::SIGCHLD),
];

/// The lowest real-time signal applications may use (`SIGRTMIN`, after
/// the C library's own).
pub fn rtmin() -> u32 {
    libc::SIGRTMIN() as u32
}

/// The highest signal number (`SIGRTMAX`), the highest the kernel takes.
pub fn rtmax() -> u32 {
    libc::SIGRTMAX() as u32
}

/// What `--notify-signal` takes, for the error messages.
fn expected() -> String {
    format!(
        "a signal name such as USR1, SIGUSR1, KILL, RTMIN+3 or RTMAX-1, \
         or a number from 1 to {}; 0 for none",
        rtmax()
    )
}

/// `RTMIN`, `RTMAX`, `RTMIN+N`, `RTMAX-N` (`name`: `value` without `SIG`,
/// upper case); None when `name` is not of this form.
fn parse_rt(name: &str, value: &str) -> Option<Result<u32, String>> {
    let (base, rest) = if let Some(rest) = name.strip_prefix("RTMIN") {
        (rtmin(), rest)
    } else if let Some(rest) = name.strip_prefix("RTMAX") {
        (rtmax(), rest)
    } else {
        return None;
    };
    let signo = match rest {
        "" => Some(base as i64),
        _ => {
            let (sign, digits) = if let Some(d) = rest.strip_prefix('+') {
                (1, d)
            } else if let Some(d) = rest.strip_prefix('-') {
                (-1, d)
            } else {
                return None;
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse::<i64>().ok().map(|n| base as i64 + sign * n)
        }
    };
    let (lo, hi) = (rtmin(), rtmax());
    Some(match signo {
        Some(n) if (lo as i64..=hi as i64).contains(&n) => Ok(n as u32),
        _ => Err(format!(
            "signal {value} is out of range: the real-time signals are RTMIN ({lo}) to \
             RTMAX ({hi}), that is RTMIN+0 to RTMIN+{}",
            hi - lo
        )),
    })
}

/// Parses a `--notify-signal` value: a number from 0 (no signal) to
/// `SIGRTMAX`, or a signal name with or without `SIG`, in any case
/// (`USR1`, `SIGUSR1`, `kill`, `RTMIN+3`, `SIGRTMAX-2`).
pub fn parse_signal(value: &str) -> Result<u32, String> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match value.parse::<u32>() {
            Ok(n) if n <= rtmax() => Ok(n),
            _ => Err(format!(
                "signal number {value} is out of range: 1 to {} (SIGRTMAX), or 0 for none",
                rtmax()
            )),
        };
    }
    let upper = value.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Some((_, n)) = SIGNALS.iter().find(|(s, _)| *s == name) {
        return Ok(*n as u32);
    }
    match parse_rt(name, value) {
        Some(result) => result,
        None => Err(format!("unknown signal '{value}' ({})", expected())),
    }
}
