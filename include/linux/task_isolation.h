/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Task isolation: the kernel side of the PR_ISOL_* prctls.
 *
 * The policy (argument checks, per-task state, inheritance, what to quiesce
 * and when) is implemented in Rust in kernel/task_isolation/; these are its
 * entry points, called from the prctl switch, fork, task free, the
 * return to user space (exit_to_user_mode_loop(), while the task's
 * TIF_TASK_ISOL bit is set) and /proc/<pid>/task_isolation.
 */
#ifndef _LINUX_TASK_ISOLATION_H
#define _LINUX_TASK_ISOLATION_H

#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/thread_info.h>

struct seq_file;

#ifdef CONFIG_TASK_ISOLATION

int task_isol_prctl(int option, unsigned long arg2, unsigned long arg3,
		    unsigned long arg4, unsigned long arg5);
int task_isol_fork(struct task_struct *tsk);
void task_isol_free(struct task_struct *tsk);
void task_isol_exit_to_user(struct task_struct *tsk);
int task_isol_proc_show(struct seq_file *m, struct task_struct *tsk);

/*
 * dup_task_struct() copied the parent's pointer and work bit: drop them
 * before anything can fail, task_isol_fork() sets up the child's own.
 */
static inline void task_isol_clear(struct task_struct *tsk)
{
	tsk->task_isol = NULL;
	clear_tsk_thread_flag(tsk, TIF_TASK_ISOL);
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
static inline void task_isol_clear(struct task_struct *tsk) { }

#endif /* CONFIG_TASK_ISOLATION */

#endif /* _LINUX_TASK_ISOLATION_H */
