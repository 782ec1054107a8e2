// SPDX-License-Identifier: GPL-2.0
//! The task isolation prctl calls, each returning the failing call's name
//! and errno on error.

use std::ffi::CStr;
use std::fmt;
use std::ptr;

use libc::{c_int, c_ulong, c_void};

use crate::uapi::*;

/// A failed prctl: which call (as the error message names it) and errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrctlError {
    pub call: &'static str,
    pub errno: c_int,
}

impl fmt::Display for PrctlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.call, strerror(self.errno))
    }
}

pub type Result<T> = std::result::Result<T, PrctlError>;

/// The message of an errno, as strerror(3) words it.
pub fn strerror(errno: c_int) -> String {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: buf is writable for buf.len() bytes; the XSI strerror_r
    // NUL-terminates what it writes there.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errno}");
    }
    // SAFETY: strerror_r succeeded, so buf holds a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn prctl(call: &'static str, op: c_int, a2: c_ulong, a3: c_ulong, a4: c_ulong) -> Result<()> {
    // SAFETY: prctl() takes five unsigned long arguments; the callers pass
    // pointers to live, properly sized structures where the option reads
    // or writes one, and 0 everywhere else.
    let rc = unsafe { libc::prctl(op, a2, a3, a4, 0 as c_ulong) };
    if rc == 0 {
        Ok(())
    } else {
        Err(PrctlError {
            call,
            errno: errno(),
        })
    }
}

fn addr<T>(p: *const T) -> c_ulong {
    p as c_ulong
}

fn addr_mut<T>(p: *mut T) -> c_ulong {
    p as c_ulong
}

/// `PR_ISOL_FEAT_GET, 0`: the supported features.
pub fn supported_features() -> Result<u64> {
    let mut mask: u64 = 0;
    prctl(
        "PR_ISOL_FEAT_GET(0)",
        PR_ISOL_FEAT_GET,
        0,
        addr_mut(&mut mask),
        0,
    )?;
    Ok(mask)
}

/// `PR_ISOL_FEAT_GET, ISOL_F_QUIESCE`: the quiesce activities supported.
pub fn supported_quiesce() -> Result<TaskIsolQuiesceExtensions> {
    let mut ext = TaskIsolQuiesceExtensions::default();
    prctl(
        "PR_ISOL_FEAT_GET(ISOL_F_QUIESCE)",
        PR_ISOL_FEAT_GET,
        ISOL_F_QUIESCE as c_ulong,
        addr_mut(&mut ext),
        0,
    )?;
    Ok(ext)
}

/// The quiesce activities the running kernel supports: `PR_ISOL_FEAT_GET`
/// for the features, then for `ISOL_F_QUIESCE` when it is one of them (0
/// when it is not).
pub fn supported_quiesce_bits() -> Result<u64> {
    if supported_features()? & ISOL_F_QUIESCE == 0 {
        return Ok(0);
    }
    Ok(supported_quiesce()?.supported_quiesce_bits)
}

/// `PR_ISOL_FEAT_GET, ISOL_F_NOTIFY`: the notify events supported.
pub fn supported_notify() -> Result<TaskIsolNotifyExtensions> {
    let mut ext = TaskIsolNotifyExtensions::default();
    prctl(
        "PR_ISOL_FEAT_GET(ISOL_F_NOTIFY)",
        PR_ISOL_FEAT_GET,
        ISOL_F_NOTIFY as c_ulong,
        addr_mut(&mut ext),
        0,
    )?;
    Ok(ext)
}

/// The notify events the running kernel supports: `PR_ISOL_FEAT_GET` for
/// the features, then for `ISOL_F_NOTIFY` when it is one of them (None
/// when it is not: a kernel without notification).
pub fn supported_notify_events() -> Result<Option<u64>> {
    if supported_features()? & ISOL_F_NOTIFY == 0 {
        return Ok(None);
    }
    Ok(Some(supported_notify()?.supported_events))
}

/// `PR_ISOL_CFG_GET, I_CFG_FEAT, 0`: the configured features.
pub fn configured_features() -> Result<u64> {
    let mut mask: u64 = 0;
    prctl(
        "PR_ISOL_CFG_GET(I_CFG_FEAT, 0)",
        PR_ISOL_CFG_GET,
        I_CFG_FEAT as c_ulong,
        0,
        addr_mut(&mut mask),
    )?;
    Ok(mask)
}

/// `PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE`: the quiesce mask.
pub fn quiesce_mask() -> Result<u64> {
    let mut qc = TaskIsolQuiesceControl::default();
    prctl(
        "PR_ISOL_CFG_GET(I_CFG_FEAT, ISOL_F_QUIESCE)",
        PR_ISOL_CFG_GET,
        I_CFG_FEAT as c_ulong,
        ISOL_F_QUIESCE as c_ulong,
        addr_mut(&mut qc),
    )?;
    Ok(qc.quiesce_mask)
}

/// `PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_NOTIFY`: the notify
/// configuration (event mask and signal).
pub fn notify_config() -> Result<TaskIsolNotifyControl> {
    let mut nc = TaskIsolNotifyControl::default();
    prctl(
        "PR_ISOL_CFG_GET(I_CFG_FEAT, ISOL_F_NOTIFY)",
        PR_ISOL_CFG_GET,
        I_CFG_FEAT as c_ulong,
        ISOL_F_NOTIFY as c_ulong,
        addr_mut(&mut nc),
    )?;
    Ok(nc)
}

/// `PR_ISOL_CFG_GET, I_CFG_INHERIT`: the inherit mask.
pub fn inherit_mask() -> Result<u8> {
    let mut ic = TaskIsolInheritControl::default();
    prctl(
        "PR_ISOL_CFG_GET(I_CFG_INHERIT)",
        PR_ISOL_CFG_GET,
        I_CFG_INHERIT as c_ulong,
        0,
        addr_mut(&mut ic),
    )?;
    Ok(ic.inherit_mask)
}

/// `PR_ISOL_ACTIVATE_GET`: the active features.
pub fn active_mask() -> Result<u64> {
    let mut mask: u64 = 0;
    prctl(
        "PR_ISOL_ACTIVATE_GET",
        PR_ISOL_ACTIVATE_GET,
        addr_mut(&mut mask),
        0,
        0,
    )?;
    Ok(mask)
}

/// `PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE`: configures quiescing.
pub fn set_quiesce_mask(mask: u64) -> Result<()> {
    let qc = TaskIsolQuiesceControl {
        quiesce_mask: mask,
        ..Default::default()
    };
    prctl(
        "PR_ISOL_CFG_SET(I_CFG_FEAT, ISOL_F_QUIESCE)",
        PR_ISOL_CFG_SET,
        I_CFG_FEAT as c_ulong,
        ISOL_F_QUIESCE as c_ulong,
        addr(&qc),
    )
}

/// `PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_NOTIFY`: configures notification
/// of the events `event_mask`, with signal `signo` (0: none) per break.
pub fn set_notify(event_mask: u64, signo: u32) -> Result<()> {
    let nc = TaskIsolNotifyControl {
        event_mask,
        signo,
        ..Default::default()
    };
    prctl(
        "PR_ISOL_CFG_SET(I_CFG_FEAT, ISOL_F_NOTIFY)",
        PR_ISOL_CFG_SET,
        I_CFG_FEAT as c_ulong,
        ISOL_F_NOTIFY as c_ulong,
        addr(&nc),
    )
}

/// `PR_ISOL_CFG_SET, I_CFG_INHERIT`: sets the inherit mask.
pub fn set_inherit_mask(mask: u8) -> Result<()> {
    let ic = TaskIsolInheritControl {
        inherit_mask: mask,
        ..Default::default()
    };
    prctl(
        "PR_ISOL_CFG_SET(I_CFG_INHERIT)",
        PR_ISOL_CFG_SET,
        I_CFG_INHERIT as c_ulong,
        0,
        addr(&ic),
    )
}

/// `PR_ISOL_ACTIVATE_SET`: makes `mask` the active features, with a
/// one-shot quiesce mask when `oneshot` is given.
pub fn activate(mask: u64, oneshot: Option<u64>) -> Result<()> {
    let ctl = oneshot.map(|m| TaskIsolActivateControl {
        quiesce_oneshot_mask: m,
        ..Default::default()
    });
    let ctl_ptr = ctl.as_ref().map_or(ptr::null(), |c| {
        c as *const TaskIsolActivateControl as *const c_void
    });
    prctl(
        "PR_ISOL_ACTIVATE_SET",
        PR_ISOL_ACTIVATE_SET,
        addr(&mask),
        addr(ctl_ptr),
        0,
    )
}

/// Whether an `EINVAL` from `err` means the kernel has no task isolation
/// at all: always for `PR_ISOL_FEAT_GET`, and for the other calls when
/// `PR_ISOL_FEAT_GET` fails with `EINVAL` too.
pub fn means_unsupported(err: &PrctlError) -> bool {
    if err.errno != libc::EINVAL {
        return false;
    }
    if err.call.starts_with("PR_ISOL_FEAT_GET") {
        return true;
    }
    matches!(supported_features(), Err(e) if e.errno == libc::EINVAL)
}
