/*
 * bench/ceiling.c - the ceiling for the HTTP benchmark (bench/http.sh):
 * libmicrohttpd started with the same options as seam serve
 * (src/http/server.c: internal polling thread, poll, a pool of worker
 * threads, the same connection limits), answering every request with one
 * fixed JSON body of the size of a GET /me answer.  No database, no
 * authentication, no audit: what Seam's numbers are divided by.
 *
 *   build/bench-ceiling 127.0.0.1:PORT [threads]
 *
 * Runs until SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char body[] =
    "{\"username\":\"gp.patel\",\"display_name\":\"Dr Asha Patel\",\"role\":\"gp\","
    "\"organisation\":{\"code\":\"Y00001\",\"name\":\"Riverside Medical Practice\",\"kind\":\"practice\"},"
    "\"icb\":\"QXX\",\"service\":null,\"services\":[],\"nhs_number\":null}";

static struct MHD_Response *fixed;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_len, void **con_cls)
{
    if (*con_cls == NULL) { /* first call: headers only */
        *con_cls = conn;
        return MHD_YES;
    }
    if (*upload_len > 0) { /* swallow a request body, as seam serve reads one */
        *upload_len = 0;
        return MHD_YES;
    }
    return MHD_queue_response(conn, MHD_HTTP_OK, fixed);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-ceiling ADDR:PORT [threads]\n");
        return 2;
    }
    const char *colon = strrchr(argv[1], ':');
    if (colon == NULL)
        return 2;
    char host[64];
    snprintf(host, sizeof(host), "%.*s", (int)(colon - argv[1]), argv[1]);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return 2;
    unsigned int threads = argc > 2 ? (unsigned int)atoi(argv[2]) : 4;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    fixed = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(fixed, "Content-Type", "application/json");
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_POLL, 0, NULL, NULL, on_request,
                         NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30, MHD_OPTION_CONNECTION_LIMIT,
                         (unsigned int)1024, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)256,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024), MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "bench-ceiling: cannot listen on %s\n", argv[1]);
        return 1;
    }
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    MHD_destroy_response(fixed);
    return 0;
}
