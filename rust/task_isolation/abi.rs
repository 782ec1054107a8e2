// SPDX-License-Identifier: GPL-2.0

//! The user-space ABI: `include/uapi/linux/task_isolation.h` in Rust.
//!
//! The structures are re-declared here because the kernel's `FromBytes` and
//! `AsBytes` can only be implemented for local types; compile-time checks
//! tie their sizes and every constant to the C header's bindings, so the
//! two cannot drift apart.

use core::mem::size_of;
use kernel::uapi;

use crate::compat::{AsBytes, FromBytes};
use crate::state;

/// The prctl options, from `<linux/prctl.h>`.
pub(crate) const PR_ISOL_FEAT_GET: u32 = uapi::PR_ISOL_FEAT_GET;
pub(crate) const PR_ISOL_CFG_GET: u32 = uapi::PR_ISOL_CFG_GET;
pub(crate) const PR_ISOL_CFG_SET: u32 = uapi::PR_ISOL_CFG_SET;
pub(crate) const PR_ISOL_ACTIVATE_GET: u32 = uapi::PR_ISOL_ACTIVATE_GET;
pub(crate) const PR_ISOL_ACTIVATE_SET: u32 = uapi::PR_ISOL_ACTIVATE_SET;

/// Whether `option` is one of the `PR_ISOL_*` prctls.
pub(crate) fn is_isol_prctl(option: u32) -> bool {
    matches!(
        option,
        PR_ISOL_FEAT_GET
            | PR_ISOL_CFG_GET
            | PR_ISOL_CFG_SET
            | PR_ISOL_ACTIVATE_GET
            | PR_ISOL_ACTIVATE_SET
    )
}

/// `PR_ISOL_CFG_*` selectors.
pub(crate) const I_CFG_FEAT: usize = uapi::I_CFG_FEAT as usize;
pub(crate) const I_CFG_INHERIT: usize = uapi::I_CFG_INHERIT as usize;

const _: () = {
    assert!(state::ISOL_F_QUIESCE == uapi::ISOL_F_QUIESCE as u64);
    assert!(state::ISOL_F_QUIESCE_VMSTATS == uapi::ISOL_F_QUIESCE_VMSTATS as u64);
    assert!(state::ISOL_F_QUIESCE_LRU == uapi::ISOL_F_QUIESCE_LRU as u64);
    assert!(state::ISOL_INHERIT_CONF as u32 == uapi::ISOL_INHERIT_CONF);
    assert!(state::ISOL_INHERIT_ACTIVE as u32 == uapi::ISOL_INHERIT_ACTIVE);
    assert!(state::ISOL_F_NOTIFY == uapi::ISOL_F_NOTIFY as u64);
    assert!(state::ISOL_NOTIFY_SYSCALL == uapi::ISOL_NOTIFY_SYSCALL as u64);
    assert!(state::ISOL_NOTIFY_EXCEPTION == uapi::ISOL_NOTIFY_EXCEPTION as u64);
    assert!(state::ISOL_NOTIFY_INTERRUPT == uapi::ISOL_NOTIFY_INTERRUPT as u64);
};

/// `struct task_isol_quiesce_extensions`, written by `PR_ISOL_FEAT_GET`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct QuiesceExtensions {
    pub(crate) flags: u64,
    pub(crate) supported_quiesce_bits: u64,
    pub(crate) pad: [u64; 6],
}

/// `struct task_isol_quiesce_control`, read and written by `PR_ISOL_CFG_*`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct QuiesceControl {
    pub(crate) flags: u64,
    pub(crate) quiesce_mask: u64,
    pub(crate) pad: [u64; 6],
}

/// `struct task_isol_inherit_control`, read and written by `PR_ISOL_CFG_*`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct InheritControl {
    pub(crate) inherit_mask: u8,
    pub(crate) pad: [u8; 7],
}

/// `struct task_isol_activate_control`, read by `PR_ISOL_ACTIVATE_SET`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct ActivateControl {
    pub(crate) flags: u64,
    pub(crate) quiesce_oneshot_mask: u64,
    pub(crate) pad: [u64; 6],
}

/// `struct task_isol_notify_extensions`, written by `PR_ISOL_FEAT_GET`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct NotifyExtensions {
    pub(crate) flags: u64,
    pub(crate) supported_events: u64,
    pub(crate) pad: [u64; 6],
}

/// `struct task_isol_notify_control`, read and written by `PR_ISOL_CFG_*`.
#[repr(C)]
#[derive(Default)]
pub(crate) struct NotifyControl {
    pub(crate) flags: u64,
    pub(crate) event_mask: u64,
    pub(crate) signo: u32,
    pub(crate) pad0: u32,
    pub(crate) pad: [u64; 5],
}

const _: () = {
    assert!(size_of::<NotifyExtensions>() == 64);
    assert!(size_of::<NotifyExtensions>() == size_of::<uapi::task_isol_notify_extensions>());
    assert!(size_of::<NotifyControl>() == 64);
    assert!(size_of::<NotifyControl>() == size_of::<uapi::task_isol_notify_control>());
    assert!(size_of::<QuiesceExtensions>() == 64);
    assert!(size_of::<QuiesceExtensions>() == size_of::<uapi::task_isol_quiesce_extensions>());
    assert!(size_of::<QuiesceControl>() == 64);
    assert!(size_of::<QuiesceControl>() == size_of::<uapi::task_isol_quiesce_control>());
    assert!(size_of::<InheritControl>() == 8);
    assert!(size_of::<InheritControl>() == size_of::<uapi::task_isol_inherit_control>());
    assert!(size_of::<ActivateControl>() == 64);
    assert!(size_of::<ActivateControl>() == size_of::<uapi::task_isol_activate_control>());
};

// SAFETY: Only integers and arrays of integers: every bit pattern is valid,
// and there is no interior mutability.
unsafe impl FromBytes for QuiesceControl {}
// SAFETY: As above.
unsafe impl FromBytes for InheritControl {}
// SAFETY: As above.
unsafe impl FromBytes for ActivateControl {}
// SAFETY: As above.
unsafe impl FromBytes for NotifyControl {}

// SAFETY: `repr(C)` with eight `u64`: no padding, so no uninitialised byte.
unsafe impl AsBytes for QuiesceExtensions {}
// SAFETY: As above.
unsafe impl AsBytes for QuiesceControl {}
// SAFETY: `repr(C)` with eight `u8`: no padding, so no uninitialised byte.
unsafe impl AsBytes for InheritControl {}
// SAFETY: `repr(C)` with eight `u64`: no padding, so no uninitialised byte.
unsafe impl AsBytes for NotifyExtensions {}
// SAFETY: `repr(C)`, two `u64`, two `u32` at offset 16 and 20, five `u64`
// from offset 24: no padding, so no uninitialised byte.
unsafe impl AsBytes for NotifyControl {}

impl QuiesceControl {
    /// Whether the reserved fields are all zero.
    pub(crate) fn reserved_clear(&self) -> bool {
        self.flags == 0 && self.pad == [0; 6]
    }
}

impl InheritControl {
    /// Whether the reserved fields are all zero.
    pub(crate) fn reserved_clear(&self) -> bool {
        self.pad == [0; 7]
    }
}

impl ActivateControl {
    /// Whether the reserved fields are all zero.
    pub(crate) fn reserved_clear(&self) -> bool {
        self.flags == 0 && self.pad == [0; 6]
    }
}

impl NotifyControl {
    /// Whether the reserved fields are all zero.
    pub(crate) fn reserved_clear(&self) -> bool {
        self.flags == 0 && self.pad0 == 0 && self.pad == [0; 5]
    }
}
