/* fuzz_intake.c - libFuzzer target for the whole intake: any bytes go
 * through mg_intake_message() (parse, thread, route, open the ticket with
 * its webhook event, acknowledgement and alert, store attachments) into
 * a real instance in a temporary folder, as `deliver` runs it.  Every
 * input must be stored: a -1 is a message stuck in the MTA's queue, so
 * it aborts.  Each input runs inside a transaction rolled back after, so
 * the instance stays small and inputs do not depend on each other. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"
#include "instance.h"
#include "intake.h"
#include "log.h"
#include "store.h"

static struct hd_instance *inst;
static char dir[64];
static unsigned long runs;

static int rm_file(const char *path, const struct stat *sb, int type,
                   struct FTW *f)
{
    (void)sb, (void)f;
    if (type == FTW_F)
        unlink(path);
    return 0;
}

static void cleanup(void)
{
    hd_instance_close(&inst);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s.backup-key'", dir, dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_intake: could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    struct hd_error err = HD_ERROR_INIT;
    snprintf(dir, sizeof dir, "/tmp/fuzz-intake.XXXXXX");
    if (mkdtemp(dir) == NULL || rmdir(dir) != 0 ||
        hd_instance_init(dir, "test", &err) < 0) {
        fprintf(stderr, "fuzz_intake: init %s: %s\n", dir, err.msg);
        abort();
    }
    char conf[128];
    snprintf(conf, sizeof conf, "%s/helpdesk.conf", dir);
    FILE *f = fopen(conf, "a");
    if (f == NULL)
        abort();
    /* Incidents alert on-call staff: that path runs too. */
    fputs("mail.from_address = support@support.test\n"
          "support.incident_address = incident@support.test\n"
          "support.general_address = support@support.test\n"
          "support.oncall_addresses = oncall@ops.test\n", f);
    fclose(f);
    struct hd_globals g = {dir, "test", "fuzz_intake"};
    if (hd_instance_open(&g, 0, &inst, &err) < 0) {
        fprintf(stderr, "fuzz_intake: open %s: %s\n", dir, err.msg);
        abort();
    }
    hd_blob_set_durable(false);
    hd_log_set_level(HD_LOG_ERROR); /* not a line per input */
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so ASan flags a read one byte past the end. */
    char *raw = malloc(size ? size : 1);
    memcpy(raw, data, size);
    struct hd_store *st = hd_instance_store(inst);
    struct hd_error err = HD_ERROR_INIT;
    struct mg_intake_result r;
    struct mg_intake_opts o = {
        .envelope_rcpt = size % 2 ? "incident@support.test"
                                  : "support@support.test",
        .actor = "mailgw"};
    if (hd_store_begin(st, &err) < 0) {
        fprintf(stderr, "fuzz_intake: begin: %s\n", err.msg);
        abort();
    }
    if (mg_intake_message(inst, st, raw, size, &o, &r, &err) < 0) {
        fprintf(stderr, "fuzz_intake: not stored (%s): %s\n",
                hd_errcode_name(err.code), err.msg);
        abort();
    }
    if (r.duplicate || r.ticket_id <= 0 || r.message_id <= 0) {
        fprintf(stderr, "fuzz_intake: no ticket (how=%s)\n",
                r.how ? r.how : "?");
        abort();
    }
    hd_store_rollback(st);
    free(raw);
    /* Attachment blobs are files written before the commit: drop them
     * now and then. */
    if (++runs % 4096 == 0) {
        char blobs[96];
        snprintf(blobs, sizeof blobs, "%s/blobs", dir);
        nftw(blobs, rm_file, 16, FTW_PHYS);
    }
    return 0;
}
