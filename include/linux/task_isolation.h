/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Task isolation: the kernel side of the PR_ISOL_* prctls.
 *
 * The policy (argument checks, per-task state, inheritance, what to quiesce
 * and when) is implemented in Rust in kernel/task_isolation/; these are its
 * entry points, called from the prctl switch, fork, a privileged exec,
 * task free, the
 * return to user space (exit_to_user_mode_loop(), while the task's
 * TIF_TASK_ISOL bit is set) and /proc/<pid>/task_isolation.
 *
 * ISOL_F_NOTIFY reports the task's entries into the kernel from user mode
 * ("breaks"): system calls through SYSCALL_WORK_TASK_ISOL, set only while
 * the task notifies system calls; exceptions and interrupts through the
 * task_isol_user_*() wrappers below, called from the entry code inside its
 * instrumentation sections, behind task_isol_notify_key, which is off until
 * a task on the system notifies exceptions or interrupts. The wrappers are
 * __always_inline so that noinstr callers see only the out-of-line call.
 */
#ifndef _LINUX_TASK_ISOLATION_H
#define _LINUX_TASK_ISOLATION_H

#include <linux/errno.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/thread_info.h>

struct seq_file;

#ifdef CONFIG_TASK_ISOLATION

int task_isol_prctl(int option, unsigned long arg2, unsigned long arg3,
		    unsigned long arg4, unsigned long arg5);
int task_isol_fork(struct task_struct *tsk);
void task_isol_free(struct task_struct *tsk);
void task_isol_exit_to_user(struct task_struct *tsk);
void task_isol_secure_exec(struct task_struct *tsk);
int task_isol_proc_show(struct seq_file *m, struct task_struct *tsk);

/* ISOL_F_NOTIFY: the Rust side */
void task_isol_syscall_break(long nr, unsigned int kind, unsigned long arg0,
			     unsigned long ip, int cpu);
void task_isol_entry_break(unsigned long ip, int cpu);
void task_isol_irq_break(unsigned long ip, int cpu, int vector,
			 void *handler);
void task_isol_fault_addr(unsigned long address);

/* ISOL_F_NOTIFY: the C side (kernel/task_isolation/notify.c) */
extern struct static_key_false_deferred task_isol_notify_key;
void task_isol_syscall_entry(struct pt_regs *regs, long nr);
void task_isol_notify_get(void);
void task_isol_notify_put(void);
void task_isol_set_syscall_work(struct task_struct *tsk, bool on);
void task_isol_send_signal(int signo);
void task_isol_trace_break(unsigned int class, int cpu, long nr,
			   unsigned long addr, unsigned long ip, void *handler);

static __always_inline bool task_isol_notify_user(struct pt_regs *regs)
{
	return static_branch_unlikely(&task_isol_notify_key.key) &&
	       user_mode(regs) && READ_ONCE(current->task_isol);
}

/* Any entry from user mode but a system call or an NMI */
static __always_inline void task_isol_user_entry(struct pt_regs *regs)
{
	if (task_isol_notify_user(regs))
		task_isol_entry_break(instruction_pointer(regs),
				      raw_smp_processor_id());
}

/* The same entry, found to be an interrupt: @handler is its entry point */
static __always_inline void task_isol_user_irq(struct pt_regs *regs,
					       int vector, void *handler)
{
	if (task_isol_notify_user(regs))
		task_isol_irq_break(instruction_pointer(regs),
				    raw_smp_processor_id(), vector, handler);
}

/* The same entry, a page fault at @address */
static __always_inline void task_isol_user_fault(struct pt_regs *regs,
						 unsigned long address)
{
	if (task_isol_notify_user(regs))
		task_isol_fault_addr(address);
}

/*
 * dup_task_struct() copied the parent's pointer and work bits: drop them
 * before anything can fail, task_isol_fork() sets up the child's own.
 */
static inline void task_isol_clear(struct task_struct *tsk)
{
	tsk->task_isol = NULL;
	clear_tsk_thread_flag(tsk, TIF_TASK_ISOL);
	clear_task_syscall_work(tsk, TASK_ISOL);
}

#else /* !CONFIG_TASK_ISOLATION */

static inline int task_isol_prctl(int option, unsigned long arg2,
				  unsigned long arg3, unsigned long arg4,
				  unsigned long arg5)
{
	return -EINVAL;
}

static inline int task_isol_fork(struct task_struct *tsk)
{
	return 0;
}

static inline void task_isol_free(struct task_struct *tsk) { }
static inline void task_isol_exit_to_user(struct task_struct *tsk) { }
static inline void task_isol_secure_exec(struct task_struct *tsk) { }
static inline void task_isol_clear(struct task_struct *tsk) { }
static inline void task_isol_syscall_entry(struct pt_regs *regs, long nr) { }
static __always_inline void task_isol_user_entry(struct pt_regs *regs) { }
static __always_inline void task_isol_user_irq(struct pt_regs *regs,
					       int vector, void *handler) { }
static __always_inline void task_isol_user_fault(struct pt_regs *regs,
						 unsigned long address) { }

#endif /* CONFIG_TASK_ISOLATION */

#endif /* _LINUX_TASK_ISOLATION_H */
