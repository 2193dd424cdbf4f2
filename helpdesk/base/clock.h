/* clock.h - the only source of "now", and RFC 3339 in and out.
 *
 * Everything is stored as UTC seconds since the epoch (int64_t).  The
 * instance time zone is set once per process with hd_clock_set_zone()
 * before threads start; local-time helpers use it.  HELPDESK_NOW (an RFC
 * 3339 time) freezes the clock for tests and reproducible runs. */
#ifndef HD_CLOCK_H
#define HD_CLOCK_H

#include "hd.h"

#include <time.h>

/* Current UTC seconds; HELPDESK_NOW overrides the system clock. */
int64_t hd_clock_now(void);
/* Reads HELPDESK_NOW again (tests change it between calls). */
void hd_clock_reload(void);
/* Pins the clock to t (tests); t < 0 unpins. */
void hd_clock_freeze(int64_t t);

/* Is the system clock kept in step with a time source?  The kernel's
 * view (adjtimex): synced when NTP discipline is on (no STA_UNSYNC) and
 * the estimated error is known.  HELPDESK_CLOCK_SYNC=yes|no overrides
 * it, so tests can exercise both answers on any machine. */
struct hd_clock_sync {
    bool synced;
    long max_error_us; /* kernel's maximum error estimate */
    const char *source; /* "adjtimex" or "HELPDESK_CLOCK_SYNC" */
};
void hd_clock_sync_state(struct hd_clock_sync *s);

/* Sets the process time zone (TZ) to an IANA name.  Returns -1 with
 * HD_E_CONFIG when the zone data is missing (glibc silently falls back to
 * UTC otherwise). */
HD_NODISCARD int hd_clock_set_zone(const char *tz, struct hd_error *err);
const char *hd_clock_zone(void);

/* Parses "2026-12-25T18:59:00+09:00", "...Z", fractional seconds and
 * a space instead of T; seconds may be omitted.  Returns 0 or -1. */
HD_NODISCARD int hd_time_parse(const char *s, int64_t *t_r,
                               struct hd_error *err);
/* Formats t in the process zone as RFC 3339 with offset ("+09:00").
 * out needs 32 bytes. */
void hd_time_format_local(int64_t t, char out[32]);
/* Formats t as UTC "2026-12-25T09:59:00Z". */
void hd_time_format_utc(int64_t t, char out[32]);
/* Broken-down local time in the process zone; offset in seconds. */
void hd_time_local(int64_t t, struct tm *tm_r, long *gmtoff_r);
/* Local wall-clock fields to UTC seconds (mktime with isdst=-1). */
int64_t hd_time_from_local(int year, int mon, int mday, int hour, int min,
                           int sec);

#endif
