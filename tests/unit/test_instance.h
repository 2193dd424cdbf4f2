/* test_instance.h - a real instance in a temporary directory for unit
 * tests that need one (SLA, blobs, the desk): created in a group setup,
 * removed in its teardown.  Header only: each test is one executable. */
#ifndef HD_TEST_INSTANCE_H
#define HD_TEST_INSTANCE_H

#include "instance.h"

#include <stdio.h>
#include <stdlib.h>

/* Makes dir (a mkdtemp template) and a "test" instance at dir/i; 0, or -1
 * with the reason on stderr. */
static inline int test_instance_new(char *dir, struct hd_instance **inst_r)
{
    struct hd_error err = HD_ERROR_INIT;
    char path[256];
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return -1;
    }
    snprintf(path, sizeof path, "%s/i", dir);
    struct hd_globals g = {.data_dir = path};
    if (hd_instance_init(path, "test", &err) < 0 ||
        hd_instance_open(&g, 0, inst_r, &err) < 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* Closes the instance and removes dir with what init left beside it. */
static inline int test_instance_free(const char *dir,
                                     struct hd_instance **inst)
{
    char cmd[300];
    hd_instance_close(inst);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s/i.backup-key'", dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
