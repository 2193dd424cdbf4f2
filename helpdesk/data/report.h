/* report.h - the service checklist answered from the running system.
 * Each of the 65 rows (checklist.h) gets one of three kinds of answer:
 *   computed  from the instance (counts and times from the database,
 *             settings, backup generations on disk, the availability
 *             record, clamd and the kernel clock), status "ok" when the
 *             evidence meets the threshold the row states, else "ng";
 *   operator  the operator's own text (report.rowN in helpdesk.conf),
 *             with who changed the file and when: status "operator";
 *   unknown   nothing on record to answer with: status "unknown".
 * No row is "ok" by fixed text. */
#ifndef HD_REPORT_H
#define HD_REPORT_H

#include "buf.h"
#include "instance.h"

#include <jansson.h>

#define HD_REPORT_DAYS 365           /* the "last year" of rows 11, 13, 19 */
#define HD_REPORT_BACKUP_STALE (36 * 3600) /* newest backup older: ng */
#define HD_REPORT_RETENTION_MIN 730  /* row 24 promises two years */
#define HD_REPORT_HTML_MAX (1u << 20)

/* Asks clamd at 'socket' whether it answers: 0 yes, -1 no (err says
 * why).  The scanner lives above this layer, so callers pass it in. */
typedef int (*hd_report_ping_fn)(const char *socket, struct hd_error *err);

/* Builds the checklist in lang ("ja" or "en"): a JSON array of 65
 * objects {no, item, answer, evidence, status, threshold}, status one of
 * "ok", "ng", "operator", "unknown" (see the top); threshold is "" but
 * for computed rows.  clamd_ping may be NULL (rows 48-49 then say clamd
 * was not asked, and are ng).  Caller decrefs *out.  -1 with err when the
 * database cannot be read. */
HD_NODISCARD int hd_report_checklist(struct hd_instance *inst,
                                     struct hd_store *st, const char *lang,
                                     hd_report_ping_fn clamd_ping,
                                     json_t **out, struct hd_error *err);

struct hd_report_counts {
    int ok, ng, operator_, unknown;
};
/* Counts the rows of a checklist by status. */
void hd_report_summary(const json_t *rows, struct hd_report_counts *n);

/* A standalone HTML document of a checklist from hd_report_checklist():
 * a summary line (ok / ng / operator / not known), then the rows, "ng"
 * first; every value escaped, no scripts, no external resources. */
HD_NODISCARD int hd_report_checklist_html(const json_t *rows,
                                          const char *lang,
                                          const char *title,
                                          struct hd_buf *out,
                                          struct hd_error *err);

#endif
