// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers around the C side: the per-task pointer in `task_struct`,
//! the syscall work bit, and the vmstat helper.
//!
//! This is the only module that touches `bindings`. Its one invariant, on
//! which the safety of the state accessors rests, is stated on [`Task`].

use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::bindings;
use kernel::prelude::*;
use kernel::types::ForeignOwnable;

use crate::TaskIsol;

/// A task whose isolation state this module manages.
///
/// # Invariants
///
/// `ptr` is a valid `task_struct` for the lifetime of the value, and the
/// holder is the only code that changes the task's `task_isol` pointer
/// while it exists: the task itself (prctl, syscall exit, fork of its
/// child), its parent in `copy_process()` before the child ever runs, or
/// `free_task()` once nothing else can reach the task.
pub(crate) struct Task {
    ptr: NonNull<bindings::task_struct>,
}

impl Task {
    /// The calling task.
    ///
    /// # Safety
    ///
    /// The caller must not hold another [`Task`] for the current task.
    pub(crate) unsafe fn current() -> Self {
        // SAFETY: `get_current()` has no preconditions.
        let ptr = unsafe { bindings::get_current() };
        // INVARIANT: `current` is valid for as long as it runs this code,
        // and the caller guarantees exclusivity.
        Self {
            // SAFETY: `current` is never NULL in task context.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
        }
    }

    /// A task handed to us by C.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid task that stays valid while the returned value
    /// exists and whose state nothing else changes meanwhile: a child in
    /// `copy_process()` or a task in `free_task()`.
    pub(crate) unsafe fn from_raw(ptr: NonNull<bindings::task_struct>) -> Self {
        // INVARIANT: guaranteed by the caller.
        Self { ptr }
    }

    fn slot(&self) -> &AtomicPtr<bindings::task_isol> {
        // SAFETY: By the type invariant `ptr` is valid, so the field is valid
        // and aligned for the lifetime of `self`; C only stores to it in
        // `dup_task_struct()`, before the task is visible to anybody.
        unsafe { AtomicPtr::from_ptr(core::ptr::addr_of_mut!((*self.ptr.as_ptr()).task_isol)) }
    }

    /// The task's state, if it has any.
    pub(crate) fn state(&self) -> Option<&TaskIsol> {
        let ptr = self.slot().load(Ordering::Acquire);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: A non-NULL pointer was stored by `install()` from
        // `KBox::into_foreign()` and is only released by `take()`, which
        // needs `&mut self` and so cannot run while this borrow lives.
        Some(unsafe { <KBox<TaskIsol> as ForeignOwnable>::borrow(ptr.cast()) })
    }

    /// Hands `state` to the task; it must not have state yet.
    pub(crate) fn install(&mut self, state: KBox<TaskIsol>) {
        let old = self
            .slot()
            .swap(state.into_foreign().cast_mut().cast(), Ordering::Release);
        if !old.is_null() {
            // SAFETY: As in `state()`; the old value is no longer reachable.
            drop(unsafe { <KBox<TaskIsol> as ForeignOwnable>::from_foreign(old.cast()) });
        }
    }

    /// Takes the task's state back from it.
    pub(crate) fn take(&mut self) -> Option<KBox<TaskIsol>> {
        let ptr = self.slot().swap(core::ptr::null_mut(), Ordering::Acquire);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: `ptr` came from `into_foreign()` in `install()`, and the
        // swap above made this the only owner.
        Some(unsafe { <KBox<TaskIsol> as ForeignOwnable>::from_foreign(ptr.cast()) })
    }

    /// Sets or clears the task's `SYSCALL_WORK_TASK_ISOL` bit.
    pub(crate) fn set_exit_work(&self, on: bool) {
        // SAFETY: `ptr` is a valid task (type invariant); the helpers are
        // atomic bit operations on its syscall work word.
        unsafe {
            if on {
                bindings::task_isol_set_work(self.ptr.as_ptr());
            } else {
                bindings::task_isol_clear_work(self.ptr.as_ptr());
            }
        }
    }
}

/// Folds this CPU's vmstat differentials and cancels its `vmstat_update`.
pub(crate) fn quiet_vmstat_sync() {
    // SAFETY: No preconditions; it disables preemption itself.
    unsafe { bindings::quiet_vmstat_sync() };
}
