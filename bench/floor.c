/* floor.c - the cheapest durable delivery: read one message from stdin,
 * append it to a file, fsync, exit.  mail_bench.sh starts it exactly as
 * the MTA would start `helpdesk-mailgw deliver` (one process per
 * message), so the ratio between the two is what our work costs. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define FLOOR_CHUNK 65536

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor FILE < message\n");
        return 64;
    }
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) {
        perror(argv[1]);
        return 75;
    }
    static char buf[FLOOR_CHUNK];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0) {
                perror("write");
                return 75;
            }
            off += w;
        }
    }
    if (n < 0 || fsync(fd) < 0 || close(fd) < 0) {
        perror("floor");
        return 75;
    }
    return 0;
}
