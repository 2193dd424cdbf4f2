/* ticket.c - names and transitions of ticket states (see ticket.h). */
#include "ticket.h"

#include <string.h>

static const char *const status_names[] = {"new", "open", "pending",
                                           "resolved", "closed"};
static const char *const prio_names[] = {"low", "normal", "high", "urgent"};
static const char *const cat_names[] = {"general", "incident"};
static const char *const kind_names[] = {"inbound", "outbound", "note"};

const char *hd_status_name(enum hd_status s)
{
    hd_assert((unsigned)s < HD_ARRAY_LEN(status_names));
    return status_names[s];
}

const char *hd_priority_name(enum hd_priority p)
{
    hd_assert((unsigned)p < HD_ARRAY_LEN(prio_names));
    return prio_names[p];
}

const char *hd_category_name(enum hd_category c)
{
    hd_assert((unsigned)c < HD_ARRAY_LEN(cat_names));
    return cat_names[c];
}

const char *hd_msg_kind_name(enum hd_msg_kind k)
{
    hd_assert((unsigned)k < HD_ARRAY_LEN(kind_names));
    return kind_names[k];
}

static int lookup(const char *const *names, size_t n, const char *s,
                  const char *what, int *r, struct hd_error *err)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        if (strcmp(names[i], s) == 0) {
            *r = (int)i;
            return 0;
        }
    }
    char choices[128] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(choices, names[i], sizeof choices - strlen(choices) - 1);
        if (i + 1 < n)
            strncat(choices, ", ", sizeof choices - strlen(choices) - 1);
    }
    hd_error_set(err, HD_E_INVAL, "unknown %s '%.40s' (one of: %s)", what,
                 s ? s : "", choices);
    return -1;
}

#define PARSER(fn, type, names, what)                                        \
    int fn(const char *s, type *r, struct hd_error *err)                     \
    {                                                                        \
        int v;                                                               \
        if (lookup(names, HD_ARRAY_LEN(names), s, what, &v, err) < 0)        \
            return -1;                                                       \
        *r = (type)v;                                                        \
        return 0;                                                            \
    }

PARSER(hd_status_parse, enum hd_status, status_names, "status")
PARSER(hd_priority_parse, enum hd_priority, prio_names, "priority")
PARSER(hd_category_parse, enum hd_category, cat_names, "category")
PARSER(hd_msg_kind_parse, enum hd_msg_kind, kind_names, "message kind")

bool hd_status_is_open(enum hd_status s)
{
    return s == HD_STATUS_NEW || s == HD_STATUS_OPEN ||
           s == HD_STATUS_PENDING;
}

bool hd_status_can_change(enum hd_status from, enum hd_status to)
{
    if (from == to)
        return false;
    switch (to) {
    case HD_STATUS_NEW:
        return false; /* new is only ever the first state */
    case HD_STATUS_OPEN:
    case HD_STATUS_PENDING:
    case HD_STATUS_RESOLVED:
        return from != HD_STATUS_CLOSED;
    case HD_STATUS_CLOSED:
        return true;
    case HD_STATUS_COUNT:
        break;
    }
    return false;
}
