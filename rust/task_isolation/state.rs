// SPDX-License-Identifier: GPL-2.0

//! The task isolation state machine, free of any kernel dependency.
//!
//! Every call that changes state computes the complete new [`State`] from
//! the old one and either returns it or rejects the request; the caller then
//! stores it in one step. A rejected request therefore changes nothing. The
//! module only uses `core`, so its rules are also unit-tested on the host
//! (`tests/host/`).

use core::fmt::{self, Write};

/// Feature bit: quiesce kernel activities on return to user space.
pub(crate) const ISOL_F_QUIESCE: u64 = 1 << 0;
/// Feature bit: report entries into the kernel (breaks of isolation).
pub(crate) const ISOL_F_NOTIFY: u64 = 1 << 1;
/// All features this implementation knows.
pub(crate) const FEATURES: u64 = ISOL_F_QUIESCE | ISOL_F_NOTIFY;

/// Quiesce bit: fold the per-CPU vmstat counters and cancel `vmstat_update`.
pub(crate) const ISOL_F_QUIESCE_VMSTATS: u64 = 1 << 0;
/// Quiesce bit: drain the per-CPU LRU batches when they hold anything.
pub(crate) const ISOL_F_QUIESCE_LRU: u64 = 1 << 1;
/// All quiesce bits this implementation knows.
pub(crate) const QUIESCE_BITS: u64 = ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU;

/// Event bit: system calls (all but the exempt ones) are breaks.
pub(crate) const ISOL_NOTIFY_SYSCALL: u64 = 1 << 0;
/// Event bit: exceptions taken in user mode are breaks.
pub(crate) const ISOL_NOTIFY_EXCEPTION: u64 = 1 << 1;
/// Event bit: interrupts taken in user mode are breaks.
pub(crate) const ISOL_NOTIFY_INTERRUPT: u64 = 1 << 2;
/// All event bits this implementation knows.
pub(crate) const NOTIFY_EVENTS: u64 =
    ISOL_NOTIFY_SYSCALL | ISOL_NOTIFY_EXCEPTION | ISOL_NOTIFY_INTERRUPT;

/// Inherit bit: a child gets a copy of the configuration.
pub(crate) const ISOL_INHERIT_CONF: u8 = 1 << 0;
/// Inherit bit: a child also gets the activation state (needs `CONF`).
pub(crate) const ISOL_INHERIT_ACTIVE: u8 = 1 << 1;
/// All inherit bits.
pub(crate) const INHERIT_BITS: u8 = ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE;

/// Names of the feature bits, by bit number.
const FEATURE_NAMES: &[&str] = &["quiesce", "notify"];
/// Names of the quiesce bits, by bit number (the `chisol -q` names).
const QUIESCE_NAMES: &[&str] = &["vmstat_sync", "lru_drain"];
/// Names of the inherit bits, by bit number.
const INHERIT_NAMES: &[&str] = &["conf", "active"];
/// Names of the event bits (break classes), by bit number.
const EVENT_NAMES: &[&str] = &["syscall", "exception", "interrupt"];

/// Why a request is refused; mapped to an errno by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reject {
    /// `EINVAL`: malformed or inconsistent request.
    Invalid,
    /// `EBUSY`: the request would un-configure an active feature.
    Busy,
}

/// Result of a state transition.
pub(crate) type Transition = core::result::Result<State, Reject>;

/// One task's isolation state, as a value: what a call computes and
/// stores (see `IsolSlot::state()` for what a concurrent reader sees).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct State {
    /// `ISOL_F_QUIESCE_*` bits to quiesce; nonzero means `ISOL_F_QUIESCE` is configured.
    pub(crate) quiesce_mask: u64,
    /// `ISOL_INHERIT_*` bits.
    pub(crate) inherit_mask: u8,
    /// Active features.
    pub(crate) active_mask: u64,
    /// Quiesce bits handled on the activating call's return only.
    pub(crate) oneshot_mask: u64,
    /// The next return to user space is the activating call's: quiesce
    /// one-shot bits too.
    pub(crate) oneshot_pending: bool,
    /// `ISOL_NOTIFY_*` bits; nonzero means `ISOL_F_NOTIFY` is configured.
    pub(crate) notify_mask: u64,
    /// The signal sent for each break, 0 for none.
    pub(crate) signo: u32,
}

impl State {
    /// Features that are configured.
    pub(crate) fn configured(&self) -> u64 {
        let mut features = 0;
        if self.quiesce_mask != 0 {
            features |= ISOL_F_QUIESCE;
        }
        if self.notify_mask != 0 {
            features |= ISOL_F_NOTIFY;
        }
        features
    }

    /// `PR_ISOL_CFG_SET`, `I_CFG_FEAT`, `ISOL_F_QUIESCE`.
    pub(crate) fn set_quiesce(self, quiesce_mask: u64) -> Transition {
        if quiesce_mask & !QUIESCE_BITS != 0 {
            return Err(Reject::Invalid);
        }
        if quiesce_mask == 0 && self.active_mask & ISOL_F_QUIESCE != 0 {
            return Err(Reject::Busy);
        }
        Ok(State {
            quiesce_mask,
            ..self
        })
    }

    /// `PR_ISOL_CFG_SET`, `I_CFG_FEAT`, `ISOL_F_NOTIFY`; `max_signo` is
    /// the highest signal number of this kernel (`SIGRTMAX`).
    pub(crate) fn set_notify(self, notify_mask: u64, signo: u32, max_signo: u32) -> Transition {
        if notify_mask & !NOTIFY_EVENTS != 0 || signo > max_signo {
            return Err(Reject::Invalid);
        }
        if notify_mask == 0 {
            if signo != 0 {
                return Err(Reject::Invalid);
            }
            if self.active_mask & ISOL_F_NOTIFY != 0 {
                return Err(Reject::Busy);
            }
        }
        Ok(State {
            notify_mask,
            signo,
            ..self
        })
    }

    /// `PR_ISOL_CFG_SET`, `I_CFG_INHERIT`.
    pub(crate) fn set_inherit(self, inherit_mask: u8) -> Transition {
        if inherit_mask & !INHERIT_BITS != 0 {
            return Err(Reject::Invalid);
        }
        if inherit_mask & ISOL_INHERIT_ACTIVE != 0 && inherit_mask & ISOL_INHERIT_CONF == 0 {
            return Err(Reject::Invalid);
        }
        Ok(State {
            inherit_mask,
            ..self
        })
    }

    /// `PR_ISOL_ACTIVATE_SET` with the new active mask and the optional
    /// one-shot mask from `struct task_isol_activate_control`.
    pub(crate) fn activate(self, active_mask: u64, oneshot: Option<u64>) -> Transition {
        if active_mask & !FEATURES != 0 {
            return Err(Reject::Invalid);
        }
        if active_mask & !self.configured() != 0 {
            return Err(Reject::Invalid);
        }
        let quiesce = active_mask & ISOL_F_QUIESCE != 0;
        // A `ctl` whose one-shot mask is 0 means "no one-shot", with any
        // new mask: the seed's samples deactivate that way.
        let oneshot_mask = match oneshot {
            None | Some(0) => 0,
            Some(_) if !quiesce => return Err(Reject::Invalid),
            Some(m) if m & !QUIESCE_BITS != 0 || m & !self.quiesce_mask != 0 => {
                return Err(Reject::Invalid)
            }
            Some(m) => m,
        };
        Ok(State {
            active_mask,
            oneshot_mask,
            oneshot_pending: quiesce,
            ..self
        })
    }

    /// The state after a privileged (set-user-ID) exec: everything stays
    /// but the signal, which the caller could otherwise have sent to the
    /// privileged program at each of its system calls.
    pub(crate) fn secure_exec(self) -> State {
        State { signo: 0, ..self }
    }

    /// The state a child starts with, `None` when it inherits nothing.
    pub(crate) fn inherited(&self) -> Option<State> {
        if self.inherit_mask & ISOL_INHERIT_CONF == 0 {
            return None;
        }
        if self.inherit_mask & ISOL_INHERIT_ACTIVE != 0 {
            return Some(*self);
        }
        Some(State {
            quiesce_mask: self.quiesce_mask,
            inherit_mask: self.inherit_mask,
            notify_mask: self.notify_mask,
            signo: self.signo,
            ..State::default()
        })
    }

    /// Whether the return-to-user hook must run for this state. The task's
    /// `TIF_TASK_ISOL` bit follows this, so that a task with nothing to
    /// quiesce pays nothing.
    pub(crate) fn wants_exit_work(&self) -> bool {
        self.active_mask & ISOL_F_QUIESCE != 0
            && (self.oneshot_pending || self.quiesce_mask & !self.oneshot_mask != 0)
    }

    /// The break classes (`ISOL_NOTIFY_*`) reported now: none unless
    /// `ISOL_F_NOTIFY` is active.
    pub(crate) fn notified(&self) -> u64 {
        if self.active_mask & ISOL_F_NOTIFY == 0 {
            return 0;
        }
        self.notify_mask
    }

    /// Whether system calls must reach the notify hook: the task's
    /// `SYSCALL_WORK_TASK_ISOL` bit follows this.
    pub(crate) fn wants_syscall_work(&self) -> bool {
        self.notified() & ISOL_NOTIFY_SYSCALL != 0
    }

    /// Whether exceptions and interrupts must reach the notify hooks: the
    /// task holds a reference on their static key while this is true.
    pub(crate) fn wants_entry_hooks(&self) -> bool {
        self.notified() & (ISOL_NOTIFY_EXCEPTION | ISOL_NOTIFY_INTERRUPT) != 0
    }

    /// On return to user space: the quiesce bits to act on now, and the
    /// state after this return.
    pub(crate) fn exit_to_user(self) -> (u64, State) {
        if self.active_mask & ISOL_F_QUIESCE == 0 {
            return (0, self);
        }
        // Every return but the activating one: the state stays as it is
        // (this is the hot path of a quiescing task, keep it short).
        if !self.oneshot_pending {
            return (self.quiesce_mask & !self.oneshot_mask, self);
        }
        let next = State {
            oneshot_pending: false,
            ..self
        };
        (self.quiesce_mask, next)
    }
}

/// Writes `key: 0x<mask> <names>`, the names of the set bits separated by
/// commas and left out when the mask is 0.
fn write_mask(w: &mut impl Write, key: &str, mask: u64, names: &[&str]) -> fmt::Result {
    write!(w, "{key}: {mask:#x}")?;
    let mut sep = " ";
    for (bit, name) in names.iter().enumerate() {
        if mask & (1 << bit) != 0 {
            write!(w, "{sep}{name}")?;
            sep = ",";
        }
    }
    w.write_str("\n")
}

/// What a task's breaks of isolation were: counters by class, and the
/// class of the last one. Not part of [`State`]: a new task starts with
/// none, whatever it inherits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Breaks {
    /// Breaks by class, indexed by the bit number of the `ISOL_NOTIFY_*` bit.
    pub(crate) count: [u64; 3],
    /// The `ISOL_NOTIFY_*` bit of the last break, 0 before the first.
    pub(crate) last: u64,
}

/// The index of a class in [`Breaks::count`]; `class` is one `ISOL_NOTIFY_*` bit.
pub(crate) fn class_index(class: u64) -> usize {
    match class {
        ISOL_NOTIFY_SYSCALL => 0,
        ISOL_NOTIFY_EXCEPTION => 1,
        _ => 2,
    }
}

/// Writes `s` and `b` in the format of `/proc/<pid>/task_isolation`, one
/// `key: value` line each.
pub(crate) fn write_status(w: &mut impl Write, s: &State, b: &Breaks) -> fmt::Result {
    write_mask(w, "configured", s.configured(), FEATURE_NAMES)?;
    write_mask(w, "quiesce_mask", s.quiesce_mask, QUIESCE_NAMES)?;
    write_mask(w, "active_mask", s.active_mask, FEATURE_NAMES)?;
    write_mask(w, "oneshot_mask", s.oneshot_mask, QUIESCE_NAMES)?;
    write_mask(w, "inherit_mask", s.inherit_mask.into(), INHERIT_NAMES)?;
    write_mask(w, "notify_mask", s.notify_mask, EVENT_NAMES)?;
    writeln!(w, "notify_signo: {}", s.signo)?;
    for (name, count) in EVENT_NAMES.iter().zip(b.count) {
        writeln!(w, "breaks_{name}: {count}")?;
    }
    let last = match b.last {
        0 => "none",
        class => EVENT_NAMES[class_index(class)],
    };
    writeln!(w, "last_break: {last}")
}
