/*
 * failsafe.h - the background thread that sweeps overdue tasks
 * (app_failsafe) every interval seconds while the server runs.
 */
#ifndef SEAM_HTTP_FAILSAFE_H
#define SEAM_HTTP_FAILSAFE_H

/* Starts the sweep with its own connection to db_url (borrowed for the
 * thread's life).  Returns 0 if the thread started. */
int failsafe_start(const char *db_url, int interval);

/* Asks the sweep to stop and waits for it; safe if it never started. */
void failsafe_stop(void);

#endif
