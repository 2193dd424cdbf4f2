/* clock.c - see clock.h. */
#include "clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <unistd.h>

static int64_t frozen = -1;
static int loaded;
static char zone[64] = "UTC";

void hd_clock_freeze(int64_t t)
{
    frozen = t;
    loaded = 1;
}

void hd_clock_reload(void)
{
    const char *s = getenv("HELPDESK_NOW");
    int64_t t;
    frozen = -1;
    if (s != NULL && *s != '\0' && hd_time_parse(s, &t, NULL) == 0)
        frozen = t;
    loaded = 1;
}

int64_t hd_clock_now(void)
{
    if (!loaded)
        hd_clock_reload();
    if (frozen >= 0)
        return frozen;
    return (int64_t)time(NULL);
}

int hd_clock_set_zone(const char *tz, struct hd_error *err)
{
    if (tz == NULL || *tz == '\0' || strlen(tz) >= sizeof zone ||
        strstr(tz, "..") != NULL) {
        hd_error_set(err, HD_E_CONFIG, "invalid time zone name");
        return -1;
    }
    if (strcmp(tz, "UTC") != 0 && tz[0] != ':') {
        char path[160];
        snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
        if (access(path, R_OK) != 0) {
            hd_error_set(err, HD_E_CONFIG,
                         "time zone %s not found (is tzdata installed?)", tz);
            return -1;
        }
    }
    snprintf(zone, sizeof zone, "%s", tz);
    setenv("TZ", tz, 1);
    tzset();
    return 0;
}

const char *hd_clock_zone(void)
{
    return zone;
}

static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: proleptic Gregorian, no time zone. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int hd_time_parse(const char *s, int64_t *t_r, struct hd_error *err)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
        *p++ != '-' || digits(&p, 2, &d))
        goto bad;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
            goto bad;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec))
                goto bad;
            if (*p == '.')
                for (p++; isdigit((unsigned char)*p); p++)
                    ;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            sign = *p++ == '-' ? -1 : 1;
            if (digits(&p, 2, &oh))
                goto bad;
            if (*p == ':')
                p++;
            if (digits(&p, 2, &om))
                goto bad;
        } else {
            goto bad; /* a time without offset is ambiguous */
        }
    } else if (*p != '\0') {
        goto bad;
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || sec > 60 || oh > 23 || om > 59)
        goto bad;
    int64_t t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
                h * 3600 + mi * 60 + sec;
    t -= (int64_t)sign * (oh * 3600 + om * 60);
    *t_r = t;
    return 0;
bad:
    hd_error_set(err, HD_E_INVAL,
                 "not an RFC 3339 time (want 2026-12-25T18:59:00+09:00)");
    return -1;
}

void hd_time_local(int64_t t, struct tm *tm_r, long *gmtoff_r)
{
    time_t tt = (time_t)t;
    localtime_r(&tt, tm_r);
    if (gmtoff_r != NULL)
        *gmtoff_r = tm_r->tm_gmtoff;
}

void hd_time_format_local(int64_t t, char out[32])
{
    struct tm tm;
    long off;
    hd_time_local(t, &tm, &off);
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, sign, off / 3600, (off % 3600) / 60);
}

void hd_time_format_utc(int64_t t, char out[32])
{
    struct tm tm;
    time_t tt = (time_t)t;
    gmtime_r(&tt, &tm);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int64_t hd_time_from_local(int year, int mon, int mday, int hour, int min,
                           int sec)
{
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = mday;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

void hd_clock_sync_state(struct hd_clock_sync *s)
{
    const char *force = getenv("HELPDESK_CLOCK_SYNC");
    if (force != NULL && *force != '\0') {
        s->synced = strcmp(force, "yes") == 0;
        s->max_error_us = 0;
        s->source = "HELPDESK_CLOCK_SYNC";
        return;
    }
    struct timex tx = {0}; /* modes 0: read only */
    int st = adjtimex(&tx);
    s->source = "adjtimex";
    s->max_error_us = tx.maxerror;
    s->synced = st != -1 && st != TIME_ERROR && !(tx.status & STA_UNSYNC);
}
