/* agent_admin_mail.c - /agent/admin/mail: when smtp.maildir is set (the
 * demo), the worker writes outbound mail into that Maildir instead of
 * sending it; this page lists the newest of those mails (when, to whom,
 * subject) so a newcomer sees the acknowledgements and replies the help
 * desk sends.  Admins only; read-only. */
#include "agent_admin_mail.h"

#include "agent_i18n.h"
#include "agent_layout.h"
#include "agent_session.h"
#include "parse.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define WEB_MAIL_LIST_MAX 100   /* mails listed, newest first */
#define WEB_MAIL_HEAD_MAX 16384 /* bytes of a mail read for its headers */

struct caught {
    const char *name;
    int64_t at;
    const char *to, *subject;
};

static int newest_first(const void *a, const void *b)
{
    const struct caught *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? 1 : -1;
    return strcmp(y->name, x->name);
}

/* The decoded value of header name in the header block head (folded lines
 * joined), or "". */
static const char *header(struct web_req *r, const char *head,
                          const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = head; p && *p && *p != '\n' && *p != '\r';) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1, *e = v;
            while (*e && !(*e == '\n' && e[1] != ' ' && e[1] != '\t'))
                e++;
            return mg_decode_header(v, (size_t)(e - v), r->a);
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return "";
}

static void read_one(struct web_req *r, const char *dir, struct caught *c)
{
    char *path = hd_arena_printf(r->a, "%s/%s", dir, c->name);
    char *buf = hd_arena_alloc(r->a, WEB_MAIL_HEAD_MAX + 1);
    struct stat sb;
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, WEB_MAIL_HEAD_MAX, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    c->at = stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : 0;
    c->to = header(r, buf, "To");
    c->subject = header(r, buf, "Subject");
}

/* Up to WEB_MAIL_LIST_MAX mails of dir/new, newest first. */
static size_t list(struct web_req *r, const char *dir, struct caught **cs_r)
{
    const char *nd = hd_arena_printf(r->a, "%s/new", dir);
    DIR *d = opendir(nd);
    size_t n = 0, cap = 64;
    struct caught *cs = hd_arena_alloc(r->a, cap * sizeof *cs);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            struct caught *more = hd_arena_alloc(r->a, 2 * cap * sizeof *cs);
            memcpy(more, cs, n * sizeof *cs);
            cs = more;
            cap *= 2;
        }
        cs[n].name = hd_arena_strdup(r->a, e->d_name);
        read_one(r, nd, &cs[n]);
        n++;
    }
    if (d != NULL)
        closedir(d);
    qsort(cs, n, sizeof *cs, newest_first);
    *cs_r = cs;
    return n < WEB_MAIL_LIST_MAX ? n : WEB_MAIL_LIST_MAX;
}

void web_agent_admin_mail(struct web_req *r, const char *arg)
{
    (void)arg;
    struct web_agent *ag = web_agent_begin(r, false, WEB_ROLE_ADMIN);
    if (ag == NULL)
        return;
    const char *dir = hd_config_get(r->app->cfg, HD_CFG_SMTP_MAILDIR);
    struct web_html h;
    web_html_init(&h);
    web_agent_layout_begin(r, &h, ag, web_at(r->lang, A_CAUGHT_MAIL));
    web_html_lit(&h, "<h1>");
    web_html_text(&h, web_at(r->lang, A_CAUGHT_MAIL));
    web_html_lit(&h, "</h1>\n<p>");
    if (*dir == '\0') {
        web_html_text(&h, web_at(r->lang, A_CAUGHT_OFF));
        web_html_lit(&h, "</p>\n");
    } else {
        web_html_text(&h, web_at(r->lang, A_CAUGHT_TEXT));
        web_html_lit(&h, " <code>");
        web_html_text(&h, dir);
        web_html_lit(&h, "</code></p>\n");
        struct caught *cs;
        size_t n = list(r, dir, &cs);
        static const enum web_amsg cols[] = {A_TIME, A_MAIL_TO, A_SUBJECT};
        if (n == 0) {
            web_html_lit(&h, "<p>");
            web_html_text(&h, web_at(r->lang, A_NO_ROWS));
            web_html_lit(&h, "</p>\n");
        } else {
            web_html_lit(&h, "<table class=\"logs mail\">");
            web_agent_table_head(r, &h, cols, HD_ARRAY_LEN(cols));
            for (size_t i = 0; i < n; i++) {
                web_html_lit(&h, "<tr><td>");
                web_agent_time(r, &h, cs[i].at);
                web_html_lit(&h, "</td><td data-label=\"");
                web_html_text(&h, web_at(r->lang, A_MAIL_TO));
                web_html_lit(&h, "\">");
                web_html_text(&h, cs[i].to);
                web_html_lit(&h, "</td><td data-label=\"");
                web_html_text(&h, web_at(r->lang, A_SUBJECT));
                web_html_lit(&h, "\">");
                web_html_text(&h, cs[i].subject);
                web_html_lit(&h, "</td></tr>\n");
            }
            web_html_lit(&h, "</tbody></table>\n");
        }
    }
    web_agent_layout_end(r, &h);
    web_resp_html(r, 200, &h);
    web_html_deinit(&h);
}
