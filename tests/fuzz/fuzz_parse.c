/* fuzz_parse.c - libFuzzer target for mg_parse_message() and the JSON
 * writer: any bytes must parse (return 0) without reading past the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "mailjson.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so ASan flags a read one byte past the end. */
    char *raw = malloc(size ? size : 1);
    memcpy(raw, data, size);
    struct hd_arena *a = hd_arena_new();
    struct mg_mail *m;
    struct hd_error err = HD_ERROR_INIT;
    if (mg_parse_message(raw, size, a, &m, &err) != 0)
        abort();
    json_t *j = mg_mail_to_json(m);
    char *s = json_dumps(j, JSON_COMPACT);
    free(s);
    json_decref(j);
    for (size_t i = 0; i < m->n_attachments; i++) {
        const char *d;
        size_t n;
        mg_attachment_data(&m->attachments[i], a, &d, &n);
        if (n != m->attachments[i].size)
            abort();
    }
    hd_arena_free(&a);
    free(raw);
    return 0;
}
