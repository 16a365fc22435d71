/*
 * failsafe_timer.h - while seam serve runs, a thread that sweeps overdue
 * tasks (app_failsafe) every interval seconds on its own connection.
 */
#ifndef SEAM_CLI_FAILSAFE_TIMER_H
#define SEAM_CLI_FAILSAFE_TIMER_H

/* Starts the sweep with its own connection to db_url (borrowed for the
 * thread's life).  Returns 0 if the thread started. */
int failsafe_timer_start(const char *db_url, int interval);

/* Asks the sweep to stop and waits for it; safe if it never started. */
void failsafe_timer_stop(void);

#endif
