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
//! With `ISOL_F_NOTIFY` the task is also told when it enters the kernel
//! anyway (a break of its isolation): a system call, an exception or an
//! interrupt taken in user mode. Each break is counted by class, traced
//! (`task_isolation:isol_break`) and, if the task asked for it, answered
//! with a signal before the task returns to user space.
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
//! - Only while quiescing is active, or a break waits to be reported, is
//!   the task's `TIF_TASK_ISOL` bit set; every return to user space already
//!   tests the thread flags for work, so other tasks execute no extra
//!   instruction there. The same holds for `SYSCALL_WORK_TASK_ISOL` (set
//!   while system calls are notified) on system call entry; exception and
//!   interrupt entries test a static key that the first notifying task
//!   turns on.
//! - Notification splits the work by context: the entry hooks only count
//!   and record (interrupts disabled, or inside the system call), the
//!   return to user space reports a pending exception and sends the
//!   signal, preemptible, where a pending signal is delivered at once.
//! - Only the task changes its own state (and its parent, for a child not
//!   yet running), so plain relaxed atomics suffice; they make concurrent
//!   readers (the `/proc` file) safe without a lock on the exit path. The
//!   state is published once and only freed with the task, which a reader
//!   holds a reference on.

use core::ffi::c_void;
use core::mem::size_of;
use core::ptr::NonNull;
use core::sync::atomic::{
    AtomicBool, AtomicI32, AtomicU64, AtomicU8, AtomicUsize, Ordering::Relaxed,
};
use kernel::bindings;
use kernel::ffi::{c_int, c_long, c_uint, c_ulong};
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

mod abi;
mod compat;
mod shim;
mod state;

use abi::{
    ActivateControl, InheritControl, NotifyControl, NotifyExtensions, QuiesceControl,
    QuiesceExtensions,
};
use compat::{AsBytes, FromBytes, UserPtr};
use shim::{IsolSlot, SeqFile};
use state::{
    Breaks, Reject, State, ISOL_F_NOTIFY, ISOL_F_QUIESCE, ISOL_F_QUIESCE_LRU,
    ISOL_F_QUIESCE_VMSTATS, ISOL_NOTIFY_EXCEPTION, ISOL_NOTIFY_INTERRUPT, ISOL_NOTIFY_SYSCALL,
    NOTIFY_EVENTS, QUIESCE_BITS,
};

/// `TaskIsol::pending`: an exception break waits to be reported.
const PEND_EXCEPTION: u8 = 1 << 0;
/// `TaskIsol::pending`: a break waits for its signal.
const PEND_SIGNAL: u8 = 1 << 1;
/// `TaskIsol::pending`: nothing to report, but `TIF_TASK_ISOL` was set for
/// a tentative exception that turned out to be an interrupt: the return
/// to user space must re-evaluate the bit, or it would stay set.
const PEND_RECHECK: u8 = 1 << 2;

/// The state a task owns once it has configured isolation.
///
/// The masks of [`State`] are stored in a byte each: every valid mask is a
/// subset of the known bits, which fit (checked below), and so does every
/// valid signal number. That keeps the whole state in 64 bytes.
#[derive(Default)]
pub(crate) struct TaskIsol {
    /// Breaks by class: written by the task only, read by `/proc`.
    breaks: [AtomicU64; 3],
    /// Where the pending exception was taken.
    pend_ip: AtomicUsize,
    pend_addr: AtomicUsize,
    pend_cpu: AtomicI32,
    quiesce_mask: AtomicU8,
    inherit_mask: AtomicU8,
    active_mask: AtomicU8,
    oneshot_mask: AtomicU8,
    oneshot_pending: AtomicBool,
    notify_mask: AtomicU8,
    signo: AtomicU8,
    /// The `ISOL_NOTIFY_*` bit of the last break, 0 before the first.
    last_break: AtomicU8,
    /// `PEND_*` bits: what the next return to user space must report.
    pending: AtomicU8,
    /// Derived from the fields above by `store()`: the quiesce bits of a
    /// return to user space that is not the activating call's, so that
    /// the usual return of a quiescing task loads one byte for them.
    exit_mask: AtomicU8,
    /// Whether the task holds a reference on the entry hooks' static key.
    holds_key: AtomicBool,
}

const _: () = {
    assert!(state::FEATURES <= u8::MAX as u64);
    assert!(QUIESCE_BITS <= u8::MAX as u64);
    assert!(NOTIFY_EVENTS <= u8::MAX as u64);
    assert!(bindings::_NSIG <= u8::MAX as u32);
    assert!(size_of::<TaskIsol>() <= 64);
};

/// A mask of [`State`] as stored: lossless for the masks a [`State`] can
/// hold (see [`TaskIsol`]).
fn narrow(mask: u64) -> u8 {
    mask as u8
}

impl TaskIsol {
    fn load(&self) -> State {
        State {
            quiesce_mask: self.quiesce_mask.load(Relaxed).into(),
            inherit_mask: self.inherit_mask.load(Relaxed),
            active_mask: self.active_mask.load(Relaxed).into(),
            oneshot_mask: self.oneshot_mask.load(Relaxed).into(),
            oneshot_pending: self.oneshot_pending.load(Relaxed),
            notify_mask: self.notify_mask.load(Relaxed).into(),
            signo: self.signo.load(Relaxed).into(),
        }
    }

    fn load_breaks(&self) -> Breaks {
        Breaks {
            count: [0, 1, 2].map(|i| self.breaks[i].load(Relaxed)),
            last: self.last_break.load(Relaxed).into(),
        }
    }

    /// The classes reported now, and the signal for each.
    fn notified(&self) -> (u64, u32) {
        if u64::from(self.active_mask.load(Relaxed)) & ISOL_F_NOTIFY == 0 {
            return (0, 0);
        }
        let events = self.notify_mask.load(Relaxed).into();
        (events, self.signo.load(Relaxed).into())
    }

    /// Counts and traces a break of `class` (one `ISOL_NOTIFY_*` bit).
    /// Only the task itself calls this, on an entry from user mode: no
    /// other writer can interleave, so load and store suffice.
    fn count_break(
        &self,
        class: u64,
        cpu: c_int,
        nr: c_long,
        addr: c_ulong,
        ip: c_ulong,
        handler: *mut c_void,
    ) {
        let counter = &self.breaks[state::class_index(class)];
        counter.store(counter.load(Relaxed).wrapping_add(1), Relaxed);
        self.last_break.store(narrow(class), Relaxed);
        shim::trace_break(class, cpu, nr, addr, ip, handler);
    }

    /// Marks `bits` pending for the return to user space, which the
    /// caller makes sure runs the exit hook ([`on_user_entry()`]).
    fn set_pending(&self, bits: u8) -> bool {
        self.pending
            .store(self.pending.load(Relaxed) | bits, Relaxed);
        true
    }

    /// What the return to user space needs, one load per field it uses:
    /// this runs on every return of a quiescing task, and the inherit
    /// mask plays no part there (it is left 0 and never stored back).
    fn load_for_exit(&self) -> State {
        State {
            quiesce_mask: self.quiesce_mask.load(Relaxed).into(),
            active_mask: self.active_mask.load(Relaxed).into(),
            oneshot_mask: self.oneshot_mask.load(Relaxed).into(),
            oneshot_pending: self.oneshot_pending.load(Relaxed),
            ..State::default()
        }
    }

    fn store(&self, s: &State) {
        self.quiesce_mask.store(narrow(s.quiesce_mask), Relaxed);
        self.inherit_mask.store(s.inherit_mask, Relaxed);
        self.active_mask.store(narrow(s.active_mask), Relaxed);
        self.oneshot_mask.store(narrow(s.oneshot_mask), Relaxed);
        self.oneshot_pending.store(s.oneshot_pending, Relaxed);
        self.notify_mask.store(narrow(s.notify_mask), Relaxed);
        self.signo.store(narrow(s.signo.into()), Relaxed);
        let exit_mask = State {
            oneshot_pending: false,
            ..*s
        }
        .exit_to_user()
        .0;
        self.exit_mask.store(narrow(exit_mask), Relaxed);
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
/// makes the work bits and the entry hooks' static key follow it. Nothing
/// changes on failure. Runs in process context (prctl, fork), which may
/// sleep: the only place where the static key is turned on.
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
    let Some(isol) = task.state() else {
        return Ok(());
    };
    let hooks = new.wants_entry_hooks();
    if hooks && !isol.holds_key.load(Relaxed) {
        shim::notify_key_get();
        isol.holds_key.store(true, Relaxed);
    }
    isol.store(new);
    if !hooks && isol.holds_key.load(Relaxed) {
        isol.holds_key.store(false, Relaxed);
        shim::notify_key_put();
    }
    // A prctl or a fork never finds a break pending: breaks are recorded
    // on an entry from user mode and reported on the return from it.
    task.set_exit_work(new.wants_exit_work());
    task.set_syscall_work(new.wants_syscall_work());
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

/// Whether a `feat`/`arg3` prctl argument names `ISOL_F_NOTIFY`.
fn is_notify(arg: c_ulong) -> bool {
    arg as u64 == ISOL_F_NOTIFY
}

/// `prctl(PR_ISOL_FEAT_GET, feat, ptr, 0, 0)`.
fn feat_get(feat: c_ulong, ptr: UserPtr, arg4: c_ulong, arg5: c_ulong) -> Result {
    require_zero(&[arg4, arg5])?;
    if feat == 0 {
        return write_user(ptr, &state::FEATURES);
    }
    if is_notify(feat) {
        let ext = NotifyExtensions {
            supported_events: NOTIFY_EVENTS,
            ..Default::default()
        };
        return write_user(ptr, &ext);
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
        abi::I_CFG_FEAT if is_notify(arg3) => {
            let ctl = NotifyControl {
                event_mask: s.notify_mask,
                signo: s.signo,
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
        abi::I_CFG_FEAT if is_notify(arg3) => {
            let ctl: NotifyControl = read_user(ptr)?;
            if !ctl.reserved_clear() {
                return Err(EINVAL);
            }
            load(task).set_notify(ctl.event_mask, ctl.signo, shim::max_signo())?
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
    let _: [unsafe extern "C" fn(*mut bindings::task_struct); 2] =
        [bindings::task_isol_secure_exec, task_isol_secure_exec];
    let _: [unsafe extern "C" fn(*mut bindings::seq_file, *mut bindings::task_struct) -> c_int; 2] =
        [bindings::task_isol_proc_show, task_isol_proc_show];
    let _: [unsafe extern "C" fn(c_long, c_uint, c_ulong, c_ulong, c_int); 2] =
        [bindings::task_isol_syscall_break, task_isol_syscall_break];
    let _: [unsafe extern "C" fn(c_ulong, c_int); 2] =
        [bindings::task_isol_entry_break, task_isol_entry_break];
    let _: [unsafe extern "C" fn(c_ulong, c_int, c_int, *mut c_void); 2] =
        [bindings::task_isol_irq_break, task_isol_irq_break];
    let _: [unsafe extern "C" fn(c_ulong); 2] =
        [bindings::task_isol_fault_addr, task_isol_fault_addr];
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

/// Drops the notification signal of a task that executes a privileged
/// (set-user-ID) program, as the exec drops its `pdeath_signal`.
///
/// # Safety
///
/// `tsk` must be `current`, in `begin_new_exec()` past the point of no
/// return, and no other `IsolSlot` of it may exist.
#[no_mangle]
pub unsafe extern "C" fn task_isol_secure_exec(tsk: *mut bindings::task_struct) {
    let Some(tsk) = NonNull::new(tsk) else {
        return;
    };
    // SAFETY: Guaranteed by the caller.
    let mut task = unsafe { IsolSlot::from_raw(tsk) };
    let now = load(&task);
    if now.signo == 0 {
        return;
    }
    // Storing into existing state allocates nothing and cannot fail.
    let _ = commit(&mut task, &now.secure_exec());
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
    if let Some(isol) = task.take() {
        if isol.holds_key.load(Relaxed) {
            // Only schedules work when it is the last reference: fine in
            // free_task(), which may run from an RCU callback.
            shim::notify_key_put();
        }
    }
}

/// Reports what the entry left pending: an exception break (counter,
/// tracepoint) and the signal of any break. `PEND_RECHECK` only brings
/// the caller here, which re-evaluates `TIF_TASK_ISOL`.
fn report_pending(isol: &TaskIsol) {
    let pending = isol.pending.load(Relaxed);
    if pending == 0 {
        return;
    }
    isol.pending.store(0, Relaxed);
    let (events, signo) = isol.notified();
    let mut signal = pending & PEND_SIGNAL != 0;
    if pending & PEND_EXCEPTION != 0 && events & ISOL_NOTIFY_EXCEPTION != 0 {
        let ip = isol.pend_ip.load(Relaxed);
        let addr = isol.pend_addr.load(Relaxed);
        let cpu = isol.pend_cpu.load(Relaxed);
        isol.count_break(
            ISOL_NOTIFY_EXCEPTION,
            cpu,
            -1,
            addr,
            ip,
            core::ptr::null_mut(),
        );
        signal = true;
    }
    if signal && signo != 0 {
        // Sets TIF_SIGPENDING: the exit loop goes round once more and
        // delivers the signal before user space runs.
        shim::send_signal(signo);
    }
}

/// Quiesces what the calling task asked for and reports its pending
/// breaks; called on each of its returns to user space while its
/// `TIF_TASK_ISOL` bit is set, preemptible, with interrupts enabled,
/// after all other exit work.
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
    let task = unsafe { IsolSlot::from_raw(NonNull::new_unchecked(tsk)) };
    // The usual return of a quiescing task: nothing pending, no one-shot,
    // the state stays as it is and so does the work bit.
    if let Some(isol) = task.state() {
        if isol.pending.load(Relaxed) == 0 && !isol.oneshot_pending.load(Relaxed) {
            let mask = isol.exit_mask.load(Relaxed);
            if mask != 0 {
                quiesce(mask.into());
                return;
            }
        }
    }
    exit_to_user_slow(task);
}

/// The rest of [`task_isol_exit_to_user()`]: reports pending breaks,
/// retires the one-shot mask and makes `TIF_TASK_ISOL` follow the state.
#[cold]
#[inline(never)]
fn exit_to_user_slow(mut task: IsolSlot) {
    let (mask, work) = match task.state() {
        None => (0, false),
        Some(isol) => {
            report_pending(isol);
            let (mask, next) = isol.load_for_exit().exit_to_user();
            isol.oneshot_pending.store(next.oneshot_pending, Relaxed);
            (mask, next.wants_exit_work())
        }
    };
    task.set_exit_work(work);
    quiesce(mask);
}

/// Quiesces the `ISOL_F_QUIESCE_*` bits of `mask` on this CPU.
fn quiesce(mask: u64) {
    // Draining moves folios to the LRU lists, which changes vmstat
    // counters: drain first, then fold.
    if mask & ISOL_F_QUIESCE_LRU != 0 {
        shim::lru_add_drain_quiesce();
    }
    if mask & ISOL_F_QUIESCE_VMSTATS != 0 {
        shim::quiet_vmstat_sync();
    }
}

/// Runs `f` with the state of the current task on an entry from user
/// mode, if it has any; when `f` returns true (it left a break pending),
/// sets `TIF_TASK_ISOL` so that the return to user space reports it.
///
/// # Safety
///
/// Must run on an entry from user mode, before any other code of the task
/// takes its slot: the task is in no other code that holds one.
unsafe fn on_user_entry(f: impl FnOnce(&TaskIsol) -> bool) {
    // SAFETY: Guaranteed by the caller: an entry from user mode interrupts
    // no kernel code of the task.
    let mut task = unsafe { IsolSlot::current() };
    if task.state().is_some_and(f) {
        task.set_exit_work(true);
    }
}

/// Decides whether a system call of the current task is a break; called
/// by `task_isol_syscall_entry()` while the task's `SYSCALL_WORK_TASK_ISOL`
/// bit is set, interrupts enabled, on entry to the call `nr`, of `kind`
/// (`TASK_ISOL_SYS_*` of notify.c) and, for `prctl`, option `arg0`.
#[no_mangle]
pub extern "C" fn task_isol_syscall_break(
    nr: c_long,
    kind: c_uint,
    arg0: c_ulong,
    ip: c_ulong,
    cpu: c_int,
) {
    if syscall_exempt(kind, arg0) {
        return;
    }
    // SAFETY: This runs on a system call entry, before the call itself.
    unsafe {
        on_user_entry(|isol| {
            let (events, signo) = isol.notified();
            if events & ISOL_NOTIFY_SYSCALL == 0 {
                return false;
            }
            isol.count_break(ISOL_NOTIFY_SYSCALL, cpu, nr, 0, ip, core::ptr::null_mut());
            signo != 0 && isol.set_pending(PEND_SIGNAL)
        })
    };
}

/// The system calls that are never breaks, so that a notified task can
/// deactivate, end and return from its signal handler.
fn syscall_exempt(kind: c_uint, arg0: c_ulong) -> bool {
    match kind {
        TASK_ISOL_SYS_EXIT | TASK_ISOL_SYS_SIGRETURN => true,
        TASK_ISOL_SYS_PRCTL => u32::try_from(arg0).is_ok_and(abi::is_isol_prctl),
        _ => false,
    }
}

/// `enum` of notify.c: the kind of a system call, whatever its ABI.
const TASK_ISOL_SYS_PRCTL: c_uint = 1;
const TASK_ISOL_SYS_EXIT: c_uint = 2;
const TASK_ISOL_SYS_SIGRETURN: c_uint = 3;

/// Records a possible exception break of the current task: called on every
/// entry from user mode but system calls and NMIs, with interrupts
/// disabled, while the notify static key is on and the task has state.
/// Interrupts are reclassified at once by `task_isol_irq_break()`; what
/// stays pending is reported on the return to user space.
#[no_mangle]
pub extern "C" fn task_isol_entry_break(ip: c_ulong, cpu: c_int) {
    // SAFETY: This runs on an entry from user mode (C checks user_mode()).
    unsafe {
        on_user_entry(|isol| {
            if isol.notified().0 & ISOL_NOTIFY_EXCEPTION == 0 {
                return false;
            }
            isol.pend_ip.store(ip, Relaxed);
            isol.pend_addr.store(0, Relaxed);
            isol.pend_cpu.store(cpu, Relaxed);
            isol.set_pending(PEND_EXCEPTION)
        })
    };
}

/// The entry just recorded by `task_isol_entry_break()` is an interrupt,
/// entered through `handler` (with `vector` for a device interrupt, else
/// -1): reports it now. Interrupts disabled, same conditions.
#[no_mangle]
pub extern "C" fn task_isol_irq_break(
    ip: c_ulong,
    cpu: c_int,
    vector: c_int,
    handler: *mut c_void,
) {
    // SAFETY: This runs on an entry from user mode (C checks user_mode()).
    unsafe {
        on_user_entry(|isol| {
            let pending = isol.pending.load(Relaxed);
            if pending & PEND_EXCEPTION != 0 {
                // The entry hook set TIF_TASK_ISOL for the exception: let
                // the return to user space clear it again if need be.
                let pending = (pending & !PEND_EXCEPTION) | PEND_RECHECK;
                isol.pending.store(pending, Relaxed);
            }
            let (events, signo) = isol.notified();
            if events & ISOL_NOTIFY_INTERRUPT == 0 {
                return false;
            }
            isol.count_break(
                ISOL_NOTIFY_INTERRUPT,
                cpu,
                // Lossless: `c_long` is at least as wide as `c_int`.
                vector as c_long,
                0,
                ip,
                handler,
            );
            signo != 0 && isol.set_pending(PEND_SIGNAL)
        })
    };
}

/// The entry just recorded is a page fault at `address`.
#[no_mangle]
pub extern "C" fn task_isol_fault_addr(address: c_ulong) {
    // SAFETY: This runs on an entry from user mode (C checks user_mode()).
    unsafe {
        on_user_entry(|isol| {
            if isol.pending.load(Relaxed) & PEND_EXCEPTION != 0 {
                isol.pend_addr.store(address, Relaxed);
            }
            false
        })
    };
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
    let (s, b) = unsafe {
        IsolSlot::view(tsk, |t| match t.state() {
            Some(isol) => (isol.load(), isol.load_breaks()),
            None => Default::default(),
        })
    };
    // Writing to a `SeqFile` cannot fail: seq_file itself handles overflow.
    let _ = state::write_status(&mut seq, &s, &b);
    0
}
