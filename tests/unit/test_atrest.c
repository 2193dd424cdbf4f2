/* test_atrest.c - is the data directory on dm-crypt?  A table of
 * machines laid out as /proc/self/mountinfo and /sys/dev/block trees
 * (device-mapper is not available in every test machine, so the trees
 * stand in for one that has it), then the real machine's answer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atrest.h"

static char root[] = "/tmp/hd-test-atrest-XXXXXX";

/* A root holding mountinfo and, per "MAJ:MIN=uuid" or "MAJ:MIN>slave",
 * a sysfs device directory with a dm uuid or a slave link. */
struct machine {
    const char *name;
    const char *mountinfo;
    const char *devs[4]; /* "253:1=CRYPT-LUKS2-x", "253:2>253:1" */
    const char *dir;
    enum hd_atrest_dev want;
    const char *want_mount, *want_crypt;
};

static const struct machine machines[] = {
    {"ext4 on a plain disk",
     "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n",
     {NULL},
     "/srv/helpdesk", HD_ATREST_DEV_PLAIN, "/", ""},
    {"LUKS directly under the filesystem",
     "22 1 253:0 / / rw - ext4 /dev/mapper/root rw\n",
     {"253:0=CRYPT-LUKS2-6f1c0e4d-root"},
     "/srv/helpdesk", HD_ATREST_DEV_DMCRYPT, "/",
     "CRYPT-LUKS2-6f1c0e4d-root"},
    {"LVM on LUKS (crypt device is the slave)",
     "22 1 253:2 / / rw - xfs /dev/mapper/vg-data rw\n",
     {"253:2=LVM-abcdef", "253:2>253:1", "253:1=CRYPT-LUKS1-77-pv"},
     "/var/lib/helpdesk", HD_ATREST_DEV_DMCRYPT, "/", "CRYPT-LUKS1-77-pv"},
    {"LVM without encryption",
     "22 1 253:2 / / rw - xfs /dev/mapper/vg-data rw\n",
     {"253:2=LVM-abcdef", "253:2>8:2"},
     "/var/lib/helpdesk", HD_ATREST_DEV_PLAIN, "/", ""},
    {"plain / with the data on an encrypted /srv",
     "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
     "30 22 253:0 / /srv rw,relatime shared:1 - ext4 /dev/mapper/srv rw\n",
     {"253:0=CRYPT-PLAIN-srv"},
     "/srv/helpdesk", HD_ATREST_DEV_DMCRYPT, "/srv", "CRYPT-PLAIN-srv"},
    {"encrypted /srv, data elsewhere (/srvx is not under /srv)",
     "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
     "30 22 253:0 / /srv rw - ext4 /dev/mapper/srv rw\n",
     {"253:0=CRYPT-PLAIN-srv"},
     "/srvx/helpdesk", HD_ATREST_DEV_PLAIN, "/", ""},
    {"mount point with a space, escaped",
     "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
     "31 22 253:3 / /data\\040disk rw - ext4 /dev/mapper/d rw\n",
     {"253:3=CRYPT-LUKS2-d"},
     "/data disk/hd", HD_ATREST_DEV_DMCRYPT, "/data disk", "CRYPT-LUKS2-d"},
    {"overlay (a container): no block device behind it",
     "500 400 0:51 / / rw - overlay overlay rw,lowerdir=/l\n",
     {NULL},
     "/var/lib/helpdesk", HD_ATREST_DEV_PLAIN, "/", ""},
    {"no mountinfo at all", NULL, {NULL}, "/srv/helpdesk",
     HD_ATREST_DEV_UNKNOWN, "", ""},
};

static void mkdirs(const char *path)
{
    char p[1024];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void build(const char *base, const struct machine *m)
{
    char p[1024], q[1024];
    snprintf(p, sizeof p, "%s/proc/self", base);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/sys/dev/block", base);
    mkdirs(p);
    if (m->mountinfo != NULL) {
        snprintf(p, sizeof p, "%s/proc/self/mountinfo", base);
        write_file(p, m->mountinfo);
    }
    for (size_t i = 0; i < 4 && m->devs[i] != NULL; i++) {
        char dev[64];
        const char *d = m->devs[i];
        size_t n = strcspn(d, "=>");
        snprintf(dev, sizeof dev, "%.*s", (int)n, d);
        snprintf(p, sizeof p, "%s/sys/dev/block/%s", base, dev);
        mkdirs(p);
        snprintf(q, sizeof q, "%s/dev", p);
        write_file(q, dev);
        if (d[n] == '=') {
            snprintf(q, sizeof q, "%s/dm", p);
            mkdirs(q);
            snprintf(q, sizeof q, "%s/dm/uuid", p);
            char line[200];
            snprintf(line, sizeof line, "%s\n", d + n + 1);
            write_file(q, line);
        } else {
            /* sysfs: slaves/NAME -> ../../DEVICE; here a link to the
             * slave's directory under dev/block. */
            char target[1024];
            snprintf(q, sizeof q, "%s/slaves", p);
            mkdirs(q);
            snprintf(target, sizeof target, "%s/sys/dev/block/%s", base,
                     d + n + 1);
            mkdirs(target);
            snprintf(q, sizeof q, "%s/slaves/dm-%zu", p, i);
            assert_int_equal(symlink(target, q), 0);
        }
    }
}

static void test_machines(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++) {
        const struct machine *m = &machines[i];
        struct hd_error err = HD_ERROR_INIT;
        struct hd_atrest_device d;
        char base[512];
        snprintf(base, sizeof base, "%s/m%zu", root, i);
        build(base, m);
        assert_int_equal(hd_atrest_device(m->dir, base, &d, &err), 0);
        if (d.state != m->want || strcmp(d.mount_point, m->want_mount) != 0 ||
            strcmp(d.crypt_uuid, m->want_crypt) != 0)
            fail_msg("case %zu (%s): state %d mount '%s' crypt '%s'", i,
                     m->name, d.state, d.mount_point, d.crypt_uuid);
    }
}

/* This machine, for real: its kernel has no device-mapper (opening
 * /dev/mapper/control fails), so the data directory cannot be on
 * dm-crypt and the answer must say so; with device-mapper present the
 * answer is only required to name a mount. */
static void test_real_machine(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_atrest_device d;
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(hd_atrest_device(cwd, "", &d, &err), 0);
    print_message("%s: %s %s on %s, device %s, state %d\n", cwd, d.fs_type,
                  d.source, d.mount_point, d.dev, d.state);
    assert_string_not_equal(d.mount_point, "");
    bool have_dm = access("/sys/class/misc/device-mapper", F_OK) == 0;
    if (!have_dm)
        assert_int_equal(d.state, HD_ATREST_DEV_PLAIN);
    else
        assert_int_not_equal(d.state, HD_ATREST_DEV_UNKNOWN);
}

static void test_relative_dir_refused(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_atrest_device d;
    assert_int_equal(hd_atrest_device("data", root, &d, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_machines),
        cmocka_unit_test(test_real_machine),
        cmocka_unit_test(test_relative_dir_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
