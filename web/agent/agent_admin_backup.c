/* agent_admin_backup.c - /agent/admin/backups (admins only): the backup
 * generations with creation time, size and verified state (the newest
 * run or verify of each in the backup log), the backup log itself, and
 * a verify button per generation (POST: hd_backup_verify_on(), the
 * result shown; the backup log and the audit log record it, the audit
 * log also with the admin who asked). */
#include "agent_admin_backup.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "audit.h"
#include "backup.h"
#include "store_data.h"

#include <jansson.h>
#include <string.h>

#define WEB_BACKUP_LOG_ROWS 200 /* backup log rows read and shown */

struct backup_view {
    const char *gen;    /* generation just verified, or NULL */
    bool ok;
    const char *detail; /* bytes read / what was wrong */
};

/* The newest run or verify row of gen in the log, or NULL. */
static const struct hd_backup_log_row *
last_check(const struct hd_backup_log_row *log, size_t n, const char *gen)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(log[i].generation, gen) == 0 &&
            (strcmp(log[i].action, "run") == 0 ||
             strcmp(log[i].action, "verify") == 0))
            return &log[i];
    return NULL;
}

static void verified_cell(struct web_req *r, struct web_html *h,
                          const struct hd_backup_log_row *c)
{
    if (c == NULL) {
        web_html_text(h, web_at(r->lang, A_NOT_VERIFIED));
        return;
    }
    if (!c->ok) {
        web_html_lit(h, "<strong class=\"st-failed\">");
        web_html_text(h, web_at(r->lang, A_VERIFY_FAILED));
        web_html_text(h, c->detail);
        web_html_lit(h, "</strong> ");
    } else if (strcmp(c->action, "run") == 0) {
        web_html_text(h, web_at(r->lang, A_VERIFIED_AT_RUN));
        web_html_lit(h, " ");
    } else {
        web_html_text(h, web_at(r->lang, A_VERIFIED));
        web_html_lit(h, " ");
    }
    web_agent_time(r, h, c->at);
}

static void gen_row(struct web_req *r, struct web_html *h,
                    const struct web_agent *ag, const json_t *g,
                    const struct hd_backup_log_row *log, size_t nlog)
{
    const char *name = json_string_value(json_object_get(g, "name"));
    name = name ? name : "";
    web_html_lit(h, "<tr><th scope=\"row\">");
    web_html_text(h, name);
    web_html_lit(h, "</th><td>");
    web_agent_time(r, h, json_integer_value(json_object_get(g, "created_at")));
    web_html_lit(h, "</td><td>");
    web_html_int(h, json_integer_value(json_object_get(g, "bytes")));
    web_html_lit(h, " ");
    web_html_text(h, web_at(r->lang, A_BYTES));
    web_html_lit(h, "</td><td>");
    verified_cell(r, h, last_check(log, nlog, name));
    web_html_lit(h, "</td><td><form method=\"post\" "
                    "action=\"/agent/admin/backups/verify\">");
    web_agent_csrf_field(h, ag->csrf);
    web_html_lit(h, "<input type=\"hidden\" name=\"gen\" value=\"");
    web_html_text(h, name);
    web_html_lit(h, "\"><button type=\"submit\">");
    web_html_text(h, web_at(r->lang, A_VERIFY));
    web_html_lit(h, "</button></form></td></tr>\n");
}

static void head_row(struct web_req *r, struct web_html *h,
                     const enum web_amsg *cols, size_t n)
{
    web_html_lit(h, "<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        web_html_lit(h, "<th scope=\"col\">");
        web_html_text(h, web_at(r->lang, cols[i]));
        web_html_lit(h, "</th>");
    }
    web_html_lit(h, "</tr></thead>\n<tbody>\n");
}

static void gens_table(struct web_req *r, struct web_html *h,
                       const struct web_agent *ag, const json_t *gens,
                       const struct hd_backup_log_row *log, size_t nlog)
{
    static const enum web_amsg cols[] = {A_GENERATION, A_CREATED, A_SIZE,
                                         A_VERIFIED, A_VERIFY};
    if (json_array_size(gens) == 0) {
        web_html_lit(h, "<p>");
        web_html_text(h, web_at(r->lang, A_NO_BACKUPS));
        web_html_lit(h, "</p>\n");
        return;
    }
    web_html_lit(h, "<table class=\"backups\">");
    head_row(r, h, cols, HD_ARRAY_LEN(cols));
    for (size_t i = json_array_size(gens); i-- > 0;)
        gen_row(r, h, ag, json_array_get(gens, i), log, nlog);
    web_html_lit(h, "</tbody></table>\n");
}

static void log_table(struct web_req *r, struct web_html *h,
                      const struct hd_backup_log_row *log, size_t n)
{
    static const enum web_amsg cols[] = {A_TIME, A_ACTION, A_GENERATION,
                                         A_RESULT, A_SIZE, A_DETAIL};
    web_html_lit(h, "<h2>");
    web_html_text(h, web_at(r->lang, A_LOG_BACKUP));
    web_html_lit(h, "</h2>\n<table class=\"logs\">");
    head_row(r, h, cols, HD_ARRAY_LEN(cols));
    for (size_t i = 0; i < n; i++) {
        if (log[i].ok)
            web_html_lit(h, "<tr><td>");
        else
            web_html_lit(h, "<tr class=\"failed\"><td>");
        web_agent_time(r, h, log[i].at);
        web_html_lit(h, "</td><td>");
        web_html_text(h, log[i].action);
        web_html_lit(h, "</td><td>");
        web_html_text(h, log[i].generation);
        web_html_lit(h, "</td><td>");
        web_html_text(h, log[i].ok ? "ok" : "failed");
        web_html_lit(h, "</td><td>");
        web_html_int(h, log[i].bytes);
        web_html_lit(h, "</td><td>");
        web_html_text(h, log[i].detail);
        web_html_lit(h, "</td></tr>\n");
    }
    web_html_lit(h, "</tbody></table>\n");
}

static void result_html(struct web_req *r, struct web_html *h,
                        const struct backup_view *v)
{
    if (v->ok)
        web_html_lit(h, "<p class=\"notice\" role=\"status\">");
    else
        web_html_lit(h, "<p class=\"error\" role=\"alert\">");
    web_html_text(h, web_at(r->lang, v->ok ? A_VERIFY_OK : A_VERIFY_FAILED));
    web_html_text(h, v->gen);
    web_html_lit(h, " (");
    web_html_text(h, v->detail);
    web_html_lit(h, ")</p>\n");
}

/* The generations (caller decrefs) and the backup log, or NULL with the
 * error page written. */
static json_t *load(struct web_req *r, struct hd_backup_log_row **log_r,
                    size_t *n_r)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_backup_log_list(r->st, WEB_BACKUP_LOG_ROWS, r->a, log_r, n_r,
                                 &err) < 0) {
        web_agent_fail(r, &err);
        return NULL;
    }
    json_t *gens = hd_backup_list(r->app->inst, &err);
    if (gens == NULL)
        web_agent_fail(r, &err);
    return gens;
}

static void backups_page(struct web_req *r, const struct web_agent *ag,
                         int status, const struct backup_view *v)
{
    struct hd_backup_log_row *log = NULL;
    size_t nlog = 0;
    json_t *gens = load(r, &log, &nlog);
    if (gens == NULL)
        return;
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_BACKUPS));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_BACKUPS));
    web_html_lit(&h, "</h1>\n");
    if (v->gen != NULL)
        result_html(r, &h, v);
    gens_table(r, &h, ag, gens, log, nlog);
    log_table(r, &h, log, nlog);
    json_decref(gens);
    web_agent_layout_end(r, &h);
    web_resp_html(r, status, &h);
    web_html_deinit(&h);
}

void web_agent_admin_backups(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    struct backup_view v = {0};
    backups_page(r, ag, 200, &v);
}

/* True when gen names one of the generations on disk (so the name that
 * reaches the backup code is never a path the client made up). */
static bool known_gen(struct web_req *r, const char *gen)
{
    struct hd_error err = HD_ERROR_INIT;
    json_t *gens = hd_backup_list(r->app->inst, &err), *g;
    size_t i;
    bool found = false;
    json_array_foreach(gens, i, g) {
        const char *n = json_string_value(json_object_get(g, "name"));
        found = found || (n != NULL && strcmp(n, gen) == 0);
    }
    json_decref(gens);
    return found;
}

static void audit_verify(struct web_req *r, const struct web_agent *ag,
                         const struct backup_view *v)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_store_begin(r->st, &err) < 0)
        return;
    if (web_agent_audit(r, ag, hd_arena_printf(r->a, "backup:%s", v->gen),
                        "backup.verify", NULL,
                        v->ok ? "{\"ok\":true}" : "{\"ok\":false}",
                        &err) < 0 ||
        hd_store_commit(r->st, &err) < 0)
        hd_store_rollback(r->st);
}

void web_agent_admin_backup_verify(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, true, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    const char *gen = web_form_field(r, "gen");
    if (gen == NULL || !known_gen(r, gen)) {
        web_error_page(r, 404);
        return;
    }
    struct hd_backup_stats stats;
    struct hd_error err = HD_ERROR_INIT;
    struct backup_view v = {.gen = gen};
    v.ok = hd_backup_verify_on(r->app->inst, r->st, gen, &stats, &err) == 0;
    v.detail = v.ok ? hd_arena_printf(r->a, "%lld %s",
                                      (long long)stats.bytes,
                                      web_at(r->lang, A_BYTES))
                    : hd_arena_strdup(r->a, err.msg);
    audit_verify(r, ag, &v);
    backups_page(r, ag, v.ok ? 200 : 422, &v);
}
