// SPDX-License-Identifier: GPL-2.0
//! What --status and --pid print: the kernel's /proc/<tid>/task_isolation
//! text as it is (chisol does not format the state itself), per thread
//! with --all-tasks; and the names of the bits that --info and the options
//! use. The status tests run on a directory tree that stands in for /proc.

use std::fs;
use std::path::{Path, PathBuf};

use chisol::names::{
    field, mask_names, parse_event_list, parse_quiesce_list, NameList, EVENTS, FEATURES, INHERIT,
    QUIESCE,
};
use chisol::status::{prefix_lines, read_status, thread_ids, StatusError, Target};

const ACTIVE: &str = "configured: 0x1 quiesce\n\
                      quiesce_mask: 0x1 vmstat_sync\n\
                      active_mask: 0x1 quiesce\n\
                      oneshot_mask: 0x1 vmstat_sync\n\
                      inherit_mask: 0x1 conf\n";
const EMPTY: &str = "configured: 0x0\n\
                     quiesce_mask: 0x0\n\
                     active_mask: 0x0\n\
                     oneshot_mask: 0x0\n\
                     inherit_mask: 0x0\n";
/// A kernel with ISOL_F_NOTIFY: the contract's example, both features.
const NOTIFY: &str = "configured: 0x3 quiesce,notify\n\
                      quiesce_mask: 0x3 vmstat_sync,lru_drain\n\
                      active_mask: 0x3 quiesce,notify\n\
                      oneshot_mask: 0x0\n\
                      inherit_mask: 0x0\n\
                      notify_mask: 0x7 syscall,exception,interrupt\n\
                      notify_signo: 10\n\
                      breaks_syscall: 3\n\
                      breaks_exception: 1\n\
                      breaks_interrupt: 12\n\
                      last_break: interrupt\n";
/// The same kernel, a task with no state.
const NOTIFY_EMPTY: &str = "configured: 0x0\n\
                            quiesce_mask: 0x0\n\
                            active_mask: 0x0\n\
                            oneshot_mask: 0x0\n\
                            inherit_mask: 0x0\n\
                            notify_mask: 0x0\n\
                            notify_signo: 0\n\
                            breaks_syscall: 0\n\
                            breaks_exception: 0\n\
                            breaks_interrupt: 0\n\
                            last_break: none\n";
/// Notification alone, a thread that inherited it (counters from 0).
const NOTIFY_ONLY: &str = "configured: 0x2 notify\n\
                           quiesce_mask: 0x0\n\
                           active_mask: 0x2 notify\n\
                           oneshot_mask: 0x0\n\
                           inherit_mask: 0x3 conf,active\n\
                           notify_mask: 0x1 syscall\n\
                           notify_signo: 9\n\
                           breaks_syscall: 18446744073709551615\n\
                           breaks_exception: 0\n\
                           breaks_interrupt: 0\n\
                           last_break: syscall\n";

/// A fresh directory standing in for /proc, removed on drop.
struct FakeProc(PathBuf);

impl FakeProc {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("chisol-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        FakeProc(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Creates the directory `rel` and, with `text`, its task_isolation.
    fn task(&self, rel: &str, text: Option<&str>) -> &Self {
        let dir = self.0.join(rel);
        fs::create_dir_all(&dir).unwrap();
        if let Some(text) = text {
            fs::write(dir.join("task_isolation"), text).unwrap();
        }
        self
    }

    /// A process `pid` with threads `tids` (the first is `pid`, the leader).
    fn process(&self, pid: u32, threads: &[(u32, &str)]) -> &Self {
        self.task(&pid.to_string(), Some(threads[0].1));
        for (tid, text) in threads {
            self.task(&format!("{pid}/task/{tid}"), Some(text));
        }
        self
    }
}

impl Drop for FakeProc {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn one_task_is_the_kernel_text_as_it_is() {
    let p = FakeProc::new("one");
    p.process(100, &[(100, ACTIVE), (101, EMPTY)]);
    assert_eq!(read_status(p.path(), Target::Task(100)).unwrap(), ACTIVE);
    // Lines the kernel adds (a newer kernel) pass through untouched.
    let newer = "configured: 0x3 quiesce,bit1\nnew_line: whatever\n";
    p.task("7", Some(newer));
    assert_eq!(read_status(p.path(), Target::Task(7)).unwrap(), newer);
}

#[test]
fn a_thread_id_is_a_task() {
    let p = FakeProc::new("tid");
    p.process(100, &[(100, ACTIVE), (101, EMPTY)]);
    // /proc/TID exists for every thread, though readdir does not list it.
    p.task("101", Some(EMPTY));
    assert_eq!(read_status(p.path(), Target::Task(101)).unwrap(), EMPTY);
}

#[test]
fn a_missing_final_newline_is_added() {
    let p = FakeProc::new("newline");
    p.task("5", Some("configured: 0x0"));
    assert_eq!(
        read_status(p.path(), Target::Task(5)).unwrap(),
        "configured: 0x0\n"
    );
}

#[test]
fn own_state_is_thread_self() {
    let p = FakeProc::new("own");
    p.task("thread-self", Some(ACTIVE));
    assert_eq!(read_status(p.path(), Target::Own).unwrap(), ACTIVE);
}

#[test]
fn all_tasks_prefixes_each_line_with_its_thread() {
    let p = FakeProc::new("all");
    p.process(100, &[(100, ACTIVE), (1000, EMPTY), (99, EMPTY)]);
    // Not a thread: ignored.
    p.task("100/task/.hidden", None);
    let out = read_status(p.path(), Target::AllTasks(100)).unwrap();
    let expected = format!(
        "{}{}{}",
        prefix_lines(99, EMPTY),
        prefix_lines(100, ACTIVE),
        prefix_lines(1000, EMPTY)
    );
    assert_eq!(out, expected);
    assert!(out.starts_with("99 configured: 0x0\n99 quiesce_mask: 0x0\n"));
    assert!(out.contains("\n100 active_mask: 0x1 quiesce\n100 oneshot_mask: 0x1 vmstat_sync\n"));
    assert!(out.ends_with("\n1000 inherit_mask: 0x0\n"));
    assert_eq!(out.lines().count(), 15);
    assert_eq!(thread_ids(p.path(), 100).unwrap(), [99, 100, 1000]);
}

#[test]
fn all_tasks_of_a_single_threaded_process() {
    let p = FakeProc::new("single");
    p.process(7, &[(7, EMPTY)]);
    assert_eq!(
        read_status(p.path(), Target::AllTasks(7)).unwrap(),
        prefix_lines(7, EMPTY)
    );
}

#[test]
fn prefix_lines_format() {
    assert_eq!(prefix_lines(12, "a: 1\nb: 2\n"), "12 a: 1\n12 b: 2\n");
    assert_eq!(prefix_lines(12, "a: 1"), "12 a: 1\n");
    assert_eq!(prefix_lines(12, ""), "");
}

#[test]
fn missing_process() {
    let p = FakeProc::new("missing");
    for target in [Target::Task(42), Target::AllTasks(42)] {
        let e = read_status(p.path(), target).unwrap_err();
        assert!(matches!(e, StatusError::NoProcess(42)), "{e:?}");
        assert_eq!(e.to_string(), "no process with PID 42");
    }
}

#[test]
fn kernel_without_task_isolation() {
    let p = FakeProc::new("unsupported");
    p.task("42/task/42", None).task("thread-self", None);
    for (target, file) in [
        (Target::Task(42), "42/task_isolation"),
        (Target::AllTasks(42), "42/task/42/task_isolation"),
        (Target::Own, "thread-self/task_isolation"),
    ] {
        let e = read_status(p.path(), target).unwrap_err();
        assert!(matches!(e, StatusError::Unsupported { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!(
                "cannot read {}: No such file or directory",
                p.path().join(file).display()
            )
        );
    }
}

#[test]
fn own_state_without_procfs() {
    let p = FakeProc::new("noproc");
    let e = read_status(p.path(), Target::Own).unwrap_err();
    assert!(matches!(e, StatusError::NoProcfs { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "cannot read {}: No such file or directory",
            p.path().join("thread-self/task_isolation").display()
        )
    );
}

#[test]
fn unreadable_status_names_the_file_and_errno() {
    let p = FakeProc::new("eisdir");
    // A directory where the file should be: read fails with EISDIR.
    p.task("9/task_isolation", None);
    let e = read_status(p.path(), Target::Task(9)).unwrap_err();
    assert!(matches!(e, StatusError::Read { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "cannot read {}: Is a directory",
            p.path().join("9/task_isolation").display()
        )
    );
}

#[test]
fn unknown_bits_are_numbered() {
    assert_eq!(mask_names(0b101, FEATURES), "quiesce,bit2");
    assert_eq!(mask_names(1 << 63, QUIESCE), "bit63");
    assert_eq!(mask_names(0b101, QUIESCE), "vmstat_sync,bit2");
    assert_eq!(
        field("features", 0x81, FEATURES),
        "features: 0x81 quiesce,bit7"
    );
    assert_eq!(
        field("inherit_mask", 2, INHERIT),
        "inherit_mask: 0x2 active"
    );
    assert_eq!(field("features", 0, FEATURES), "features: 0x0");
}

#[test]
fn quiesce_names_are_the_kernels() {
    // The names and the order of /proc/<tid>/task_isolation.
    assert_eq!(
        field("quiesce_mask", 0x3, QUIESCE),
        "quiesce_mask: 0x3 vmstat_sync,lru_drain"
    );
    assert_eq!(
        field("oneshot_mask", 0x2, QUIESCE),
        "oneshot_mask: 0x2 lru_drain"
    );
    assert_eq!(
        field("quiesce_bits", 0x1, QUIESCE),
        "quiesce_bits: 0x1 vmstat_sync"
    );
}

#[test]
fn both_quiesce_bits_pass_through() {
    let p = FakeProc::new("lru");
    let text = "configured: 0x1 quiesce\n\
                quiesce_mask: 0x3 vmstat_sync,lru_drain\n\
                active_mask: 0x1 quiesce\n\
                oneshot_mask: 0x2 lru_drain\n\
                inherit_mask: 0x0\n";
    p.process(300, &[(300, text), (301, EMPTY)]);
    assert_eq!(read_status(p.path(), Target::Task(300)).unwrap(), text);
    let out = read_status(p.path(), Target::AllTasks(300)).unwrap();
    assert!(out.contains("\n300 quiesce_mask: 0x3 vmstat_sync,lru_drain\n"));
    assert!(out.contains("\n300 oneshot_mask: 0x2 lru_drain\n"));
    assert!(out.contains("\n301 quiesce_mask: 0x0\n"));
}

#[test]
fn notify_lines_pass_through() {
    // The lines a kernel with ISOL_F_NOTIFY adds after inherit_mask: as
    // they are, for one task and, prefixed, for every thread.
    let p = FakeProc::new("notify");
    p.process(
        400,
        &[(400, NOTIFY), (401, NOTIFY_ONLY), (402, NOTIFY_EMPTY)],
    );
    p.task("thread-self", Some(NOTIFY_EMPTY));
    assert_eq!(read_status(p.path(), Target::Task(400)).unwrap(), NOTIFY);
    assert_eq!(read_status(p.path(), Target::Own).unwrap(), NOTIFY_EMPTY);
    let out = read_status(p.path(), Target::AllTasks(400)).unwrap();
    assert_eq!(
        out,
        format!(
            "{}{}{}",
            prefix_lines(400, NOTIFY),
            prefix_lines(401, NOTIFY_ONLY),
            prefix_lines(402, NOTIFY_EMPTY)
        )
    );
    assert_eq!(out.lines().count(), 33);
    for line in [
        "400 configured: 0x3 quiesce,notify",
        "400 notify_mask: 0x7 syscall,exception,interrupt",
        "400 notify_signo: 10",
        "400 breaks_syscall: 3",
        "400 breaks_exception: 1",
        "400 breaks_interrupt: 12",
        "400 last_break: interrupt",
        "401 active_mask: 0x2 notify",
        "401 notify_mask: 0x1 syscall",
        "401 breaks_syscall: 18446744073709551615",
        "401 last_break: syscall",
        "402 notify_signo: 0",
        "402 last_break: none",
    ] {
        assert!(out.lines().any(|l| l == line), "{line}: {out}");
    }
    // grep for one key keeps one line per thread.
    let last: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(" last_break: "))
        .collect();
    assert_eq!(
        last,
        [
            "400 last_break: interrupt",
            "401 last_break: syscall",
            "402 last_break: none"
        ]
    );
}

#[test]
fn notify_names_are_the_kernels() {
    // The mask lines of the notify feature, as the kernel and --info
    // write them.
    assert_eq!(
        field("configured", 0x3, FEATURES),
        "configured: 0x3 quiesce,notify"
    );
    assert_eq!(
        field("active_mask", 0x2, FEATURES),
        "active_mask: 0x2 notify"
    );
    assert_eq!(
        field("features", 0x3, FEATURES),
        "features: 0x3 quiesce,notify"
    );
    assert_eq!(
        field("notify_mask", 0x7, EVENTS),
        "notify_mask: 0x7 syscall,exception,interrupt"
    );
    assert_eq!(
        field("notify_events", 0x7, EVENTS),
        "notify_events: 0x7 syscall,exception,interrupt"
    );
    assert_eq!(
        field("notify_mask", 0x4, EVENTS),
        "notify_mask: 0x4 interrupt"
    );
    assert_eq!(field("notify_mask", 0, EVENTS), "notify_mask: 0x0");
    assert_eq!(mask_names(0xd, EVENTS), "syscall,interrupt,bit3");
    assert_eq!(mask_names(0x6, FEATURES), "notify,bit2");
    // Every line of the contract's example that has a mask is exactly
    // what field() writes.
    for line in NOTIFY.lines() {
        let (key, value) = line.split_once(": ").unwrap();
        let names = match key {
            "configured" | "active_mask" => FEATURES,
            "quiesce_mask" | "oneshot_mask" => QUIESCE,
            "inherit_mask" => INHERIT,
            "notify_mask" => EVENTS,
            _ => continue,
        };
        let hex = value.split(' ').next().unwrap().trim_start_matches("0x");
        let v = u64::from_str_radix(hex, 16).unwrap();
        assert_eq!(field(key, v, names), line);
    }
}

#[test]
fn event_list() {
    use NameList::{All, Mask};
    assert_eq!(parse_event_list("syscall"), Ok(Mask(1)));
    assert_eq!(parse_event_list("exception"), Ok(Mask(2)));
    assert_eq!(parse_event_list("interrupt"), Ok(Mask(4)));
    assert_eq!(parse_event_list("interrupt,syscall"), Ok(Mask(5)));
    assert_eq!(parse_event_list("syscall,exception,interrupt"), Ok(Mask(7)));
    assert_eq!(parse_event_list("all"), Ok(All));
    for bad in [
        "",
        ",",
        "syscall,",
        "syscall,syscall",
        "all,syscall",
        "Syscall",
        "syscalls",
        "irq",
        "quiesce",
        "notify",
        " syscall",
    ] {
        assert!(parse_event_list(bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        parse_event_list("exception,exception"),
        Err("notify event 'exception' listed twice".to_string())
    );
}

#[test]
fn quiesce_list() {
    use NameList::{All, Mask};
    assert_eq!(parse_quiesce_list("vmstat_sync"), Ok(Mask(1)));
    assert_eq!(parse_quiesce_list("lru_drain"), Ok(Mask(2)));
    assert_eq!(parse_quiesce_list("vmstat_sync,lru_drain"), Ok(Mask(3)));
    assert_eq!(parse_quiesce_list("all"), Ok(All));
    assert!(parse_quiesce_list("lru").is_err());
    assert!(parse_quiesce_list("lru_drain ").is_err());
    assert!(parse_quiesce_list("all,lru_drain").is_err());
    assert!(parse_quiesce_list("vmstat_sync,vmstat_sync").is_err());
    assert!(parse_quiesce_list("vmstat").is_err());
    assert!(parse_quiesce_list(" vmstat_sync").is_err());
}
