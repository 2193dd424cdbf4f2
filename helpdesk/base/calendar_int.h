/* calendar_int.h - the calendar's insides, shared by calendar.c (queries)
 * and calendar_setup.c (hours, closures, loading) only. */
#ifndef HD_CALENDAR_INT_H
#define HD_CALENDAR_INT_H

#include "calendar.h"

struct closure {
    int64_t first, last; /* local day numbers, inclusive */
    char *name;
};

struct open_day {
    int64_t day;
    struct hd_calendar_range r;
};

struct hd_calendar {
    char zone[HD_CALENDAR_ZONE_MAX];
    bool fixed;  /* offset below, else the process zone */
    long offset; /* seconds east of UTC when fixed */
    bool always; /* open all the time */
    struct hd_calendar_range hours[7][HD_CALENDAR_RANGES_MAX];
    size_t nhours[7];
    bool holidays_jp, year_end;
    struct closure *closures;
    size_t nclosures, capclosures;
    struct open_day *open_days;
    size_t nopen_days, capopen_days;
};

#endif
