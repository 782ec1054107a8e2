// SPDX-License-Identifier: GPL-2.0

//! What differs between the kernel trees the series supports: Linux 7.2.
//!
//! The component is one set of files for every tree; the few kernel Rust
//! APIs that changed between the trees are reached through this module
//! only. The project keeps one such module per kernel version, and the
//! series for a tree folds in the one of that tree: this one is for Linux
//! 7.2. Every one offers the same items, with the same meaning.

use core::ffi::c_void;
use kernel::ffi::c_ulong;
use kernel::types::ForeignOwnable;

pub(crate) use kernel::transmute::{AsBytes, FromBytes};
pub(crate) use kernel::uaccess::UserPtr;

/// The user pointer that a prctl argument holds (7.2: a struct).
pub(crate) fn user_ptr(arg: c_ulong) -> UserPtr {
    UserPtr::from_addr(arg)
}

/// Whether `ptr` is NULL.
pub(crate) fn is_null(ptr: UserPtr) -> bool {
    ptr.as_const_ptr().is_null()
}

/// Hands `owner` over to C (7.2: `into_foreign()` returns `*mut`).
pub(crate) fn into_foreign<T: ForeignOwnable>(owner: T) -> *mut c_void {
    owner.into_foreign().cast()
}
