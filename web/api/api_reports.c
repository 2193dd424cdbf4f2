/* api_reports.c - GET /api/v1/reports?days=N: the managers' reports
 * (helpdesk/data/stats.h) as JSON, the same tables the agents' page and
 * its CSV show, kept to the token user's queues unless the user is an
 * admin.
 *
 *   {"since": ..., "until": ..., "days": 28, "zone": "Asia/Tokyo",
 *    "tables": [{"id": "sla_by_queue", "columns": ["first_met", ...],
 *                "rows": [{"label": "support", "values": [3, 1, ...]}]}]}
 *
 * Rates are per mille, -1 when nothing was rated. */
#include "api.h"

#include "stats.h"

#include "clock.h"

#include <stdlib.h>

static json_t *table_json(const struct hd_stats_table *t)
{
    json_t *cols = json_array(), *rows = json_array();
    for (size_t k = 0; k < t->ncols; k++)
        json_array_append_new(cols, json_string(t->cols[k]));
    for (size_t i = 0; i < t->nrows; i++) {
        json_t *v = json_array();
        for (size_t k = 0; k < t->ncols; k++)
            json_array_append_new(v, json_integer(t->rows[i].v[k]));
        json_array_append_new(rows, json_pack("{s:s, s:o}", "label",
                                              t->rows[i].label, "values", v));
    }
    return json_pack("{s:s, s:o, s:o}", "id", t->id, "columns", cols, "rows",
                     rows);
}

void web_api_reports(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_api_caller c;
    struct hd_error err = HD_ERROR_INIT;
    if (!web_api_auth(r, HD_SCOPE_READ, &c))
        return;
    const char *d = web_req_arg(r, "days");
    long days = d ? strtol(d, NULL, 10) : HD_STATS_DAYS_DEFAULT;
    if (days < 1 || days > HD_STATS_DAYS_MAX) {
        hd_error_set(&err, HD_E_INVAL, "days: 1 to %d", HD_STATS_DAYS_MAX);
        web_api_fail(r, &err);
        return;
    }
    struct hd_stats s;
    struct hd_stats_opts o = {.days = (int)days, .until = hd_clock_now(),
                              .visible_to_user = c.admin ? 0
                                                         : c.tok.user_id};
    if (hd_stats_build(r->app->inst, r->st, &o, r->a, &s, &err) < 0) {
        web_api_fail(r, &err);
        return;
    }
    json_t *tables = json_array();
    for (int i = 0; i < HD_ST_COUNT; i++)
        json_array_append_new(tables, table_json(&s.t[i]));
    web_resp_json(r, 200,
                  json_pack("{s:I, s:I, s:i, s:s, s:o}", "since",
                            (json_int_t)s.since, "until", (json_int_t)s.until,
                            "days", s.days, "zone", s.zone, "tables",
                            tables));
}
