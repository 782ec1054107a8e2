// SPDX-License-Identifier: GPL-2.0
//! The task isolation prctl interface, mirrored from
//! `include/uapi/linux/task_isolation.h`.
//!
//! This is the only place where the numbers and structures of the interface
//! are written down on the Rust side. `tests/uapi_header.rs` parses the C
//! header and checks every value, structure size and field offset here
//! against it.

use libc::c_int;

/// `prctl()` options (also in `<linux/prctl.h>`), ASCII tags.
pub const PR_ISOL_FEAT_GET: c_int = 0x4953_4647; // "ISFG"
pub const PR_ISOL_CFG_GET: c_int = 0x4953_4347; // "ISCG"
pub const PR_ISOL_CFG_SET: c_int = 0x4953_4353; // "ISCS"
pub const PR_ISOL_ACTIVATE_GET: c_int = 0x4953_4147; // "ISAG"
pub const PR_ISOL_ACTIVATE_SET: c_int = 0x4953_4153; // "ISAS"

/// `PR_ISOL_CFG_GET`/`PR_ISOL_CFG_SET`: what to get or set (arg2).
pub const I_CFG_FEAT: u64 = 1;
pub const I_CFG_INHERIT: u64 = 2;

/// Features.
pub const ISOL_F_QUIESCE: u64 = 1 << 0;
pub const ISOL_F_NOTIFY: u64 = 1 << 1;

/// Activities that `ISOL_F_QUIESCE` can quiesce (`quiesce_mask` bits).
pub const ISOL_F_QUIESCE_VMSTATS: u64 = 1 << 0; // "vmstat_sync"
pub const ISOL_F_QUIESCE_LRU: u64 = 1 << 1; // "lru_drain"

/// `inherit_mask` bits.
pub const ISOL_INHERIT_CONF: u8 = 1 << 0;
pub const ISOL_INHERIT_ACTIVE: u8 = 1 << 1;

/// Entries into the kernel that `ISOL_F_NOTIFY` reports (`event_mask` bits).
pub const ISOL_NOTIFY_SYSCALL: u64 = 1 << 0; // "syscall"
pub const ISOL_NOTIFY_EXCEPTION: u64 = 1 << 1; // "exception"
pub const ISOL_NOTIFY_INTERRUPT: u64 = 1 << 2; // "interrupt"

/// `PR_ISOL_FEAT_GET, ISOL_F_QUIESCE`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TaskIsolQuiesceExtensions {
    pub flags: u64,
    pub supported_quiesce_bits: u64,
    pub pad: [u64; 6],
}

/// `PR_ISOL_CFG_GET`/`PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TaskIsolQuiesceControl {
    pub flags: u64,
    pub quiesce_mask: u64,
    pub pad: [u64; 6],
}

/// `PR_ISOL_CFG_GET`/`PR_ISOL_CFG_SET, I_CFG_INHERIT`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TaskIsolInheritControl {
    pub inherit_mask: u8,
    pub pad: [u8; 7],
}

/// `PR_ISOL_ACTIVATE_SET`, optional arg3.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TaskIsolActivateControl {
    pub flags: u64,
    pub quiesce_oneshot_mask: u64,
    pub pad: [u64; 6],
}

/// `PR_ISOL_FEAT_GET, ISOL_F_NOTIFY`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TaskIsolNotifyExtensions {
    pub flags: u64,
    pub supported_events: u64,
    pub pad: [u64; 6],
}

/// `PR_ISOL_CFG_GET`/`PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_NOTIFY`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TaskIsolNotifyControl {
    pub flags: u64,
    pub event_mask: u64,
    /// The signal sent for each break, 0 for none.
    pub signo: u32,
    pub pad0: u32,
    pub pad: [u64; 5],
}

// The ABI sizes are fixed by the contract, the same on 32- and 64-bit.
const _: () = assert!(size_of::<TaskIsolQuiesceExtensions>() == 64);
const _: () = assert!(size_of::<TaskIsolQuiesceControl>() == 64);
const _: () = assert!(size_of::<TaskIsolInheritControl>() == 8);
const _: () = assert!(size_of::<TaskIsolActivateControl>() == 64);
const _: () = assert!(size_of::<TaskIsolNotifyExtensions>() == 64);
const _: () = assert!(size_of::<TaskIsolNotifyControl>() == 64);
