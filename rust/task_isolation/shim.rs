// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers around the C side: the per-task pointer in `task_struct`,
//! the `TIF_TASK_ISOL` and `SYSCALL_WORK_TASK_ISOL` work bits, the vmstat
//! and LRU helpers, and notify.c (static key, signal, tracepoint).
//!
//! This is the only module that touches `bindings`. Its one invariant, on
//! which the safety of the state accessors rests, is stated on
//! [`IsolSlot`].

use core::ffi::c_void;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::bindings;
use kernel::ffi::{c_int, c_long, c_ulong};
use kernel::prelude::*;
use kernel::types::ForeignOwnable;

use crate::compat;
use crate::TaskIsol;

/// The isolation slot of a task: its `task_isol` pointer and its
/// `TIF_TASK_ISOL` bit.
///
/// Owned (or borrowed mutably) by the one code that may change the task's
/// state; shared (`&IsolSlot`, from [`IsolSlot::view()`]) by a reader that
/// only looks at it.
///
/// # Invariants
///
/// `ptr` is a valid `task_struct` for the lifetime of the value, and the
/// task's state is not released while it exists. Through an owned value or
/// `&mut`, the holder is the only code that changes the task's `task_isol`
/// pointer: the task itself (prctl, return to user space, fork of its
/// child), its parent in `copy_process()` before the child ever runs, or
/// `free_task()` once nothing else can reach the task. A value that is
/// only ever shared (`view()`) changes nothing.
pub(crate) struct IsolSlot {
    ptr: NonNull<bindings::task_struct>,
}

impl IsolSlot {
    /// The slot of the calling task.
    ///
    /// # Safety
    ///
    /// The caller must not hold another [`IsolSlot`] for the current task.
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

    /// The slot of a task handed to us by C, to change it.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid task that stays valid while the returned value
    /// exists and whose state nothing else changes meanwhile: a child in
    /// `copy_process()`, a task in `free_task()`, or `current` on its
    /// return to user space, with no other [`IsolSlot`] of it.
    pub(crate) unsafe fn from_raw(ptr: NonNull<bindings::task_struct>) -> Self {
        // INVARIANT: guaranteed by the caller.
        Self { ptr }
    }

    /// Runs `f` with the slot of a task that another task may be changing
    /// meanwhile, shared: `f` can only look at it.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid task that stays referenced until this returns
    /// (procfs holds a reference), so that `free_task()` cannot release its
    /// state meanwhile.
    pub(crate) unsafe fn view<R>(
        ptr: NonNull<bindings::task_struct>,
        f: impl FnOnce(&Self) -> R,
    ) -> R {
        // INVARIANT: guaranteed by the caller; `f` only gets `&Self`, which
        // cannot install, take or flip the work bit.
        f(&Self { ptr })
    }

    fn slot(&self) -> &AtomicPtr<bindings::task_isol> {
        // SAFETY: By the type invariant `ptr` is valid for the lifetime of
        // `self`.
        unsafe { slot(self.ptr) }
    }

    /// The task's state, if it has any.
    ///
    /// Each field of the state is loaded on its own. A reader that does
    /// not own the slot (`/proc`) can see a mix of the fields before and
    /// after a concurrent prctl of the task, for example the new active
    /// mask with the old quiesce mask: it is not a consistent snapshot.
    pub(crate) fn state(&self) -> Option<&TaskIsol> {
        let ptr = self.slot().load(Ordering::Acquire);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: A non-NULL pointer was stored by `install()` from
        // `into_foreign()` (the acquire load pairs with its release
        // exchange). It is only released by `take()`, which needs
        // `&mut self` and so cannot run while the returned borrow lives,
        // and not at all while a view exists (type invariant).
        Some(unsafe { <KBox<TaskIsol> as ForeignOwnable>::borrow(ptr.cast()) })
    }

    /// Hands `state` to the task, which has none yet: only the holder
    /// installs state (type invariant), and it checked `state()` first.
    pub(crate) fn install(&mut self, state: KBox<TaskIsol>) {
        let new = compat::into_foreign(state).cast();
        // Never replace published state: a view may be reading it.
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

    /// Sets or clears the task's `TIF_TASK_ISOL` bit, which makes every
    /// return to user space call `task_isol_exit_to_user()`.
    pub(crate) fn set_exit_work(&mut self, on: bool) {
        // SAFETY: `ptr` is a valid task (type invariant); the helpers are
        // atomic bit operations on its thread flags.
        unsafe {
            if on {
                bindings::task_isol_set_work(self.ptr.as_ptr());
            } else {
                bindings::task_isol_clear_work(self.ptr.as_ptr());
            }
        }
    }

    /// Sets or clears the task's `SYSCALL_WORK_TASK_ISOL` bit, which makes
    /// every system call entry call `task_isol_syscall_entry()`.
    pub(crate) fn set_syscall_work(&mut self, on: bool) {
        // SAFETY: `ptr` is a valid task (type invariant); the function is
        // an atomic bit operation on its syscall work flags.
        unsafe { bindings::task_isol_set_syscall_work(self.ptr.as_ptr(), on) };
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

/// Starts vmstat dirty tracking, once for the whole system: patches kernel
/// text and may sleep, so only from process context (the prctl or fork that
/// activates quiescing), never on the return to user space.
pub(crate) fn quiet_vmstat_prepare() {
    // SAFETY: No preconditions; it may sleep, and its callers may.
    unsafe { bindings::quiet_vmstat_prepare() };
}

/// Folds this CPU's vmstat differentials and cancels its `vmstat_update`.
/// Does not sleep.
pub(crate) fn quiet_vmstat_sync() {
    // SAFETY: No preconditions; it disables preemption itself.
    unsafe { bindings::quiet_vmstat_sync() };
}

/// Drains this CPU's LRU batches if any holds a folio, so that
/// `lru_add_drain_all()` queues no work on this CPU. Takes no lock when
/// there is nothing to drain.
pub(crate) fn lru_add_drain_quiesce() {
    // SAFETY: No preconditions; it takes the per-CPU batch locks itself,
    // and the caller (the return to user space) may take them.
    unsafe { bindings::lru_add_drain_quiesce() };
}

/// Takes a reference on the static key of the exception and interrupt
/// entry hooks, turning it on for the first: patches kernel text and may
/// sleep, so only from process context (prctl, fork).
pub(crate) fn notify_key_get() {
    // SAFETY: No preconditions; it may sleep, and its callers may.
    unsafe { bindings::task_isol_notify_get() };
}

/// Drops a reference taken by [`notify_key_get()`]; the last one turns the
/// key off from a work item, a second later. Any context.
pub(crate) fn notify_key_put() {
    // SAFETY: Called only for a reference that the caller holds.
    unsafe { bindings::task_isol_notify_put() };
}

/// The highest valid signal number (`SIGRTMAX`).
pub(crate) fn max_signo() -> u32 {
    bindings::_NSIG
}

/// Queues `signo` (`si_code` `SI_KERNEL`) for the current task, from its
/// return to user space.
pub(crate) fn send_signal(signo: u32) {
    // A signal number is at most `_NSIG` (checked by the prctl).
    let signo = i32::try_from(signo).unwrap_or(0);
    if signo == 0 {
        return;
    }
    // SAFETY: `current` is a valid task; `signo` is a valid signal.
    unsafe { bindings::task_isol_send_signal(signo) };
}

/// Emits the `task_isolation:isol_break` tracepoint for the current task.
pub(crate) fn trace_break(
    class: u64,
    cpu: c_int,
    nr: c_long,
    addr: c_ulong,
    ip: c_ulong,
    handler: *mut c_void,
) {
    // SAFETY: Plain values; `handler` is only printed (`%ps`), never
    // dereferenced. `class` is one bit of 0x7, so the cast is lossless.
    unsafe { bindings::task_isol_trace_break(class as u32, cpu, nr, addr, ip, handler) };
}
