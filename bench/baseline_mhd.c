/* baseline_mhd.c - the bare libmicrohttpd server the web benchmark
 * compares helpdesk-web with: same daemon flags and thread pool, one
 * constant page of a given size, nothing else.
 * usage: baseline_mhd PORT BYTES THREADS */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

static char *page;
static size_t page_len;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    (void)cls; (void)url; (void)method; (void)version; (void)upload;
    (void)upload_size;
    if (*req_cls == NULL) {
        *req_cls = (void *)1;
        return MHD_YES;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(
        page_len, page, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: baseline_mhd PORT BYTES THREADS\n");
        return 2;
    }
    page_len = strtoul(argv[2], NULL, 10);
    page = malloc(page_len + 1);
    memset(page, 'x', page_len);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
        answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[3]),
        MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_END);
    if (d == NULL)
        return 1;
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    free(page);
    return 0;
}
