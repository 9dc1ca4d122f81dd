/*
** test_date.c -- calendar dates: parsing, formatting, civil conversions and
** the refusal to guess non-ISO layouts.
**
** Reference: R 4.2 as.Date() (tests/golden/data/date_r.R writes
** tests/golden/data/date_r.txt).  Where oncostat is deliberately stricter
** than R, the expected result is written here with the reason.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "oncostat/date.h"

#define GOLDEN "tests/golden/data/date_r.txt"

typedef struct date_case {
    const char *key;      /* golden key */
    const char *text;
    const char *format;   /* NULL = ISO */
} date_case;

/* Same ids and strings as in date_r.R. */
static const date_case iso_cases[] = {
    {"k01", "2000-03-01", NULL}, {"k02", "1970-01-01", NULL}, {"k03", "1969-12-31", NULL},
    {"k04", "1900-02-28", NULL}, {"k05", "1900-03-01", NULL}, {"k06", "2000-02-29", NULL},
    {"k07", "2004-02-29", NULL}, {"k08", "2100-02-28", NULL}, {"k09", "1600-02-29", NULL},
    {"k10", "0001-01-01", NULL}, {"k11", "9999-12-31", NULL}, {"k12", "2020-12-31", NULL},
    {"k13", "1582-10-15", NULL}, {"k14", "1582-10-04", NULL}, {"k15", "2021-02-30", NULL},
    {"k16", "1900-02-29", NULL}, {"k17", "2021-04-31", NULL}, {"k18", "2021-13-01", NULL},
    {"k19", "2021-00-10", NULL}, {"k20", "2021-01-00", NULL}, {"k21", "2012-02-29", NULL},
    {"k22", "1999-12-31", NULL}, {"k23", "2038-01-19", NULL}, {"k24", "1960-01-01", NULL},
};

static const date_case format_cases[] = {
    {"f01", "03/04/2020", "%d/%m/%Y"},   {"f02", "03/04/2020", "%m/%d/%Y"},
    {"f03", "3/4/2020", "%d/%m/%Y"},     {"f04", "03APR2020", "%d%b%Y"},
    {"f05", "03-Apr-2020", "%d-%b-%Y"},  {"f06", "3 april 2020", "%d %b %Y"},
    {"f07", "April 3, 2020", "%B %d, %Y"}, {"f08", "29.02.2020", "%d.%m.%Y"},
    {"f09", "29.02.2019", "%d.%m.%Y"},   {"f10", "20200105", "%Y%m%d"},
    {"f11", "31/06/2020", "%d/%m/%Y"},   {"f12", "1999/12/31", "%Y/%m/%d"},
    {"f13", "15 Sep 1960", "%d %b %Y"},  {"f14", "2020-1-5", "%Y-%m-%d"},
    {"f15", "31dec1899", "%d%b%Y"},      {"f16", "01 JANUARY 0100", "%d %B %Y"},
};

static void check_against_r(golden *g, const date_case *cases, size_t n)
{
    size_t i, m;

    for (i = 0; i < n; i++) {
        const double *want = golden_get(g, cases[i].key, &m);
        double got;
        onc_status rc = onc_date_parse(cases[i].text, strlen(cases[i].text),
                                       cases[i].format, &got);

        if (want == NULL || m != 1)
            continue;
        if (isnan(want[0])) {
            CHECK(rc == ONC_ERR_PARSE);
            CHECK(isnan(got));
        } else {
            CHECK(rc == ONC_OK);
            CHECK_REL(got, want[0], 0);
        }
    }
}

/* Where R accepts and oncostat refuses, on purpose. */
static void check_stricter_than_r(void)
{
    static const date_case refused[] = {
        {"", "2020-01-01abc", NULL},  /* R ignores trailing text */
        {"", "20-01-01", NULL},       /* R reads year 20 */
        {"", "2020-1-5", NULL},       /* ISO needs two-digit month and day */
        {"", " 2020-01-01", NULL},    /* R skips leading blanks */
        {"", "2020-01-01 ", NULL},
        {"", "2020/01/01", NULL},     /* R's as.Date also tries %Y/%m/%d */
        {"", "02020-01-01", NULL},
        {"", "2020-01-01", "%d/%m/%y"},   /* %y: two-digit years */
        {"", "20/01/01", "%y/%m/%d"},
        {"", "2020-01-01", "%Y-%m"},      /* no day */
        {"", "2020-01-01", "%Y-%m-%d-%d"},
        {"", "2020-01-01", "%Y-%m-%e"},   /* unknown conversion */
        {"", "2020-01-01", "%Y-%m-%"},
        {"", "2020-01-01", ""},
        {"", "03-Sept-2020", "%d-%b-%Y"}, /* not an English abbreviation */
        {"", "03-Mar-20", "%d-%b-%Y"},    /* %Y needs four digits */
        {"", "0000-01-01", NULL},         /* year 0 is outside 1..9999 */
        {"", "", NULL},
        {"", "", "%d/%m/%Y"},
    };
    size_t i;

    for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        double d = 0;
        CHECK(onc_date_parse(refused[i].text, strlen(refused[i].text), refused[i].format,
                             &d) == ONC_ERR_PARSE);
        CHECK(isnan(d));
    }
    /* Lengths are honoured: the bytes after `len` are not looked at. */
    {
        double d;
        CHECK(onc_date_parse("2000-03-01XYZ", 10, NULL, &d) == ONC_OK);
        CHECK_REL(d, 11017, 0);
        CHECK(onc_date_parse("2000-03-0", 9, NULL, &d) == ONC_ERR_PARSE);
        CHECK(onc_date_parse("1/2/2003", 8, "%%%d/%m/%Y", &d) == ONC_ERR_PARSE);
        CHECK(onc_date_parse("%1/2/2003", 9, "%%%d/%m/%Y", &d) == ONC_OK);
        {
            double iso;
            CHECK(onc_date_parse("2003-02-01", 10, NULL, &iso) == ONC_OK);
            CHECK_REL(d, iso, 0);
        }
    }
}

static void check_range_round_trip(golden *g)
{
    size_t n, ny, nm, nd, i;
    const double *days = golden_get(g, "range_days", &n);
    const double *ry = golden_get(g, "range_y", &ny);
    const double *rm = golden_get(g, "range_m", &nm);
    const double *rd = golden_get(g, "range_d", &nd);
    size_t bad = 0;
    long z;

    CHECK(n > 3000 && n == ny && n == nm && n == nd);
    if (days == NULL || ry == NULL || rm == NULL || rd == NULL)
        return;
    for (i = 0; i < n; i++) {
        int y, m, d;
        char buf[16];
        double back;

        if (onc_date_to_ymd(days[i], &y, &m, &d) != 0 || y != ry[i] || m != rm[i] ||
            d != rd[i])
            bad++;
        if (onc_date_from_ymd((int)ry[i], (int)rm[i], (int)rd[i]) != days[i])
            bad++;
        if (onc_date_format(days[i], buf, sizeof buf) != 10 ||
            onc_date_parse(buf, 10, NULL, &back) != ONC_OK || back != days[i])
            bad++;
    }
    CHECK(bad == 0);

    /* Every day of the supported range: formatting and parsing invert each
    ** other, and consecutive days are consecutive numbers. */
    bad = 0;
    for (z = (long)ONC_DATE_MIN_DAYS; z <= (long)ONC_DATE_MAX_DAYS; z++) {
        char buf[16];
        double back;
        int y, m, d;

        if (onc_date_format((double)z, buf, sizeof buf) != 10 ||
            onc_date_parse(buf, 10, NULL, &back) != ONC_OK || back != (double)z ||
            onc_date_to_ymd((double)z, &y, &m, &d) != 0 ||
            onc_date_from_ymd(y, m, d) != (double)z)
            bad++;
    }
    CHECK(bad == 0);
}

static void check_conversions(void)
{
    static const struct { double days; const char *text; } formatted[] = {
        {11017, "2000-03-01"}, {0, "1970-01-01"}, {-1, "1969-12-31"},
        {-0.5, "1969-12-31"},  /* fractions are floored, as R's format.Date */
        {0.999, "1970-01-01"}, {-719162, "0001-01-01"}, {2932896, "9999-12-31"},
    };
    char buf[16];
    size_t i;
    int y = 7, m = 7, d = 7;

    for (i = 0; i < sizeof formatted / sizeof formatted[0]; i++) {
        CHECK(onc_date_format(formatted[i].days, buf, sizeof buf) == 10);
        CHECK_STR(buf, formatted[i].text);
    }
    CHECK(onc_date_format(NAN, buf, sizeof buf) == 2);
    CHECK_STR(buf, "NA");
    CHECK(onc_date_format(INFINITY, buf, sizeof buf) == 2);
    CHECK(onc_date_format(-719163, buf, sizeof buf) == 2);
    CHECK(onc_date_format(2932897, buf, sizeof buf) == 2);
    CHECK(onc_date_format(0, buf, 10) == 0);
    CHECK_STR(buf, "");
    CHECK(onc_date_format(0, NULL, 0) == 0);

    CHECK(onc_date_to_ymd(NAN, &y, &m, &d) == -1);
    CHECK(y == 7 && m == 7 && d == 7);
    CHECK(onc_date_to_ymd(-719163, &y, &m, &d) == -1);
    CHECK(onc_date_to_ymd(1e300, &y, &m, &d) == -1);
    CHECK(onc_date_to_ymd(-1, &y, &m, &d) == 0 && y == 1969 && m == 12 && d == 31);

    /* Month ends, leap years (divisible by 4, not by 100 unless by 400). */
    CHECK(!isnan(onc_date_from_ymd(2024, 2, 29)));
    CHECK(isnan(onc_date_from_ymd(2023, 2, 29)));
    CHECK(isnan(onc_date_from_ymd(1900, 2, 29)));
    CHECK(!isnan(onc_date_from_ymd(2000, 2, 29)));
    CHECK(isnan(onc_date_from_ymd(2021, 4, 31)));
    CHECK(!isnan(onc_date_from_ymd(2021, 12, 31)));
    CHECK(isnan(onc_date_from_ymd(2021, 12, 32)));
    CHECK(isnan(onc_date_from_ymd(0, 1, 1)));
    CHECK(isnan(onc_date_from_ymd(10000, 1, 1)));
    CHECK(isnan(onc_date_from_ymd(2021, 0, 1)));
    CHECK(isnan(onc_date_from_ymd(2021, 1, 0)));
    CHECK(onc_date_from_ymd(2000, 3, 1) - onc_date_from_ymd(2000, 2, 28) == 2);
    CHECK(onc_date_from_ymd(1900, 3, 1) - onc_date_from_ymd(1900, 2, 28) == 1);
}

static void check_scan_and_format_check(void)
{
    int y, m, d;
    const char *why = NULL;

    /* The layout is checked, the calendar is not. */
    CHECK(onc_date_scan("2021-02-30", 10, NULL, &y, &m, &d) == ONC_OK);
    CHECK(y == 2021 && m == 2 && d == 30);
    CHECK(onc_date_scan("31/13/2020", 10, "%d/%m/%Y", &y, &m, &d) == ONC_OK);
    CHECK(y == 2020 && m == 13 && d == 31);
    CHECK(onc_date_scan("31/13/20", 8, "%d/%m/%Y", &y, &m, &d) == ONC_ERR_PARSE);

    CHECK(onc_date_check_format("%d/%m/%Y", &why) == ONC_OK && why == NULL);
    CHECK(onc_date_check_format("%d-%b-%Y", NULL) == ONC_OK);
    CHECK(onc_date_check_format("%B %d, %Y", NULL) == ONC_OK);
    CHECK(onc_date_check_format("%d/%m/%y", &why) == ONC_ERR_USAGE);
    CHECK(why != NULL && strstr(why, "%y") != NULL);
    CHECK(onc_date_check_format("%Y-%m", &why) == ONC_ERR_USAGE);
    CHECK(onc_date_check_format("%Y-%m-%d %H", &why) == ONC_ERR_USAGE);
    CHECK(onc_date_check_format("%Y-%m-%d%", &why) == ONC_ERR_USAGE);
    CHECK(onc_date_check_format("%Y-%b-%m-%d", &why) == ONC_ERR_USAGE);
    CHECK(onc_date_check_format("", &why) == ONC_ERR_USAGE);
    CHECK(onc_date_check_format(NULL, &why) == ONC_ERR_USAGE);
}

static void check_looks_like(void)
{
    static const struct {
        const char *text;
        const char *hint;   /* NULL: not a foreign date layout */
        int ambiguous, two_digit;
    } cases[] = {
        {"03/04/2020", "%d/%m/%Y or %m/%d/%Y", 1, 0},
        {"3/4/2020", "%d/%m/%Y or %m/%d/%Y", 1, 0},
        {"12-31-2020", "%d-%m-%Y or %m-%d-%Y", 1, 0},
        {"31.12.2020", "%d.%m.%Y or %m.%d.%Y", 1, 0},
        {" 03/04/2020 ", "%d/%m/%Y or %m/%d/%Y", 1, 0},
        {"03/04/20", "%d/%m/%Y or %m/%d/%Y", 1, 1},
        {"2020/04/03", "%Y/%m/%d", 0, 0},
        {"2020.4.3", "%Y.%m.%d", 0, 0},
        {"2020-4-3", "%Y-%m-%d", 0, 0},
        {"03-Apr-2020", "%d-%b-%Y", 0, 0},
        {"03APR2020", "%d%b%Y", 0, 0},
        {"3 April 2020", "%d %b %Y", 0, 0},
        {"03-Apr-20", "%d-%b-%Y", 0, 1},
        {"Apr 3, 2020", "%b %d, %Y", 0, 0},
        {"April 3 2020", "%b %d %Y", 0, 0},
        {"2020-04-03", NULL, 0, 0},   /* ISO itself */
        {"20200403", NULL, 0, 0},
        {"03/04", NULL, 0, 0},
        {"03/04/2020/1", NULL, 0, 0},
        {"03/04-2020", NULL, 0, 0},
        {"1/2/3", NULL, 0, 0},
        {"Imatinib", NULL, 0, 0},
        {"3 Apples 2020", NULL, 0, 0},
        {"12.5", NULL, 0, 0},
        {"", NULL, 0, 0},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        int amb = -1, two = -1;
        size_t n = onc_date_suggest_format(cases[i].text, strlen(cases[i].text), buf,
                                           sizeof buf, &amb, &two);

        CHECK(onc_date_looks_like(cases[i].text, strlen(cases[i].text)) ==
              (cases[i].hint != NULL));
        if (cases[i].hint == NULL) {
            CHECK(n == 0);
            CHECK_STR(buf, "");
        } else {
            CHECK(n == strlen(cases[i].hint));
            CHECK_STR(buf, cases[i].hint);
            CHECK(amb == cases[i].ambiguous);
            CHECK(two == cases[i].two_digit);
        }
    }
    /* One of the suggested formats reads the value it was made for
    ** (12-31-2020 only month-first), unless the year has two digits. */
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64], first[32];
        const char *t = cases[i].text, *or_;
        size_t len = strlen(t);
        double d;
        int read = 0;

        if (cases[i].hint == NULL || cases[i].two_digit)
            continue;
        while (*t == ' ') {
            t++;
            len--;
        }
        while (len > 0 && t[len - 1] == ' ')
            len--;
        onc_date_suggest_format(t, len, buf, sizeof buf, NULL, NULL);
        or_ = strstr(buf, " or ");
        snprintf(first, sizeof first, "%.*s", or_ ? (int)(or_ - buf) : (int)strlen(buf), buf);
        read += onc_date_parse(t, len, first, &d) == ONC_OK;
        if (or_ != NULL)
            read += onc_date_parse(t, len, or_ + 4, &d) == ONC_OK;
        CHECK(read >= 1);
    }
    /* A short buffer truncates the hint but still reports the full length. */
    {
        char small[4];
        CHECK(onc_date_suggest_format("2020/04/03", 10, small, sizeof small, NULL, NULL) == 8);
        CHECK_STR(small, "%Y/");
        CHECK(onc_date_suggest_format("2020/04/03", 10, NULL, 0, NULL, NULL) == 8);
    }
}

int main(void)
{
    golden *g = golden_load(GOLDEN);

    harness_set_name("test_date");
    check_against_r(g, iso_cases, sizeof iso_cases / sizeof iso_cases[0]);
    check_against_r(g, format_cases, sizeof format_cases / sizeof format_cases[0]);
    check_stricter_than_r();
    check_range_round_trip(g);
    check_conversions();
    check_scan_and_format_check();
    check_looks_like();
    golden_free(g);
    return harness_finish();
}
