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
        // SAFETY: By the type invariant `ptr` is valid for the lifetime of
        // `self`.
        unsafe { slot(self.ptr) }
    }

    /// The task's state, if it has any.
    pub(crate) fn state(&self) -> Option<&TaskIsol> {
        // SAFETY: `take()`, the only code that releases the state, needs
        // `&mut self` and so cannot run while the returned borrow lives.
        unsafe { borrow(self.slot()) }
    }

    /// Hands `state` to the task, which has none yet: only the holder
    /// installs state (type invariant), and it checked `state()` first.
    pub(crate) fn install(&mut self, state: KBox<TaskIsol>) {
        let new = state.into_foreign().cast_mut().cast();
        // Never replace published state: a `TaskView` may be reading it.
        let res = self.slot().compare_exchange(
            core::ptr::null_mut(),
            new,
            Ordering::Release,
            Ordering::Relaxed,
        );
        if res.is_err() {
            // SAFETY: `new` came from `into_foreign()` above and was never
            // published, so this is its only owner.
            drop(unsafe { <KBox<TaskIsol> as ForeignOwnable>::from_foreign(new.cast()) });
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

/// A task whose state is only looked at, by `/proc/<pid>/task_isolation`.
///
/// # Invariants
///
/// `ptr` is a valid `task_struct` for the lifetime of the value (the caller
/// holds a reference on it), so `free_task()` cannot release its state
/// meanwhile.
pub(crate) struct TaskView {
    ptr: NonNull<bindings::task_struct>,
}

impl TaskView {
    /// A task that procfs holds a reference on.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid task that stays referenced while the returned
    /// value exists.
    pub(crate) unsafe fn from_raw(ptr: NonNull<bindings::task_struct>) -> Self {
        // INVARIANT: guaranteed by the caller.
        Self { ptr }
    }

    /// The task's state, if it has any. The task may change it meanwhile:
    /// each mask is read atomically, the set of them is a snapshot.
    pub(crate) fn state(&self) -> Option<&TaskIsol> {
        // SAFETY: By the type invariant the task is valid and referenced,
        // so the state it may own is only released after `self` is gone.
        unsafe { borrow(slot(self.ptr)) }
    }
}

/// The `task_isol` field of `task`, for atomic access.
///
/// # Safety
///
/// `task` must be valid for `'a`.
unsafe fn slot<'a>(task: NonNull<bindings::task_struct>) -> &'a AtomicPtr<bindings::task_isol> {
    // SAFETY: The field is valid and aligned for `'a` because `task` is (by
    // the caller); C only stores to it in `dup_task_struct()`, before the
    // task is visible to anybody, and Rust only accesses it atomically.
    unsafe { AtomicPtr::from_ptr(core::ptr::addr_of_mut!((*task.as_ptr()).task_isol)) }
}

/// Borrows the state that `slot` points to, if any.
///
/// # Safety
///
/// The state must not be released (by `Task::take()`) during `'a`.
unsafe fn borrow<'a>(slot: &AtomicPtr<bindings::task_isol>) -> Option<&'a TaskIsol> {
    let ptr = slot.load(Ordering::Acquire);
    if ptr.is_null() {
        return None;
    }
    // SAFETY: A non-NULL pointer was stored by `Task::install()` from
    // `KBox::into_foreign()` (the acquire load pairs with its release
    // swap), and the caller guarantees it is not released during `'a`.
    Some(unsafe { <KBox<TaskIsol> as ForeignOwnable>::borrow(ptr.cast()) })
}

/// A `seq_file` that a `/proc` show function fills.
///
/// # Invariants
///
/// `ptr` is the valid `seq_file` of a show callback in progress.
pub(crate) struct SeqFile {
    ptr: NonNull<bindings::seq_file>,
}

impl SeqFile {
    /// The `seq_file` passed to a show callback.
    ///
    /// # Safety
    ///
    /// `ptr` must be valid, and only written through the returned value,
    /// until the callback returns.
    pub(crate) unsafe fn from_raw(ptr: NonNull<bindings::seq_file>) -> Self {
        // INVARIANT: guaranteed by the caller.
        Self { ptr }
    }
}

impl core::fmt::Write for SeqFile {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        // SAFETY: `ptr` is valid (type invariant) and `s` is readable for
        // `s.len()` bytes. On overflow the seq_file core retries the whole
        // show with a larger buffer, so the result needs no handling.
        unsafe { bindings::seq_write(self.ptr.as_ptr(), s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// Folds this CPU's vmstat differentials and cancels its `vmstat_update`.
pub(crate) fn quiet_vmstat_sync() {
    // SAFETY: No preconditions; it disables preemption itself.
    unsafe { bindings::quiet_vmstat_sync() };
}
