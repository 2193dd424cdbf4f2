/* report.h - the service checklist answered from the running system.
 * For each of the 65 rows (checklist.h) this instance's answer and the
 * live evidence behind it: counts and times from the database, settings
 * from the config, the backup generations on disk, the availability
 * record (uptime.h).  Rows the software cannot know (contract, premises,
 * law) show the operator's text from the config (report.rowN). */
#ifndef HD_REPORT_H
#define HD_REPORT_H

#include "buf.h"
#include "instance.h"

#include <jansson.h>

#define HD_REPORT_DAYS 365           /* the "last year" of rows 11, 13, 19 */
#define HD_REPORT_BACKUP_STALE (36 * 3600) /* newest backup older: attention */
#define HD_REPORT_RETENTION_MIN 730  /* row 24 promises two years */
#define HD_REPORT_HTML_MAX (1u << 20)

/* Builds the checklist in lang ("ja" or "en"): a JSON array of 65
 * objects {no, item, answer, evidence, status}, status one of "ok",
 * "attention" (the evidence shows a problem), "operator" (only the
 * operator can answer and has not).  Caller decrefs *out.  -1 with err
 * when the database or the backup directory cannot be read. */
HD_NODISCARD int hd_report_checklist(struct hd_instance *inst,
                                     struct hd_store *st, const char *lang,
                                     json_t **out, struct hd_error *err);

/* A standalone HTML document of a checklist from hd_report_checklist():
 * every value escaped, no scripts, no external resources. */
HD_NODISCARD int hd_report_checklist_html(const json_t *rows,
                                          const char *lang,
                                          const char *title,
                                          struct hd_buf *out,
                                          struct hd_error *err);

#endif
