/* mailjson.c - struct mg_mail to the `parse` JSON contract (mailjson.h). */
#include "mailjson.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* Strings from the parser are valid UTF-8; should one slip through, its
 * non-ASCII bytes become '?' rather than losing the whole object. */
static json_t *str(const char *s)
{
    json_t *j = json_string(s ? s : "");
    if (j)
        return j;
    size_t n = strlen(s);
    char *c = hd_xstrndup(s, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)c[i] >= 0x80)
            c[i] = '?';
    j = json_string(c);
    free(c);
    hd_assert(j != NULL);
    return j;
}

static json_t *str_or_null(const char *s)
{
    return s ? str(s) : json_null();
}

static json_t *address(const struct mg_address *a)
{
    return json_pack("{s:o,s:o}", "name", str(a->name), "address",
                     str(a->address));
}

static json_t *addresses(const struct mg_address *l, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, address(&l[i]));
    return arr;
}

static json_t *attachments(const struct mg_mail *m)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < m->n_attachments; i++) {
        const struct mg_attachment *t = &m->attachments[i];
        json_array_append_new(
            arr, json_pack("{s:o,s:o,s:I,s:o,s:b}", "filename", str(t->filename),
                           "content_type", str(t->content_type), "size",
                           (json_int_t)t->size, "sha256", str(t->sha256),
                           "inline", t->inline_));
    }
    return arr;
}

json_t *mg_mail_to_json(const struct mg_mail *m)
{
    char date[32];
    json_t *refs = json_array();
    for (size_t i = 0; i < m->n_references; i++)
        json_array_append_new(refs, str(m->references[i]));
    if (m->date)
        hd_time_format_utc(m->date, date);
    json_t *j = json_pack(
        "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b,s:b,s:o}",
        "from", address(&m->from), "reply_to",
        addresses(m->reply_to, m->n_reply_to), "to", addresses(m->to, m->n_to),
        "cc", addresses(m->cc, m->n_cc), "subject", str(m->subject), "date",
        m->date ? str(date) : json_null(), "message_id", str(m->message_id),
        "in_reply_to", str_or_null(m->in_reply_to), "references", refs, "text",
        str(m->text), "html", str_or_null(m->html), "attachments",
        attachments(m), "auto_reply", m->auto_reply, "bounce", m->bounce,
        "list", m->list, "language", str(m->language));
    hd_assert(j != NULL);
    return j;
}
