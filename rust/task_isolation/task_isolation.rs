// SPDX-License-Identifier: GPL-2.0

//! Task isolation: let a task have per-CPU kernel background work quiesced
//! on its return to user space.
//!
//! A latency-sensitive task (a real-time loop, a user-space network driver)
//! runs pinned to a CPU and must not be interrupted there. Some kernel work
//! is deferred to per-CPU work items that do interrupt it later: handled
//! here are `vmstat_update`, which folds the per-CPU vmstat differentials,
//! and `lru_add_drain_per_cpu`, which `lru_add_drain_all()` queues on every
//! CPU whose LRU batches hold a folio. With the `PR_ISOL_*` prctls the task
//! configures what to quiesce, then activates it; from then on, every
//! return to user space (from a system call, an exception or an interrupt)
//! drains the batches and folds the counters on that CPU, so nothing is
//! left to interrupt it.
//!
//! Design:
//!
//! - All policy is here; C only has hooks (prctl, fork, task free, return
//!   to user space, `/proc/<pid>/task_isolation`) and `quiet_vmstat_sync()`
//!   and `lru_add_drain_quiesce()` for what Rust cannot reach (static
//!   functions, per-CPU data). [`shim`] is the one module that calls into C.
//! - The files are the same on every kernel tree the series supports;
//!   what differs between the trees' Rust APIs is in [`compat`], one small
//!   file per tree (`compat/linux-6.12.rs`, `compat/linux-7.2.rs` in the
//!   project) that the series folds in for its tree.
//! - Per-task state is a [`TaskIsol`] allocated on the first
//!   `PR_ISOL_CFG_SET` that stores something and owned by `task_struct`
//!   until `free_task()`. A task that never uses the interface owns nothing.
//! - The rules live in [`state`], as pure functions from the old state to
//!   the new one, so that a rejected call changes nothing.
//! - Only while quiescing is active is the task's `TIF_TASK_ISOL` bit set;
//!   every return to user space already tests the thread flags for work,
//!   so other tasks execute no extra instruction there.
//! - Only the task changes its own state (and its parent, for a child not
//!   yet running), so plain relaxed atomics suffice; they make concurrent
//!   readers (the `/proc` file) safe without a lock on the exit path. The
//!   state is published once and only freed with the task, which a reader
//!   holds a reference on.

use core::mem::size_of;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use kernel::bindings;
use kernel::ffi::{c_int, c_ulong};
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

mod abi;
mod compat;
mod shim;
mod state;

use abi::{ActivateControl, InheritControl, QuiesceControl, QuiesceExtensions};
use compat::{AsBytes, FromBytes, UserPtr};
use shim::{IsolSlot, SeqFile};
use state::{
    Reject, State, ISOL_F_QUIESCE, ISOL_F_QUIESCE_LRU, ISOL_F_QUIESCE_VMSTATS, QUIESCE_BITS,
};

/// The state a task owns once it has configured isolation.
#[derive(Default)]
pub(crate) struct TaskIsol {
    quiesce_mask: AtomicU64,
    inherit_mask: AtomicU8,
    active_mask: AtomicU64,
    oneshot_mask: AtomicU64,
    oneshot_pending: AtomicBool,
}

impl TaskIsol {
    fn load(&self) -> State {
        State {
            quiesce_mask: self.quiesce_mask.load(Relaxed),
            inherit_mask: self.inherit_mask.load(Relaxed),
            active_mask: self.active_mask.load(Relaxed),
            oneshot_mask: self.oneshot_mask.load(Relaxed),
            oneshot_pending: self.oneshot_pending.load(Relaxed),
        }
    }

    /// What the return to user space needs, one load per field it uses:
    /// this runs on every return of a quiescing task, and the inherit
    /// mask plays no part there (it is left 0 and never stored back).
    fn load_for_exit(&self) -> State {
        State {
            quiesce_mask: self.quiesce_mask.load(Relaxed),
            active_mask: self.active_mask.load(Relaxed),
            oneshot_mask: self.oneshot_mask.load(Relaxed),
            oneshot_pending: self.oneshot_pending.load(Relaxed),
            ..State::default()
        }
    }

    fn store(&self, s: &State) {
        self.quiesce_mask.store(s.quiesce_mask, Relaxed);
        self.inherit_mask.store(s.inherit_mask, Relaxed);
        self.active_mask.store(s.active_mask, Relaxed);
        self.oneshot_mask.store(s.oneshot_mask, Relaxed);
        self.oneshot_pending.store(s.oneshot_pending, Relaxed);
    }
}

impl From<Reject> for Error {
    fn from(r: Reject) -> Error {
        match r {
            Reject::Invalid => EINVAL,
            Reject::Busy => EBUSY,
        }
    }
}

/// The state of `task`, all zero when it has none.
fn load(task: &IsolSlot) -> State {
    task.state().map(TaskIsol::load).unwrap_or_default()
}

/// Stores `new` as the state of `task`, allocating it on first use, and
/// makes the `TIF_TASK_ISOL` bit follow it. Nothing changes on failure. Runs
/// in process context (prctl, fork), which may sleep.
fn commit(task: &mut IsolSlot, new: &State) -> Result {
    if task.state().is_none() {
        // Storing an all-zero state needs no memory.
        if *new == State::default() {
            return Ok(());
        }
        task.install(KBox::new(TaskIsol::default(), GFP_KERNEL_ACCOUNT)?);
    }
    // vmstat dirty tracking patches kernel text: start it here, where the
    // task activates quiescing, never on its return to user space.
    if new.active_mask & ISOL_F_QUIESCE != 0 && new.quiesce_mask & ISOL_F_QUIESCE_VMSTATS != 0 {
        shim::quiet_vmstat_prepare();
    }
    if let Some(isol) = task.state() {
        isol.store(new);
    }
    task.set_exit_work(new.wants_exit_work());
    Ok(())
}

fn read_user<T: FromBytes>(ptr: UserPtr) -> Result<T> {
    UserSlice::new(ptr, size_of::<T>()).reader().read::<T>()
}

fn write_user<T: AsBytes>(ptr: UserPtr, val: &T) -> Result {
    UserSlice::new(ptr, size_of::<T>()).writer().write(val)
}

/// Fails with `EINVAL` unless every argument is zero.
fn require_zero(args: &[c_ulong]) -> Result {
    if args.iter().any(|&a| a != 0) {
        return Err(EINVAL);
    }
    Ok(())
}

/// Whether a `feat`/`arg3` prctl argument names `ISOL_F_QUIESCE`.
fn is_quiesce(arg: c_ulong) -> bool {
    arg as u64 == ISOL_F_QUIESCE
}

/// `prctl(PR_ISOL_FEAT_GET, feat, ptr, 0, 0)`.
fn feat_get(feat: c_ulong, ptr: UserPtr, arg4: c_ulong, arg5: c_ulong) -> Result {
    require_zero(&[arg4, arg5])?;
    if feat == 0 {
        return write_user(ptr, &state::FEATURES);
    }
    if !is_quiesce(feat) {
        return Err(EINVAL);
    }
    let ext = QuiesceExtensions {
        supported_quiesce_bits: QUIESCE_BITS,
        ..Default::default()
    };
    write_user(ptr, &ext)
}

/// `prctl(PR_ISOL_CFG_GET, what, arg3, ptr, 0)`.
fn cfg_get(task: &IsolSlot, what: c_ulong, arg3: c_ulong, ptr: UserPtr, arg5: c_ulong) -> Result {
    require_zero(&[arg5])?;
    let s = load(task);
    match what {
        abi::I_CFG_FEAT if arg3 == 0 => write_user(ptr, &s.configured()),
        abi::I_CFG_FEAT if is_quiesce(arg3) => {
            let ctl = QuiesceControl {
                quiesce_mask: s.quiesce_mask,
                ..Default::default()
            };
            write_user(ptr, &ctl)
        }
        abi::I_CFG_INHERIT if arg3 == 0 => {
            let ctl = InheritControl {
                inherit_mask: s.inherit_mask,
                ..Default::default()
            };
            write_user(ptr, &ctl)
        }
        _ => Err(EINVAL),
    }
}

/// `prctl(PR_ISOL_CFG_SET, what, arg3, ptr, 0)`.
fn cfg_set(
    task: &mut IsolSlot,
    what: c_ulong,
    arg3: c_ulong,
    ptr: UserPtr,
    arg5: c_ulong,
) -> Result {
    require_zero(&[arg5])?;
    let new = match what {
        abi::I_CFG_FEAT if is_quiesce(arg3) => {
            let ctl: QuiesceControl = read_user(ptr)?;
            if !ctl.reserved_clear() {
                return Err(EINVAL);
            }
            load(task).set_quiesce(ctl.quiesce_mask)?
        }
        abi::I_CFG_INHERIT if arg3 == 0 => {
            let ctl: InheritControl = read_user(ptr)?;
            if !ctl.reserved_clear() {
                return Err(EINVAL);
            }
            load(task).set_inherit(ctl.inherit_mask)?
        }
        _ => return Err(EINVAL),
    };
    commit(task, &new)
}

/// `prctl(PR_ISOL_ACTIVATE_GET, ptr, 0, 0, 0)`.
fn activate_get(task: &IsolSlot, ptr: UserPtr, args: &[c_ulong]) -> Result {
    require_zero(args)?;
    write_user(ptr, &load(task).active_mask)
}

/// `prctl(PR_ISOL_ACTIVATE_SET, mask_ptr, ctl_ptr_or_0, 0, 0)`.
fn activate_set(task: &mut IsolSlot, ptr: UserPtr, ctl: UserPtr, args: &[c_ulong]) -> Result {
    require_zero(args)?;
    let mask: u64 = read_user(ptr)?;
    let oneshot = if compat::is_null(ctl) {
        None
    } else {
        let ctl: ActivateControl = read_user(ctl)?;
        if !ctl.reserved_clear() {
            return Err(EINVAL);
        }
        Some(ctl.quiesce_oneshot_mask)
    };
    let new = load(task).activate(mask, oneshot)?;
    commit(task, &new)
}

fn prctl(option: c_int, arg2: c_ulong, arg3: c_ulong, arg4: c_ulong, arg5: c_ulong) -> Result {
    let Ok(option) = u32::try_from(option) else {
        return Err(EINVAL);
    };
    // SAFETY: This is the only `IsolSlot` for `current` during the call.
    let mut task = unsafe { IsolSlot::current() };
    let uptr = compat::user_ptr;
    match option {
        abi::PR_ISOL_FEAT_GET => feat_get(arg2, uptr(arg3), arg4, arg5),
        abi::PR_ISOL_CFG_GET => cfg_get(&task, arg2, arg3, uptr(arg4), arg5),
        abi::PR_ISOL_CFG_SET => cfg_set(&mut task, arg2, arg3, uptr(arg4), arg5),
        abi::PR_ISOL_ACTIVATE_GET => activate_get(&task, uptr(arg2), &[arg3, arg4, arg5]),
        abi::PR_ISOL_ACTIVATE_SET => activate_set(&mut task, uptr(arg2), uptr(arg3), &[arg4, arg5]),
        _ => Err(EINVAL),
    }
}

/// Handles the `PR_ISOL_*` prctls for the calling task.
#[no_mangle]
pub extern "C" fn task_isol_prctl(
    option: c_int,
    arg2: c_ulong,
    arg3: c_ulong,
    arg4: c_ulong,
    arg5: c_ulong,
) -> c_int {
    match prctl(option, arg2, arg3, arg4, arg5) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

// The entry points above and below have the prototypes that
// <linux/task_isolation.h> gives C, as bindgen translated them into
// `bindings`: a mismatch fails the build here. Newer kernels check this
// with `#[export]`; Linux 6.12 has no such attribute, and the component
// is one source for every tree.
const _: () = {
    let _: [unsafe extern "C" fn(c_int, c_ulong, c_ulong, c_ulong, c_ulong) -> c_int; 2] =
        [bindings::task_isol_prctl, task_isol_prctl];
    let _: [unsafe extern "C" fn(*mut bindings::task_struct) -> c_int; 2] =
        [bindings::task_isol_fork, task_isol_fork];
    let _: [unsafe extern "C" fn(*mut bindings::task_struct); 2] =
        [bindings::task_isol_free, task_isol_free];
    let _: [unsafe extern "C" fn(*mut bindings::task_struct); 2] =
        [bindings::task_isol_exit_to_user, task_isol_exit_to_user];
    let _: [unsafe extern "C" fn(*mut bindings::seq_file, *mut bindings::task_struct) -> c_int; 2] =
        [bindings::task_isol_proc_show, task_isol_proc_show];
};

/// Gives a new task its inherited state, if the parent (the calling task)
/// asked for inheritance.
///
/// # Safety
///
/// `tsk` must be the child being set up by `copy_process()`, not yet
/// running, with its state cleared by `task_isol_clear()`.
#[no_mangle]
pub unsafe extern "C" fn task_isol_fork(tsk: *mut bindings::task_struct) -> c_int {
    let Some(tsk) = NonNull::new(tsk) else {
        return 0;
    };
    // SAFETY: This is the only `IsolSlot` for `current` during the call.
    let parent = unsafe { IsolSlot::current() };
    let Some(inherited) = load(&parent).inherited() else {
        return 0;
    };
    // SAFETY: The caller guarantees that nothing else touches the child.
    let mut child = unsafe { IsolSlot::from_raw(tsk) };
    match commit(&mut child, &inherited) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Releases the state of a task that is being freed.
///
/// # Safety
///
/// `tsk` must be a task in `free_task()`: nothing can reach it any more.
#[no_mangle]
pub unsafe extern "C" fn task_isol_free(tsk: *mut bindings::task_struct) {
    let Some(tsk) = NonNull::new(tsk) else {
        return;
    };
    // SAFETY: Guaranteed by the caller.
    let mut task = unsafe { IsolSlot::from_raw(tsk) };
    drop(task.take());
}

/// Quiesces what the calling task asked for; called on each of its returns
/// to user space while its `TIF_TASK_ISOL` bit is set, preemptible, with
/// interrupts enabled, after all other exit work.
///
/// # Safety
///
/// `tsk` must be `current`, which C passes because it reads it in one
/// instruction where Rust would need a helper call: this runs on every
/// return to user space of a quiescing task.
#[no_mangle]
pub unsafe extern "C" fn task_isol_exit_to_user(tsk: *mut bindings::task_struct) {
    // SAFETY: `tsk` is `current` (guaranteed by the caller), which is
    // never NULL, and this is the only `IsolSlot` for it during the call:
    // only the task itself changes its own state.
    let mut task = unsafe { IsolSlot::from_raw(NonNull::new_unchecked(tsk)) };
    let (mask, work) = match task.state() {
        None => (0, Some(false)),
        Some(isol) => {
            let now = isol.load_for_exit();
            let (mask, next) = now.exit_to_user();
            if next.oneshot_pending == now.oneshot_pending {
                (mask, None)
            } else {
                isol.oneshot_pending.store(next.oneshot_pending, Relaxed);
                (mask, Some(next.wants_exit_work()))
            }
        }
    };
    if let Some(on) = work {
        task.set_exit_work(on);
    }
    // Draining moves folios to the LRU lists, which changes vmstat
    // counters: drain first, then fold.
    if mask & ISOL_F_QUIESCE_LRU != 0 {
        shim::lru_add_drain_quiesce();
    }
    if mask & ISOL_F_QUIESCE_VMSTATS != 0 {
        shim::quiet_vmstat_sync();
    }
}

/// Shows the state of `tsk` in `/proc/<pid>/task_isolation`; the caller
/// has checked that the reader may see it (ptrace read access).
///
/// # Safety
///
/// `m` must be the `seq_file` of a show callback in progress and `tsk` a
/// task that the caller holds a reference on, both valid until it returns.
#[no_mangle]
pub unsafe extern "C" fn task_isol_proc_show(
    m: *mut bindings::seq_file,
    tsk: *mut bindings::task_struct,
) -> c_int {
    let (Some(m), Some(tsk)) = (NonNull::new(m), NonNull::new(tsk)) else {
        return EINVAL.to_errno();
    };
    // SAFETY: Guaranteed by the caller.
    let mut seq = unsafe { SeqFile::from_raw(m) };
    // SAFETY: The caller holds a reference on `tsk` until this returns.
    let s = unsafe { IsolSlot::view(tsk, load) };
    // Writing to a `SeqFile` cannot fail: seq_file itself handles overflow.
    let _ = state::write_status(&mut seq, &s);
    0
}
