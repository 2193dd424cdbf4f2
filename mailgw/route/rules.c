/* rules.c - see rules.h. */
#include "rules.h"

#include "route.h"
#include "ticket.h"

#include <jansson.h>
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum op { OP_EQ, OP_NE, OP_CONTAINS, OP_ANY, OP_IN, OP_RE };
static const char *const op_names[] = {"=", "!=", "~", "~any", "in", "=~"};

static const char *const fields[] = {
    "to",   "envelope", "from", "from_domain", "org",   "tier",    "subject",
    "body", "text",     "hours", "channel",    "auto",  "bounce",
};

static const char *const actions[] = {"queue", "category", "priority",
                                      "assign", "tag"};

struct cond {
    char *field; /* one of fields[] or "header:NAME" */
    enum op op;
    char *value;
    regex_t re;
    bool has_re;
};

struct act {
    char *action, *value;
};

struct mg_rule {
    struct cond conds[MG_RULE_CONDS_MAX];
    size_t n_conds;
    struct act acts[MG_RULE_ACTIONS_MAX];
    size_t n_acts;
};

void mg_rule_free(struct mg_rule **rp)
{
    struct mg_rule *r = *rp;
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_conds; i++) {
        free(r->conds[i].field);
        free(r->conds[i].value);
        if (r->conds[i].has_re)
            regfree(&r->conds[i].re);
    }
    for (size_t i = 0; i < r->n_acts; i++) {
        free(r->acts[i].action);
        free(r->acts[i].value);
    }
    free(r);
    *rp = NULL;
}

static bool known(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

static int compile_cond(struct cond *c, json_t *j, struct hd_error *err)
{
    const char *f = json_string_value(json_object_get(j, "field"));
    const char *o = json_string_value(json_object_get(j, "op"));
    const char *v = json_string_value(json_object_get(j, "value"));
    if (f == NULL || o == NULL || v == NULL) {
        hd_error_set(err, HD_E_INVAL,
                     "a condition needs field, op and value");
        return -1;
    }
    bool header = strncasecmp(f, "header:", 7) == 0 && f[7] != '\0';
    if (!header && !known(fields, HD_ARRAY_LEN(fields), f)) {
        hd_error_set(err, HD_E_INVAL,
                     "unknown field '%.60s' (to, envelope, from, from_domain, "
                     "org, tier, subject, body, text, header:NAME, hours, "
                     "channel, auto, bounce)",
                     f);
        return -1;
    }
    int op = -1;
    for (size_t i = 0; i < HD_ARRAY_LEN(op_names); i++)
        if (strcmp(op_names[i], o) == 0)
            op = (int)i;
    if (op < 0) {
        hd_error_set(err, HD_E_INVAL,
                     "unknown operator '%.20s' (=, !=, ~, ~any, in, =~)", o);
        return -1;
    }
    if (*v == '\0' || strlen(v) > MG_RULE_VALUE_MAX) {
        hd_error_set(err, HD_E_INVAL, "condition on %.60s: value must be "
                                      "1-%d bytes", f, MG_RULE_VALUE_MAX);
        return -1;
    }
    c->field = hd_xstrdup(f);
    c->op = (enum op)op;
    c->value = hd_xstrdup(v);
    if (c->op == OP_RE) {
        int rc = regcomp(&c->re, v, REG_EXTENDED | REG_ICASE | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &c->re, msg, sizeof msg);
            hd_error_set(err, HD_E_INVAL, "bad regular expression '%.60s': "
                                          "%s", v, msg);
            free(c->field);
            free(c->value);
            c->field = c->value = NULL;
            return -1;
        }
        c->has_re = true;
    }
    return 0;
}

static int compile_act(struct act *a, json_t *j, struct hd_store *st,
                       struct hd_error *err)
{
    const char *n = json_string_value(json_object_get(j, "action"));
    const char *v = json_string_value(json_object_get(j, "value"));
    struct hd_error ignore;
    if (n == NULL || !known(actions, HD_ARRAY_LEN(actions), n)) {
        hd_error_set(err, HD_E_INVAL, "unknown action '%.40s' (queue, "
                                      "category, priority, assign, tag)",
                     n ? n : "");
        return -1;
    }
    if (v == NULL || *v == '\0' || strlen(v) > MG_RULE_VALUE_MAX) {
        hd_error_set(err, HD_E_INVAL, "action %s needs a value", n);
        return -1;
    }
    enum hd_category c;
    enum hd_priority p;
    if ((strcmp(n, "category") == 0 && hd_category_parse(v, &c, err) < 0) ||
        (strcmp(n, "priority") == 0 && hd_priority_parse(v, &p, err) < 0))
        return -1;
    if (st != NULL && strcmp(n, "queue") == 0) {
        struct hd_arena *ar = hd_arena_new();
        struct hd_queue q;
        int f = hd_store_queue_get(st, 0, v, ar, &q, &ignore);
        hd_arena_free(&ar);
        if (f <= 0) {
            hd_error_set(err, HD_E_INVAL, "no queue named '%.60s'", v);
            return -1;
        }
    }
    if (st != NULL && strcmp(n, "assign") == 0 &&
        strcmp(v, "round-robin") != 0 && strcmp(v, "least-open") != 0) {
        struct hd_arena *ar = hd_arena_new();
        struct hd_user u;
        int f = hd_store_user_get(st, 0, v, ar, &u, NULL, &ignore);
        hd_arena_free(&ar);
        if (f <= 0) {
            hd_error_set(err, HD_E_INVAL, "assign: no user '%.60s' (or "
                                          "round-robin, least-open)", v);
            return -1;
        }
    }
    a->action = hd_xstrdup(n);
    a->value = hd_xstrdup(v);
    return 0;
}

int mg_rule_compile(const char *conditions_json, const char *actions_json,
                    struct hd_store *st, struct mg_rule **r_r,
                    struct hd_error *err)
{
    json_error_t je;
    json_t *cj = json_loads(conditions_json, JSON_REJECT_DUPLICATES, &je);
    json_t *aj = json_loads(actions_json, JSON_REJECT_DUPLICATES, &je);
    struct mg_rule *r = hd_xcalloc(1, sizeof *r);
    int rc = -1;
    if (!json_is_array(cj) || !json_is_array(aj)) {
        hd_error_set(err, HD_E_INVAL, "conditions and actions must be JSON "
                                      "arrays");
        goto out;
    }
    if (json_array_size(cj) > MG_RULE_CONDS_MAX ||
        json_array_size(aj) > MG_RULE_ACTIONS_MAX) {
        hd_error_set(err, HD_E_INVAL, "at most %d conditions and %d actions",
                     MG_RULE_CONDS_MAX, MG_RULE_ACTIONS_MAX);
        goto out;
    }
    if (json_array_size(aj) == 0) {
        hd_error_set(err, HD_E_INVAL, "a rule needs at least one action");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(cj); i++, r->n_conds++)
        if (compile_cond(&r->conds[i], json_array_get(cj, i), err) < 0)
            goto out;
    for (size_t i = 0; i < json_array_size(aj); i++, r->n_acts++)
        if (compile_act(&r->acts[i], json_array_get(aj, i), st, err) < 0)
            goto out;
    *r_r = r;
    r = NULL;
    rc = 0;
out:
    mg_rule_free(&r);
    json_decref(cj);
    json_decref(aj);
    return rc;
}

/* Compiled rules by their text; entries are never removed, so a pointer
 * handed out stays good while other threads add entries. */
struct cached_rule {
    char *conditions, *actions;
    struct mg_rule *rule;
};
static struct cached_rule rule_cache[MG_RULE_CACHE_MAX];
static size_t rule_cache_n;
static pthread_mutex_t rule_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct mg_rule *cache_find(const char *cj, const char *aj)
{
    for (size_t i = 0; i < rule_cache_n; i++)
        if (strcmp(rule_cache[i].conditions, cj) == 0 &&
            strcmp(rule_cache[i].actions, aj) == 0)
            return rule_cache[i].rule;
    return NULL;
}

int mg_rule_compiled(const char *conditions_json, const char *actions_json,
                     const struct mg_rule **r_r, struct mg_rule **tmp_r,
                     struct hd_error *err)
{
    struct mg_rule *r = NULL;
    int rc = 0;
    *tmp_r = NULL;
    pthread_mutex_lock(&rule_cache_lock);
    *r_r = cache_find(conditions_json, actions_json);
    if (*r_r != NULL)
        goto out;
    rc = mg_rule_compile(conditions_json, actions_json, NULL, &r, err);
    if (rc < 0)
        goto out;
    if (rule_cache_n < MG_RULE_CACHE_MAX) {
        struct cached_rule *c = &rule_cache[rule_cache_n++];
        c->conditions = hd_xstrdup(conditions_json);
        c->actions = hd_xstrdup(actions_json);
        c->rule = r;
    } else {
        *tmp_r = r;
    }
    *r_r = r;
out:
    pthread_mutex_unlock(&rule_cache_lock);
    return rc;
}

/* Every value the field has for this message (a field like "to" has
 * several); returns how many were stored in vals. */
static size_t field_values(const struct cond *c, const struct mg_rule_ctx *x,
                           const char **vals, size_t max)
{
    const struct mg_mail *m = x->m;
    const char *f = c->field;
    size_t n = 0;
#define PUT(v)                                                               \
    do {                                                                     \
        if ((v) != NULL && n < max)                                          \
            vals[n++] = (v);                                                 \
    } while (0)
    if (strncasecmp(f, "header:", 7) == 0) {
        PUT(mg_mail_header(m, f + 7));
    } else if (strcmp(f, "to") == 0) {
        PUT(x->envelope);
        for (size_t i = 0; i < m->n_to; i++)
            PUT(m->to[i].address);
        for (size_t i = 0; i < m->n_cc; i++)
            PUT(m->cc[i].address);
    } else if (strcmp(f, "envelope") == 0) {
        PUT(x->envelope);
    } else if (strcmp(f, "from") == 0) {
        PUT(m->from.address);
    } else if (strcmp(f, "from_domain") == 0) {
        const char *at = strrchr(m->from.address, '@');
        PUT(at ? at + 1 : NULL);
    } else if (strcmp(f, "org") == 0) {
        PUT(x->org_name);
    } else if (strcmp(f, "tier") == 0) {
        PUT(x->tier);
    } else if (strcmp(f, "subject") == 0) {
        PUT(m->subject);
    } else if (strcmp(f, "body") == 0) {
        PUT(x->head_text);
    } else if (strcmp(f, "text") == 0) {
        PUT(m->subject);
        PUT(x->head_text);
    } else if (strcmp(f, "hours") == 0) {
        PUT(x->open_now ? "open" : "closed");
    } else if (strcmp(f, "channel") == 0) {
        PUT(x->channel);
    } else if (strcmp(f, "auto") == 0) {
        PUT(m->auto_reply || m->list || m->loop || m->bounce ? "yes" : "no");
    } else if (strcmp(f, "bounce") == 0) {
        PUT(m->bounce ? "yes" : "no");
    }
#undef PUT
    return n;
}

/* Does one value satisfy the condition?  *hit_r names the word found. */
static bool value_matches(const struct cond *c, const char *v,
                          struct hd_arena *a, const char **hit_r)
{
    *hit_r = c->value;
    switch (c->op) {
    case OP_EQ:
        return strcasecmp(v, c->value) == 0;
    case OP_NE:
        return strcasecmp(v, c->value) != 0;
    case OP_CONTAINS:
        return mg_route_contains(v, c->value);
    case OP_RE:
        return regexec(&c->re, v, 0, NULL, 0) == 0;
    case OP_ANY:
    case OP_IN: {
        char *list = hd_arena_strdup(a, c->value), *save = NULL;
        for (char *w = strtok_r(list, ",", &save); w;
             w = strtok_r(NULL, ",", &save)) {
            while (*w == ' ')
                w++;
            bool ok = c->op == OP_IN ? strcasecmp(v, w) == 0
                                     : mg_route_contains(v, w);
            if (ok) {
                *hit_r = w;
                return true;
            }
        }
        return false;
    }
    }
    return false;
}

bool mg_rule_match(const struct mg_rule *r, const struct mg_rule_ctx *ctx,
                   struct hd_arena *a, const char **why_r)
{
    const char *why = "";
    for (size_t i = 0; i < r->n_conds; i++) {
        const struct cond *c = &r->conds[i];
        const char *vals[64], *hit = NULL;
        size_t n = field_values(c, ctx, vals, HD_ARRAY_LEN(vals));
        bool ok = false;
        for (size_t k = 0; k < n && !ok; k++)
            ok = value_matches(c, vals[k], a, &hit);
        if (!ok)
            return false;
        const char *verb = c->op == OP_CONTAINS || c->op == OP_ANY
                               ? "contains"
                           : c->op == OP_RE ? "matches"
                           : c->op == OP_NE ? "is not"
                                            : "is";
        why = hd_arena_printf(a, "%s%s%s %s %s", why, *why ? " and " : "",
                              c->field, verb, hit);
    }
    *why_r = *why ? why : "always";
    return true;
}

size_t mg_rule_n_actions(const struct mg_rule *r)
{
    return r->n_acts;
}

void mg_rule_action(const struct mg_rule *r, size_t i, const char **action_r,
                    const char **value_r)
{
    hd_assert(i < r->n_acts);
    *action_r = r->acts[i].action;
    *value_r = r->acts[i].value;
}

int mg_rule_cond_from_text(const char *text, struct hd_arena *a,
                           const char **field_r, const char **op_r,
                           const char **value_r, struct hd_error *err)
{
    const char *sp = strchr(text, ' ');
    const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
    if (sp == NULL || sp2 == NULL || sp2[1] == '\0') {
        hd_error_set(err, HD_E_INVAL, "condition '%.80s': want 'FIELD OP "
                                      "VALUE', e.g. 'subject ~ 障害'", text);
        return -1;
    }
    *field_r = hd_arena_strndup(a, text, (size_t)(sp - text));
    *op_r = hd_arena_strndup(a, sp + 1, (size_t)(sp2 - sp - 1));
    *value_r = hd_arena_strdup(a, sp2 + 1);
    return 0;
}
