/* agent_layout.h - the frame of every agents' page and the small pieces
 * pages share: the CSRF field, times, SLA time left, table heads
 * (agent_layout.c). */
#ifndef WEB_AGENT_LAYOUT_H
#define WEB_AGENT_LAYOUT_H

#include "agent_i18n.h"
#include "agent_session.h"
#include "html.h"
#include "web_int.h"

void web_agent_layout_begin(struct web_req *r, struct web_html *h,
                            const struct web_agent *ag, const char *title);
void web_agent_layout_end(struct web_req *r, struct web_html *h);
/* <input type=hidden name=csrf value=...> */
void web_agent_csrf_field(struct web_html *h, const char *token);
/* "2026-05-01 10:30" in the instance zone, in a <time>. */
void web_agent_time(struct web_req *r, struct web_html *h, int64_t t);
/* The time left until due, in words: "56 min left", "overdue by 2 h"
 * (ja: 残り56分, 2時間超過); web_agent_left() marks an overdue one. */
const char *web_agent_left_words(struct web_req *r, int64_t due, int64_t now);
void web_agent_left(struct web_req *r, struct web_html *h, int64_t due,
                    int64_t now);

/* What agents see for a queue: its description when it has one (not
 * the note init leaves on the default queue), else its name; "—" for no
 * queue. */
const char *web_agent_queue_label(const char *name, const char *desc);

/* A table head: <thead> with the column names, then <tbody>. */
void web_agent_table_head(struct web_req *r, struct web_html *h,
                          const enum web_amsg *cols, size_t n);

#endif
