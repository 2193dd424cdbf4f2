/* canned.h - canned responses: checking what an admin typed, and
 * expanding the placeholders of a body for one ticket.
 *
 * Placeholders are "{{name}}" (spaces inside the braces allowed) with
 * one of these names, a fixed set:
 *
 *   {{customer.name}}   the requester's name (their address if unnamed)
 *   {{customer.email}}  the requester's address
 *   {{ticket.number}}   the ticket number, e.g. 1042
 *   {{ticket.subject}}  the ticket's subject
 *   {{agent.name}}      the signed-in agent's name
 *   {{agent.email}}     the signed-in agent's address
 *   {{sla.due}}         the next SLA deadline (first response until met,
 *                       then resolution) in the instance time zone and
 *                       the response's language:
 *                       ja "2026年5月1日(金) 10:30", en "Fri 1 May 2026
 *                       10:30 (UTC+09:00)"; "未設定" / "not set" if none
 *   {{faq.url}}         the public FAQ's address (instance.public_url
 *                       + "/faq/"; empty when that is not set)
 *   {{instance.name}}   the help desk's name (instance.name)
 *
 * Expansion is one pass over the body: values are copied as plain text
 * (the reply is a text mail; pages escape as always) and are never
 * scanned again, so a subject containing "{{agent.name}}" stays literal.
 * A well-formed placeholder with an unknown name is left in the text as
 * written and reported; anything else between braces is left alone. */
#ifndef HD_CANNED_H
#define HD_CANNED_H

#include "hd.h"
#include "store_canned.h"

#define HD_CANNED_NAME_MAX 120        /* bytes of a name */
#define HD_CANNED_SHORT_MAX 32        /* bytes of a shortcut or category */
#define HD_CANNED_BODY_MAX (32 * 1024) /* bytes of a stored body */
#define HD_CANNED_OUT_MAX (256 * 1024) /* bytes of an expanded body */
#define HD_CANNED_KEY_MAX 32          /* bytes of a placeholder name */
#define HD_CANNED_UNKNOWN_MAX 16      /* unknown names reported */

/* What the placeholders stand for; NULL strings expand to "". */
struct hd_canned_ctx {
    const char *lang; /* "ja" or "en": how {{sla.due}} reads */
    const char *customer_name, *customer_email;
    int64_t ticket_number;
    const char *ticket_subject;
    const char *agent_name, *agent_email;
    int64_t sla_due; /* UTC seconds; 0: none */
    const char *faq_url, *instance_name;
};

struct hd_canned_result {
    const char *text;      /* expanded body (arena) */
    const char **unknown;  /* names of unknown placeholders, distinct */
    size_t n_unknown;      /* at most HD_CANNED_UNKNOWN_MAX */
};

/* The documented placeholder names, NULL-terminated. */
extern const char *const hd_canned_placeholders[];

/* True for a language a canned response may have ("ja", "en"). */
bool hd_canned_lang_ok(const char *lang);

/* Checks a row an admin typed: name 1..HD_CANNED_NAME_MAX bytes, lang,
 * body 1..HD_CANNED_BODY_MAX bytes, shortcut/category within
 * HD_CANNED_SHORT_MAX, all valid UTF-8 without control characters other
 * than newline and tab in the body.  0, or -1 with HD_E_INVAL saying
 * which field. */
HD_NODISCARD int hd_canned_check(const struct hd_canned_row *r,
                                 struct hd_error *err);

/* Expands body for ctx into *res_r (memory in a).  -1 with HD_E_TOOBIG
 * when the result would pass HD_CANNED_OUT_MAX. */
HD_NODISCARD int hd_canned_expand(const char *body,
                                  const struct hd_canned_ctx *ctx,
                                  struct hd_arena *a,
                                  struct hd_canned_result *res_r,
                                  struct hd_error *err);

/* {{sla.due}} for t in lang, in the process (instance) zone; out needs
 * HD_CANNED_DATE_SIZE bytes. */
#define HD_CANNED_DATE_SIZE 64
void hd_canned_format_date(int64_t t, const char *lang,
                           char out[HD_CANNED_DATE_SIZE]);
/* The day alone, in the same words: "2026年5月1日(金)", "Fri 1 May 2026".
 * Every page of the web server writes dates and times with these two. */
void hd_canned_format_day(int64_t t, const char *lang,
                          char out[HD_CANNED_DATE_SIZE]);

#endif
