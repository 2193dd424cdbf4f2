/* attach.c - see attach.h. */
#include "attach.h"

#include <string.h>

bool hd_attachment_downloadable(const struct hd_attachment *at)
{
    return at->state != NULL && at->scan_state != NULL &&
           strcmp(at->state, "stored") == 0 &&
           strcmp(at->scan_state, "clean") == 0;
}
