/* contact.c - when the general address is answered: the instance
 * calendar (calendar.hours, Japanese holidays, year-end closure and the
 * closures stored in the database), built once at start-up. */
#include "calendar.h"
#include "web_int.h"

void web_contact_hours(const struct hd_calendar *cal, int64_t now,
                       struct web_hours *h)
{
    struct hd_error err = HD_ERROR_INIT;
    h->open_now = hd_calendar_is_open(cal, now);
    h->next_open = 0;
    if (!h->open_now && hd_calendar_next_open(cal, now, &h->next_open,
                                              &err) < 0)
        h->next_open = 0;
}

int web_contact_calendar(struct hd_store *st, const struct hd_config *cfg,
                         struct hd_calendar **cal_r, struct hd_error *err)
{
    struct hd_calendar *cal =
        hd_calendar_new(hd_config_get(cfg, HD_CFG_INSTANCE_TIMEZONE), err);
    if (cal == NULL)
        return -1;
    if (hd_calendar_parse_hours(cal, hd_config_get(cfg, HD_CFG_CALENDAR_HOURS),
                                err) < 0 ||
        hd_calendar_load(cal, st, err) < 0) {
        hd_calendar_free(&cal);
        return -1;
    }
    hd_calendar_set_holidays_jp(
        cal, hd_config_get_bool(cfg, HD_CFG_CALENDAR_JP_HOLIDAYS));
    hd_calendar_set_year_end(
        cal, *hd_config_get(cfg, HD_CFG_CALENDAR_YEAR_END) != '\0');
    *cal_r = cal;
    return 0;
}
