/* test_holiday.c - Japanese national holidays against the lists the
 * Cabinet Office publishes (内閣府「国民の祝日について」), written out by
 * hand for 2019-2027, plus spot checks of the rules' history.  The
 * Cabinet Office prints substitute and sandwiched days as 「休日」; we name
 * them 振替休日 and 国民の休日. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "holiday_jp.h"

struct official {
    int year;
    const char *days[HD_HOLIDAY_JP_YEAR_MAX]; /* "MM-DD name", NULL-ended */
};

static const struct official official[] = {
    {2019, {"01-01 元日", "01-14 成人の日", "02-11 建国記念の日",
            "03-21 春分の日", "04-29 昭和の日", "04-30 国民の休日",
            "05-01 天皇の即位の日", "05-02 国民の休日", "05-03 憲法記念日",
            "05-04 みどりの日", "05-05 こどもの日", "05-06 振替休日",
            "07-15 海の日", "08-11 山の日", "08-12 振替休日",
            "09-16 敬老の日", "09-23 秋分の日", "10-14 体育の日",
            "10-22 即位礼正殿の儀", "11-03 文化の日", "11-04 振替休日",
            "11-23 勤労感謝の日", NULL}},
    {2020, {"01-01 元日", "01-13 成人の日", "02-11 建国記念の日",
            "02-23 天皇誕生日", "02-24 振替休日", "03-20 春分の日",
            "04-29 昭和の日", "05-03 憲法記念日", "05-04 みどりの日",
            "05-05 こどもの日", "05-06 振替休日", "07-23 海の日",
            "07-24 スポーツの日", "08-10 山の日", "09-21 敬老の日",
            "09-22 秋分の日", "11-03 文化の日", "11-23 勤労感謝の日", NULL}},
    {2021, {"01-01 元日", "01-11 成人の日", "02-11 建国記念の日",
            "02-23 天皇誕生日", "03-20 春分の日", "04-29 昭和の日",
            "05-03 憲法記念日", "05-04 みどりの日", "05-05 こどもの日",
            "07-22 海の日", "07-23 スポーツの日", "08-08 山の日",
            "08-09 振替休日", "09-20 敬老の日", "09-23 秋分の日",
            "11-03 文化の日", "11-23 勤労感謝の日", NULL}},
    {2022, {"01-01 元日", "01-10 成人の日", "02-11 建国記念の日",
            "02-23 天皇誕生日", "03-21 春分の日", "04-29 昭和の日",
            "05-03 憲法記念日", "05-04 みどりの日", "05-05 こどもの日",
            "07-18 海の日", "08-11 山の日", "09-19 敬老の日",
            "09-23 秋分の日", "10-10 スポーツの日", "11-03 文化の日",
            "11-23 勤労感謝の日", NULL}},
    {2023, {"01-01 元日", "01-02 振替休日", "01-09 成人の日",
            "02-11 建国記念の日", "02-23 天皇誕生日", "03-21 春分の日",
            "04-29 昭和の日", "05-03 憲法記念日", "05-04 みどりの日",
            "05-05 こどもの日", "07-17 海の日", "08-11 山の日",
            "09-18 敬老の日", "09-23 秋分の日", "10-09 スポーツの日",
            "11-03 文化の日", "11-23 勤労感謝の日", NULL}},
    {2024, {"01-01 元日", "01-08 成人の日", "02-11 建国記念の日",
            "02-12 振替休日", "02-23 天皇誕生日", "03-20 春分の日",
            "04-29 昭和の日", "05-03 憲法記念日", "05-04 みどりの日",
            "05-05 こどもの日", "05-06 振替休日", "07-15 海の日",
            "08-11 山の日", "08-12 振替休日", "09-16 敬老の日",
            "09-22 秋分の日", "09-23 振替休日", "10-14 スポーツの日",
            "11-03 文化の日", "11-04 振替休日", "11-23 勤労感謝の日", NULL}},
    {2025, {"01-01 元日", "01-13 成人の日", "02-11 建国記念の日",
            "02-23 天皇誕生日", "02-24 振替休日", "03-20 春分の日",
            "04-29 昭和の日", "05-03 憲法記念日", "05-04 みどりの日",
            "05-05 こどもの日", "05-06 振替休日", "07-21 海の日",
            "08-11 山の日", "09-15 敬老の日", "09-23 秋分の日",
            "10-13 スポーツの日", "11-03 文化の日", "11-23 勤労感謝の日",
            "11-24 振替休日", NULL}},
    {2026, {"01-01 元日", "01-12 成人の日", "02-11 建国記念の日",
            "02-23 天皇誕生日", "03-20 春分の日", "04-29 昭和の日",
            "05-03 憲法記念日", "05-04 みどりの日", "05-05 こどもの日",
            "05-06 振替休日", "07-20 海の日", "08-11 山の日",
            "09-21 敬老の日", "09-22 国民の休日", "09-23 秋分の日",
            "10-12 スポーツの日", "11-03 文化の日", "11-23 勤労感謝の日",
            NULL}},
    {2027, {"01-01 元日", "01-11 成人の日", "02-11 建国記念の日",
            "02-23 天皇誕生日", "03-21 春分の日", "03-22 振替休日",
            "04-29 昭和の日", "05-03 憲法記念日", "05-04 みどりの日",
            "05-05 こどもの日", "07-19 海の日", "08-11 山の日",
            "09-20 敬老の日", "09-23 秋分の日", "10-11 スポーツの日",
            "11-03 文化の日", "11-23 勤労感謝の日", NULL}},
};

static void test_official_lists(void **state)
{
    (void)state;
    for (size_t c = 0; c < HD_ARRAY_LEN(official); c++) {
        struct hd_holiday h[HD_HOLIDAY_JP_YEAR_MAX];
        int n = hd_holiday_jp_list(official[c].year, h, HD_ARRAY_LEN(h));
        int want = 0;
        while (official[c].days[want] != NULL)
            want++;
        if (n != want)
            fail_msg("case %zu (%d): %d holidays, want %d", c,
                     official[c].year, n, want);
        for (int i = 0; i < n; i++) {
            char got[64];
            snprintf(got, sizeof got, "%02d-%02d %s", h[i].date.mon,
                     h[i].date.day, h[i].name_ja);
            if (strcmp(got, official[c].days[i]) != 0 ||
                h[i].date.year != official[c].year)
                fail_msg("case %zu (%d) #%d: got %s, want %s", c,
                         official[c].year, i, got, official[c].days[i]);
            assert_non_null(h[i].name_en);
            /* The single-day lookup agrees with the list. */
            assert_string_equal(hd_holiday_jp_name(official[c].year,
                                                   h[i].date.mon,
                                                   h[i].date.day),
                                h[i].name_ja);
        }
    }
}

/* Older years and rule changes: each line is a date and its expected
 * name, or NULL when the day must not be a holiday. */
static const struct {
    int y, m, d;
    const char *name;
} spots[] = {
    {1980, 3, 20, "春分の日"},
    {1980, 9, 23, "秋分の日"},
    {1985, 5, 4, NULL},              /* before 国民の休日 existed */
    {1988, 4, 29, "天皇誕生日"},
    {1988, 5, 4, "国民の休日"},       /* the first one (Wednesday) */
    {1988, 12, 23, NULL},
    {1989, 1, 2, "振替休日"},
    {1989, 2, 24, "昭和天皇の大喪の礼"},
    {1989, 4, 29, "みどりの日"},
    {1989, 12, 23, "天皇誕生日"},
    {1990, 11, 12, "即位礼正殿の儀"},
    {1993, 6, 9, "皇太子徳仁親王の結婚の儀"},
    {1995, 7, 20, NULL},             /* 海の日 starts 1996 */
    {1996, 7, 20, "海の日"},
    {1998, 5, 4, "振替休日"},        /* 5/3 Sunday: not 国民の休日 */
    {1999, 1, 15, "成人の日"},
    {1999, 10, 10, "体育の日"},
    {2000, 1, 10, "成人の日"},       /* Happy Monday */
    {2000, 1, 15, NULL},
    {2000, 10, 9, "体育の日"},
    {2002, 9, 15, "敬老の日"},
    {2003, 7, 21, "海の日"},
    {2003, 9, 15, "敬老の日"},       /* 3rd Monday happens to be 9/15 */
    {2004, 9, 20, "敬老の日"},
    {2006, 1, 2, "振替休日"},
    {2006, 4, 29, "みどりの日"},
    {2006, 5, 4, "国民の休日"},
    {2007, 4, 29, "昭和の日"},
    {2007, 4, 30, "振替休日"},
    {2007, 5, 4, "みどりの日"},
    {2008, 5, 6, "振替休日"},        /* 5/4 Sunday, next non-祝日 day */
    {2009, 5, 6, "振替休日"},        /* 5/3 Sunday */
    {2009, 9, 22, "国民の休日"},      /* Silver Week */
    {2015, 9, 22, "国民の休日"},
    {2015, 8, 11, NULL},             /* 山の日 starts 2016 */
    {2016, 8, 11, "山の日"},
    {2018, 12, 23, "天皇誕生日"},
    {2018, 12, 24, "振替休日"},
    {2019, 12, 23, NULL},
    {2019, 2, 23, NULL},
    {2020, 10, 12, NULL},            /* moved to 7/24 */
    {2021, 8, 11, NULL},             /* moved to 8/8 */
    {2025, 2, 24, "振替休日"},
    {2026, 9, 22, "国民の休日"},
    {2032, 9, 21, "国民の休日"},      /* 敬老 9/20, 秋分 9/22 */
    {2051, 1, 2, "振替休日"},
    {2099, 12, 23, NULL},
    {2026, 12, 31, NULL},
    {1979, 1, 1, NULL},              /* outside the supported range */
    {2100, 1, 1, NULL},
};

static void test_spot_checks(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(spots); i++) {
        const char *got = hd_holiday_jp_name(spots[i].y, spots[i].m,
                                             spots[i].d);
        const char *want = spots[i].name;
        if ((got == NULL) != (want == NULL) ||
            (got != NULL && strcmp(got, want) != 0))
            fail_msg("case %zu %04d-%02d-%02d: got %s, want %s", i,
                     spots[i].y, spots[i].m, spots[i].d,
                     got ? got : "(none)", want ? want : "(none)");
    }
}

/* Every supported year: dates ordered, real, never Sunday-substituted onto
 * a Sunday, and the count within the array bound. */
static void test_all_years_sane(void **state)
{
    (void)state;
    struct hd_holiday h[HD_HOLIDAY_JP_YEAR_MAX];
    for (int y = HD_HOLIDAY_JP_FIRST; y <= HD_HOLIDAY_JP_LAST; y++) {
        int n = hd_holiday_jp_list(y, h, HD_ARRAY_LEN(h));
        if (n < 12 || n > 24) /* 1980s: 12-13 */
            fail_msg("year %d: %d holidays", y, n);
        for (int i = 0; i < n; i++) {
            struct hd_date d = h[i].date;
            assert_true(hd_date_valid(d.year, d.mon, d.day));
            assert_int_equal(d.year, y);
            if (i > 0)
                assert_true(hd_date_to_days(d.year, d.mon, d.day) >
                            hd_date_to_days(h[i - 1].date.year,
                                            h[i - 1].date.mon,
                                            h[i - 1].date.day));
            if (strcmp(h[i].name_ja, "振替休日") == 0)
                assert_int_not_equal(hd_date_weekday(d.year, d.mon, d.day),
                                     0);
        }
    }
    assert_int_equal(hd_holiday_jp_list(1979, h, HD_ARRAY_LEN(h)), -1);
    assert_int_equal(hd_holiday_jp_list(2100, h, HD_ARRAY_LEN(h)), -1);
    assert_int_equal(hd_holiday_jp_list(2026, h, 5), -1); /* too small */
}

static void test_dates(void **state)
{
    (void)state;
    struct hd_error err = HD_ERROR_INIT;
    struct hd_date d;
    assert_int_equal(hd_date_to_days(1970, 1, 1), 0);
    assert_int_equal(hd_date_weekday(2026, 12, 25), 5); /* Friday */
    assert_int_equal(hd_date_nth_weekday(2026, 1, 1, 2), 12);
    for (int64_t x = -800000; x < 800000; x += 37) {
        d = hd_date_from_days(x);
        assert_int_equal(hd_date_to_days(d.year, d.mon, d.day), x);
    }
    assert_int_equal(hd_date_parse("2024-02-29", &d, &err), 0);
    assert_int_equal(d.day, 29);
    assert_int_equal(hd_date_parse("2025-02-29", &d, &err), -1);
    assert_int_equal(hd_date_parse("2025-1-01", &d, &err), -1);
    assert_int_equal(hd_date_parse("2025-01-01x", &d, &err), -1);
    assert_int_equal(hd_date_parse("", &d, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_official_lists),
        cmocka_unit_test(test_spot_checks),
        cmocka_unit_test(test_all_years_sane),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
