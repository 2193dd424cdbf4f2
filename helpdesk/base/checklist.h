/* checklist.h - the 65 items of the cloud-service checklist the operator
 * must answer (their texts only; the answers and evidence are report.h's
 * business). */
#ifndef HD_CHECKLIST_H
#define HD_CHECKLIST_H

#include "hd.h"

#define HD_CHECKLIST_ROWS 65

/* The item text of row no (1..HD_CHECKLIST_ROWS) in "ja" or "en" (any
 * other lang: English); NULL for a row that does not exist.  Static. */
const char *hd_checklist_item(int no, const char *lang);

#endif
