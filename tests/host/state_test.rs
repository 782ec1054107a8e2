// SPDX-License-Identifier: GPL-2.0
//! Host unit tests for the task isolation state machine
//! (rust/task_isolation/state.rs), built with the build root's rustc:
//! `rustc --test`. The kernel build compiles the very same file.

#[path = "../../rust/task_isolation/state.rs"]
#[allow(dead_code)]
mod state;

use state::*;

fn configured() -> State {
    State::default()
        .set_quiesce(ISOL_F_QUIESCE_VMSTATS)
        .unwrap()
}

#[test]
fn default_is_empty_and_needs_no_work() {
    let s = State::default();
    assert_eq!(s.configured(), 0);
    assert!(!s.wants_exit_work());
    assert_eq!(s.exit_to_user(), (0, s));
}

#[test]
fn quiesce_mask_rejects_unknown_bits() {
    assert_eq!(QUIESCE_BITS, ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU);
    for bit in 2..64 {
        assert_eq!(State::default().set_quiesce(1 << bit), Err(Reject::Invalid));
        assert_eq!(
            State::default().set_quiesce(QUIESCE_BITS | 1 << bit),
            Err(Reject::Invalid)
        );
    }
    for mask in [ISOL_F_QUIESCE_VMSTATS, ISOL_F_QUIESCE_LRU, QUIESCE_BITS] {
        assert_eq!(
            State::default().set_quiesce(mask).unwrap().quiesce_mask,
            mask
        );
    }
}

#[test]
fn oneshot_with_two_bits() {
    let both = State::default().set_quiesce(QUIESCE_BITS).unwrap();
    // One bit one-shot, the other on every return.
    let a = both
        .activate(ISOL_F_QUIESCE, Some(ISOL_F_QUIESCE_LRU))
        .unwrap();
    let (first, next) = a.exit_to_user();
    assert_eq!(first, QUIESCE_BITS);
    let (later, _) = next.exit_to_user();
    assert_eq!(later, ISOL_F_QUIESCE_VMSTATS);
    assert!(next.wants_exit_work());
    // Both one-shot: the bit is cleared after the activating return.
    let (first, next) = both
        .activate(ISOL_F_QUIESCE, Some(QUIESCE_BITS))
        .unwrap()
        .exit_to_user();
    assert_eq!(first, QUIESCE_BITS);
    assert!(!next.wants_exit_work());
    // Not a subset of the configured mask.
    let lru_only = State::default().set_quiesce(ISOL_F_QUIESCE_LRU).unwrap();
    assert_eq!(
        lru_only.activate(ISOL_F_QUIESCE, Some(ISOL_F_QUIESCE_VMSTATS)),
        Err(Reject::Invalid)
    );
    assert_eq!(
        lru_only.activate(ISOL_F_QUIESCE, Some(QUIESCE_BITS)),
        Err(Reject::Invalid)
    );
}

#[test]
fn mask_change_while_active_applies_at_next_return() {
    let a = State::default()
        .set_quiesce(ISOL_F_QUIESCE_VMSTATS)
        .unwrap()
        .activate(ISOL_F_QUIESCE, None)
        .unwrap();
    let (_, a) = a.exit_to_user();
    let changed = a.set_quiesce(ISOL_F_QUIESCE_LRU).unwrap();
    assert_eq!(changed.active_mask, ISOL_F_QUIESCE);
    assert_eq!(changed.exit_to_user().0, ISOL_F_QUIESCE_LRU);
}

#[test]
fn configuring_marks_feature_and_zero_unconfigures() {
    let s = configured();
    assert_eq!(s.configured(), ISOL_F_QUIESCE);
    assert_eq!(s.set_quiesce(0).unwrap().configured(), 0);
}

#[test]
fn unconfiguring_an_active_feature_is_busy() {
    let s = configured().activate(ISOL_F_QUIESCE, None).unwrap();
    assert_eq!(s.set_quiesce(0), Err(Reject::Busy));
    // Changing it to another nonzero mask is allowed.
    assert!(s.set_quiesce(ISOL_F_QUIESCE_VMSTATS).is_ok());
}

#[test]
fn activation_needs_configuration_and_known_bits() {
    assert_eq!(
        State::default().activate(ISOL_F_QUIESCE, None),
        Err(Reject::Invalid)
    );
    assert_eq!(configured().activate(1 << 1, None), Err(Reject::Invalid));
    assert_eq!(configured().activate(1 << 63, None), Err(Reject::Invalid));
    // Deactivating with nothing configured is fine.
    assert_eq!(State::default().activate(0, None), Ok(State::default()));
}

#[test]
fn oneshot_rules() {
    let c = configured();
    // A nonzero one-shot mask requires QUIESCE in the new mask ...
    assert_eq!(
        c.activate(0, Some(ISOL_F_QUIESCE_VMSTATS)),
        Err(Reject::Invalid)
    );
    // Unknown bit, and not a subset of quiesce_mask.
    assert_eq!(
        c.activate(ISOL_F_QUIESCE, Some(1 << 5)),
        Err(Reject::Invalid)
    );
    let mut empty_cfg = c;
    empty_cfg.quiesce_mask = 0;
    assert_eq!(
        empty_cfg.activate(0, Some(ISOL_F_QUIESCE_VMSTATS)),
        Err(Reject::Invalid)
    );
    let a = c
        .activate(ISOL_F_QUIESCE, Some(ISOL_F_QUIESCE_VMSTATS))
        .unwrap();
    assert_eq!(a.oneshot_mask, ISOL_F_QUIESCE_VMSTATS);
    // The activating return quiesces the one-shot bits ...
    assert!(a.wants_exit_work());
    let (mask, next) = a.exit_to_user();
    assert_eq!(mask, ISOL_F_QUIESCE_VMSTATS);
    // ... later returns do not, and the work bit can go.
    assert!(!next.wants_exit_work());
    assert_eq!(next.exit_to_user().0, 0);
    // A later ACTIVATE_SET without ctl clears the one-shot mask.
    let again = next.activate(ISOL_F_QUIESCE, None).unwrap();
    assert_eq!(again.oneshot_mask, 0);
    let (m1, n1) = again.exit_to_user();
    let (m2, _) = n1.exit_to_user();
    assert_eq!((m1, m2), (ISOL_F_QUIESCE_VMSTATS, ISOL_F_QUIESCE_VMSTATS));
}

#[test]
fn zeroed_ctl_means_no_oneshot() {
    let c = configured();
    let active = c.activate(ISOL_F_QUIESCE, None).unwrap();
    // ... but a zeroed ctl is "no one-shot", with any mask: deactivation
    // (the seed's task_isol_computation.c) and activation alike.
    let off = active.activate(0, Some(0)).unwrap();
    assert_eq!(off, active.activate(0, None).unwrap());
    assert_eq!(off.active_mask, 0);
    assert_eq!(off.oneshot_mask, 0);
    assert_eq!(
        c.activate(ISOL_F_QUIESCE, Some(0)),
        c.activate(ISOL_F_QUIESCE, None)
    );
    assert_eq!(State::default().activate(0, Some(0)), Ok(State::default()));
    // Unknown features stay invalid whatever ctl says.
    assert_eq!(c.activate(1 << 5, Some(0)), Err(Reject::Invalid));
}

#[test]
fn every_return_quiesces_while_active_and_none_after_deactivation() {
    let a = configured().activate(ISOL_F_QUIESCE, None).unwrap();
    let mut s = a;
    for _ in 0..3 {
        let (mask, next) = s.exit_to_user();
        assert_eq!(mask, ISOL_F_QUIESCE_VMSTATS);
        assert!(next.wants_exit_work());
        s = next;
    }
    let d = s.activate(0, None).unwrap();
    assert!(!d.wants_exit_work());
    assert_eq!(d.exit_to_user().0, 0);
    assert_eq!(
        d.quiesce_mask, ISOL_F_QUIESCE_VMSTATS,
        "deactivation keeps the configuration"
    );
}

#[test]
fn inherit_mask_rules() {
    let s = State::default();
    assert_eq!(s.set_inherit(ISOL_INHERIT_ACTIVE), Err(Reject::Invalid));
    assert_eq!(s.set_inherit(1 << 2), Err(Reject::Invalid));
    assert_eq!(s.set_inherit(0x80), Err(Reject::Invalid));
    assert!(s
        .set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE)
        .is_ok());
}

#[test]
fn inheritance() {
    let active = configured().activate(ISOL_F_QUIESCE, None).unwrap();
    assert_eq!(active.inherited(), None, "no CONF: the child starts empty");

    let conf = active.set_inherit(ISOL_INHERIT_CONF).unwrap();
    let child = conf.inherited().unwrap();
    assert_eq!(child.quiesce_mask, ISOL_F_QUIESCE_VMSTATS);
    assert_eq!(
        child.inherit_mask, ISOL_INHERIT_CONF,
        "propagates to grandchildren"
    );
    assert_eq!(child.active_mask, 0);
    assert!(!child.wants_exit_work());

    let both = active
        .set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE)
        .unwrap()
        .exit_to_user()
        .1;
    let child = both.inherited().unwrap();
    assert_eq!(child, both, "the child behaves exactly as the parent would");
    assert!(child.wants_exit_work());
    assert_eq!(child.inherited(), Some(child));
}

fn status(s: &State) -> String {
    let mut out = String::new();
    write_status(&mut out, s, &Breaks::default()).unwrap();
    out
}

const NOTIFY_TAIL: &str = "notify_mask: 0x0\nnotify_signo: 0\nbreaks_syscall: 0\n\
                           breaks_exception: 0\nbreaks_interrupt: 0\nlast_break: none\n";

#[test]
fn status_of_an_empty_task() {
    assert_eq!(
        status(&State::default()),
        format!(
            "configured: 0x0\nquiesce_mask: 0x0\nactive_mask: 0x0\noneshot_mask: 0x0\n\
             inherit_mask: 0x0\n{NOTIFY_TAIL}"
        )
    );
}

#[test]
fn status_names_every_set_bit() {
    let s = configured()
        .set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE)
        .unwrap()
        .activate(ISOL_F_QUIESCE, Some(ISOL_F_QUIESCE_VMSTATS))
        .unwrap();
    assert_eq!(
        status(&s),
        format!(
            "configured: 0x1 quiesce\nquiesce_mask: 0x1 vmstat_sync\nactive_mask: 0x1 quiesce\n\
             oneshot_mask: 0x1 vmstat_sync\ninherit_mask: 0x3 conf,active\n{NOTIFY_TAIL}"
        )
    );
    let both = State::default().set_quiesce(QUIESCE_BITS).unwrap();
    assert!(status(&both).contains("quiesce_mask: 0x3 vmstat_sync,lru_drain\n"));
    let lru = State::default().set_quiesce(ISOL_F_QUIESCE_LRU).unwrap();
    assert!(status(&lru).contains("quiesce_mask: 0x2 lru_drain\n"));
    let conf_only = configured().set_inherit(ISOL_INHERIT_CONF).unwrap();
    assert!(status(&conf_only).ends_with(&format!(
        "active_mask: 0x0\noneshot_mask: 0x0\ninherit_mask: 0x1 conf\n{NOTIFY_TAIL}"
    )));
}

const SIGRTMAX: u32 = 64;

fn notifying(mask: u64, signo: u32) -> State {
    State::default().set_notify(mask, signo, SIGRTMAX).unwrap()
}

#[test]
fn notify_configuration_rules() {
    assert_eq!(FEATURES, ISOL_F_QUIESCE | ISOL_F_NOTIFY);
    assert_eq!(NOTIFY_EVENTS, 0x7);
    for bit in 3..64 {
        assert_eq!(
            State::default().set_notify(1 << bit, 0, SIGRTMAX),
            Err(Reject::Invalid)
        );
    }
    let s = notifying(ISOL_NOTIFY_SYSCALL, 10);
    assert_eq!(s.configured(), ISOL_F_NOTIFY);
    assert_eq!((s.notify_mask, s.signo), (ISOL_NOTIFY_SYSCALL, 10));
    assert_eq!(notifying(NOTIFY_EVENTS, SIGRTMAX).signo, SIGRTMAX);
    assert_eq!(notifying(NOTIFY_EVENTS, 0).signo, 0, "0: count only");
    for bad in [SIGRTMAX + 1, u32::MAX] {
        assert_eq!(
            State::default().set_notify(NOTIFY_EVENTS, bad, SIGRTMAX),
            Err(Reject::Invalid)
        );
    }
    assert_eq!(
        State::default().set_notify(0, 10, SIGRTMAX),
        Err(Reject::Invalid),
        "a signal without events"
    );
    // Un-configuring: fine while inactive, EBUSY while active.
    assert_eq!(s.set_notify(0, 0, SIGRTMAX).unwrap().configured(), 0);
    let active = s.activate(ISOL_F_NOTIFY, None).unwrap();
    assert_eq!(active.set_notify(0, 0, SIGRTMAX), Err(Reject::Busy));
    // Changing the events while active is fine.
    let changed = active
        .set_notify(ISOL_NOTIFY_INTERRUPT, 0, SIGRTMAX)
        .unwrap();
    assert_eq!(changed.active_mask, ISOL_F_NOTIFY);
    // Both features are independent.
    let both = configured()
        .set_notify(ISOL_NOTIFY_EXCEPTION, 9, SIGRTMAX)
        .unwrap();
    assert_eq!(both.configured(), ISOL_F_QUIESCE | ISOL_F_NOTIFY);
    let q = both.activate(ISOL_F_QUIESCE, None).unwrap();
    assert_eq!(
        q.set_notify(0, 0, SIGRTMAX).unwrap().quiesce_mask,
        ISOL_F_QUIESCE_VMSTATS
    );
}

#[test]
fn notify_activation_and_work() {
    assert_eq!(
        State::default().activate(ISOL_F_NOTIFY, None),
        Err(Reject::Invalid),
        "not configured"
    );
    let s = notifying(ISOL_NOTIFY_SYSCALL, 0);
    assert!(!s.wants_syscall_work(), "configured only");
    let a = s.activate(ISOL_F_NOTIFY, None).unwrap();
    assert!(a.wants_syscall_work());
    assert!(!a.wants_entry_hooks());
    assert!(!a.wants_exit_work(), "notify alone quiesces nothing");
    assert_eq!(a.exit_to_user(), (0, a));
    // One-shot quiescing needs ISOL_F_QUIESCE in the new mask.
    assert_eq!(
        a.activate(ISOL_F_NOTIFY, Some(ISOL_F_QUIESCE_VMSTATS)),
        Err(Reject::Invalid)
    );
    let e = notifying(ISOL_NOTIFY_EXCEPTION, 0)
        .activate(ISOL_F_NOTIFY, None)
        .unwrap();
    assert!(e.wants_entry_hooks() && !e.wants_syscall_work());
    let i = notifying(ISOL_NOTIFY_INTERRUPT, 0)
        .activate(ISOL_F_NOTIFY, None)
        .unwrap();
    assert!(i.wants_entry_hooks());
    let off = i.activate(0, None).unwrap();
    assert!(!off.wants_entry_hooks() && off.notified() == 0);
    assert_eq!(
        off.configured(),
        ISOL_F_NOTIFY,
        "deactivation keeps the configuration"
    );
    let both = configured()
        .set_notify(NOTIFY_EVENTS, 10, SIGRTMAX)
        .unwrap()
        .activate(ISOL_F_QUIESCE | ISOL_F_NOTIFY, Some(ISOL_F_QUIESCE_VMSTATS))
        .unwrap();
    assert!(both.wants_exit_work() && both.wants_syscall_work() && both.wants_entry_hooks());
}

#[test]
fn notify_inheritance() {
    let s = notifying(ISOL_NOTIFY_SYSCALL | ISOL_NOTIFY_INTERRUPT, 12)
        .activate(ISOL_F_NOTIFY, None)
        .unwrap();
    assert_eq!(s.inherited(), None);
    let conf = s
        .set_inherit(ISOL_INHERIT_CONF)
        .unwrap()
        .inherited()
        .unwrap();
    assert_eq!(
        (conf.notify_mask, conf.signo, conf.active_mask),
        (0x5, 12, 0)
    );
    let all = s
        .set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE)
        .unwrap();
    assert_eq!(all.inherited(), Some(all));
}

#[test]
fn status_shows_notification_and_breaks() {
    let s = notifying(NOTIFY_EVENTS, 10)
        .activate(ISOL_F_NOTIFY, None)
        .unwrap();
    let b = Breaks {
        count: [3, 1, 12],
        last: ISOL_NOTIFY_INTERRUPT,
    };
    let mut out = String::new();
    write_status(&mut out, &s, &b).unwrap();
    assert_eq!(
        out,
        "configured: 0x2 notify\nquiesce_mask: 0x0\nactive_mask: 0x2 notify\n\
         oneshot_mask: 0x0\ninherit_mask: 0x0\nnotify_mask: 0x7 syscall,exception,interrupt\n\
         notify_signo: 10\nbreaks_syscall: 3\nbreaks_exception: 1\nbreaks_interrupt: 12\n\
         last_break: interrupt\n"
    );
    for (class, name) in [
        (ISOL_NOTIFY_SYSCALL, "syscall"),
        (ISOL_NOTIFY_EXCEPTION, "exception"),
    ] {
        let mut out = String::new();
        let b = Breaks {
            count: [0; 3],
            last: class,
        };
        write_status(&mut out, &s, &b).unwrap();
        assert!(out.ends_with(&format!("last_break: {name}\n")));
    }
}

#[test]
fn secure_exec_drops_only_the_signal() {
    let s = configured()
        .set_notify(NOTIFY_EVENTS, 19, SIGRTMAX)
        .unwrap()
        .set_inherit(ISOL_INHERIT_CONF)
        .unwrap()
        .activate(ISOL_F_QUIESCE | ISOL_F_NOTIFY, None)
        .unwrap();
    let after = s.secure_exec();
    assert_eq!(after.signo, 0);
    assert_eq!(State { signo: 19, ..after }, s, "nothing else changes");
    assert!(after.wants_syscall_work() && after.wants_exit_work());
    assert_eq!(State::default().secure_exec(), State::default());
}
