/* holiday_jp.c - see holiday_jp.h.
 *
 * A year is built in three passes, as the law reads:
 *   1. the 祝日 themselves: fixed dates, Happy Monday dates, the equinoxes
 *      and the days set by special laws, each with the years it applied;
 *   2. 振替休日 (art. 3(2), since 1973-04-12): a 祝日 on a Sunday moves the
 *      rest to the next day (until 2006) or to the next day that is not a
 *      祝日 (from 2007);
 *   3. 国民の休日 (art. 3(3), since 1985-12-27): a day whose eve and morrow
 *      are both 祝日 is a holiday; until 2006 not if it is a Sunday or
 *      already a 振替休日, from 2007 whenever it is not itself a 祝日.
 * 2019-04-30 and 2019-05-02 fall out of pass 3, because the special law of
 * 2017 made 2019-05-01 count as a 祝日. */
#include "holiday_jp.h"

#include <string.h>

struct year_list {
    int year;
    struct hd_holiday h[HD_HOLIDAY_JP_YEAR_MAX];
    size_t n;
};

static void add(struct year_list *l, int mon, int day, const char *ja,
                const char *en)
{
    hd_assert(l->n < HD_HOLIDAY_JP_YEAR_MAX);
    size_t i = l->n;
    /* Keep date order: shift later entries up (lists are tiny). */
    while (i > 0 && (l->h[i - 1].date.mon > mon ||
                     (l->h[i - 1].date.mon == mon &&
                      l->h[i - 1].date.day > day))) {
        l->h[i] = l->h[i - 1];
        i--;
    }
    l->h[i].date = (struct hd_date){l->year, mon, day};
    l->h[i].name_ja = ja;
    l->h[i].name_en = en;
    l->n++;
}

static bool listed(const struct year_list *l, int mon, int day)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->h[i].date.mon == mon && l->h[i].date.day == day)
            return true;
    return false;
}

/* Integer form of the approximation int(base + 0.242194 (y - 1980))
 * - (y - 1980) / 4, valid for 1980-2099; base in millionths of a day. */
static int equinox(int y, long base)
{
    long k = y - 1980;
    return (int)((base + 242194L * k) / 1000000L - k / 4);
}

static int monday(int y, int mon, int n)
{
    return hd_date_nth_weekday(y, mon, 1, n);
}

static void winter_spring(struct year_list *l)
{
    int y = l->year;
    add(l, 1, 1, "元日", "New Year's Day");
    if (y < 2000)
        add(l, 1, 15, "成人の日", "Coming of Age Day");
    else
        add(l, 1, monday(y, 1, 2), "成人の日", "Coming of Age Day");
    add(l, 2, 11, "建国記念の日", "National Foundation Day");
    if (y >= 2020)
        add(l, 2, 23, "天皇誕生日", "The Emperor's Birthday");
    add(l, 3, equinox(y, 20843100L), "春分の日", "Vernal Equinox Day");
    if (y <= 1988)
        add(l, 4, 29, "天皇誕生日", "The Emperor's Birthday");
    else if (y <= 2006)
        add(l, 4, 29, "みどりの日", "Greenery Day");
    else
        add(l, 4, 29, "昭和の日", "Showa Day");
    add(l, 5, 3, "憲法記念日", "Constitution Memorial Day");
    if (y >= 2007)
        add(l, 5, 4, "みどりの日", "Greenery Day");
    add(l, 5, 5, "こどもの日", "Children's Day");
}

static void summer(struct year_list *l)
{
    int y = l->year;
    /* 2020 and 2021: moved around the Olympic Games by special laws. */
    if (y == 2020)
        add(l, 7, 23, "海の日", "Marine Day");
    else if (y == 2021)
        add(l, 7, 22, "海の日", "Marine Day");
    else if (y >= 2003)
        add(l, 7, monday(y, 7, 3), "海の日", "Marine Day");
    else if (y >= 1996)
        add(l, 7, 20, "海の日", "Marine Day");
    if (y == 2020)
        add(l, 8, 10, "山の日", "Mountain Day");
    else if (y == 2021)
        add(l, 8, 8, "山の日", "Mountain Day");
    else if (y >= 2016)
        add(l, 8, 11, "山の日", "Mountain Day");
}

static void autumn(struct year_list *l)
{
    int y = l->year;
    if (y < 2003)
        add(l, 9, 15, "敬老の日", "Respect for the Aged Day");
    else
        add(l, 9, monday(y, 9, 3), "敬老の日", "Respect for the Aged Day");
    add(l, 9, equinox(y, 23248800L), "秋分の日", "Autumnal Equinox Day");
    if (y < 2000)
        add(l, 10, 10, "体育の日", "Health and Sports Day");
    else if (y < 2020)
        add(l, 10, monday(y, 10, 2), "体育の日", "Health and Sports Day");
    else if (y == 2020)
        add(l, 7, 24, "スポーツの日", "Sports Day");
    else if (y == 2021)
        add(l, 7, 23, "スポーツの日", "Sports Day");
    else
        add(l, 10, monday(y, 10, 2), "スポーツの日", "Sports Day");
    add(l, 11, 3, "文化の日", "Culture Day");
    add(l, 11, 23, "勤労感謝の日", "Labor Thanksgiving Day");
    if (y >= 1989 && y <= 2018)
        add(l, 12, 23, "天皇誕生日", "The Emperor's Birthday");
}

static const struct {
    struct hd_date date;
    const char *ja, *en;
} one_off[] = {
    {{1989, 2, 24}, "昭和天皇の大喪の礼", "State Funeral of Emperor Showa"},
    {{1990, 11, 12}, "即位礼正殿の儀", "Enthronement Ceremony"},
    {{1993, 6, 9}, "皇太子徳仁親王の結婚の儀",
     "Wedding of Crown Prince Naruhito"},
    {{2019, 5, 1}, "天皇の即位の日", "Emperor's Accession Day"},
    {{2019, 10, 22}, "即位礼正殿の儀", "Enthronement Ceremony"},
};

static void substitutes(struct year_list *l, const struct year_list *base)
{
    for (size_t i = 0; i < base->n; i++) {
        struct hd_date d = base->h[i].date;
        int64_t day = hd_date_to_days(d.year, d.mon, d.day);
        if (hd_date_weekday_of_days(day) != 0)
            continue;
        struct hd_date next = hd_date_from_days(++day);
        if (l->year >= 2007)
            while (listed(l, next.mon, next.day))
                next = hd_date_from_days(++day);
        if (next.year == l->year && !listed(l, next.mon, next.day))
            add(l, next.mon, next.day, "振替休日", "Substitute Holiday");
    }
}

static void sandwiched(struct year_list *l, const struct year_list *base)
{
    for (size_t i = 0; i + 1 < base->n; i++) {
        struct hd_date a = base->h[i].date, b = base->h[i + 1].date;
        int64_t da = hd_date_to_days(a.year, a.mon, a.day);
        if (hd_date_to_days(b.year, b.mon, b.day) != da + 2)
            continue;
        struct hd_date mid = hd_date_from_days(da + 1);
        if (listed(l, mid.mon, mid.day))
            continue; /* already a 振替休日 */
        if (l->year < 2007 && hd_date_weekday_of_days(da + 1) == 0)
            continue;
        add(l, mid.mon, mid.day, "国民の休日", "Citizens' Holiday");
    }
}

static void build_year(int y, struct year_list *l)
{
    memset(l, 0, sizeof *l);
    l->year = y;
    winter_spring(l);
    summer(l);
    autumn(l);
    for (size_t i = 0; i < HD_ARRAY_LEN(one_off); i++)
        if (one_off[i].date.year == y)
            add(l, one_off[i].date.mon, one_off[i].date.day, one_off[i].ja,
                one_off[i].en);
    struct year_list base = *l;
    substitutes(l, &base);
    if (y >= 1986)
        sandwiched(l, &base);
}

int hd_holiday_jp_list(int year, struct hd_holiday *out, size_t max)
{
    if (year < HD_HOLIDAY_JP_FIRST || year > HD_HOLIDAY_JP_LAST)
        return -1;
    struct year_list l;
    build_year(year, &l);
    if (l.n > max)
        return -1;
    memcpy(out, l.h, l.n * sizeof l.h[0]);
    return (int)l.n;
}

int hd_holiday_jp_get(int year, int mon, int day, struct hd_holiday *h_r)
{
    if (year < HD_HOLIDAY_JP_FIRST || year > HD_HOLIDAY_JP_LAST)
        return 0;
    struct year_list l;
    build_year(year, &l);
    for (size_t i = 0; i < l.n; i++) {
        if (l.h[i].date.mon == mon && l.h[i].date.day == day) {
            if (h_r != NULL)
                *h_r = l.h[i];
            return 1;
        }
    }
    return 0;
}

const char *hd_holiday_jp_name(int year, int mon, int day)
{
    struct hd_holiday h;
    return hd_holiday_jp_get(year, mon, day, &h) == 1 ? h.name_ja : NULL;
}
