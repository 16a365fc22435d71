/*
 * failsafe_timer.c - the overdue-task sweep of seam serve, on its own
 * thread and connection: every interval seconds, one app_failsafe as the
 * system, logged to standard error when it escalates or fails.
 */
#include "cli/failsafe_timer.h"
#include "cli/cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;
static const char *g_db_url;
static int g_interval;
static pthread_t g_thread;
static int g_running;

/* One sweep on d (opened on first use and kept). */
static void sweep(db **d)
{
    char err[256];
    if (*d == NULL && db_open(g_db_url, d, err, sizeof(err)) != 0) {
        fprintf(stderr, "failsafe: %s\n", err);
        *d = NULL;
        return;
    }
    app_ctx ctx;
    cli_system_ctx(&ctx, *d, (seam_time)time(NULL));
    json_t *out = NULL;
    if (app_run(&ctx, app_failsafe, NULL, &out) != 0)
        fprintf(stderr, "failsafe: %s\n", ctx.err_msg);
    else if (json_array_size(json_object_get(out, "escalated")) > 0)
        fprintf(stderr, "failsafe: escalated %zu overdue task(s)\n",
                json_array_size(json_object_get(out, "escalated")));
    json_decref(out);
}

static void *failsafe_loop(void *arg)
{
    db *d = NULL;
    while (!g_stop) {
        for (int i = 0; i < g_interval && !g_stop; i++)
            sleep(1);
        if (g_stop)
            break;
        sweep(&d);
    }
    db_close(d);
    return NULL;
}

int failsafe_timer_start(const char *db_url, int interval)
{
    g_db_url = db_url;
    g_interval = interval;
    g_stop = 0;
    g_running = pthread_create(&g_thread, NULL, failsafe_loop, NULL) == 0;
    return g_running ? 0 : -1;
}

void failsafe_timer_stop(void)
{
    g_stop = 1;
    if (g_running)
        pthread_join(g_thread, NULL);
    g_running = 0;
}
