/*
** date.c -- civil dates as days since 1970-01-01, parsing and formatting.
**
** The day-number conversions are Howard Hinnant's era-based algorithms
** ("chrono-Compatible Low-Level Date Algorithms", 2013), exact in integer
** arithmetic for the proleptic Gregorian calendar; tests/data/test_date.c
** checks them against R's as.Date() across 0001..9999.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oncostat/date.h"

/* 0001-01-01 and 9999-12-31 as days since 1970-01-01. */
#define DATE_MIN_DAY (-719162L)
#define DATE_MAX_DAY 2932896L

static const char *const date_month_names[12] = {
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december"
};

static int date_is_leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int date_days_in_month(long y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && date_is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a valid y-m-d (Hinnant's days_from_civil). */
static inline long date_days_from_civil(long y, int m, int d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Inverse of date_days_from_civil (Hinnant's civil_from_days). */
static void date_civil_from_days(long z, long *y, int *m, int *d)
{
    long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int date_is_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
           d <= date_days_in_month(y, m);
}

double onc_date_from_ymd(int y, int m, int d)
{
    if (!date_is_valid(y, m, d))
        return NAN;
    return (double)date_days_from_civil(y, m, d);
}

int onc_date_to_ymd(double days, int *y, int *m, int *d)
{
    double f;
    long yy;
    int mm, dd;

    if (!isfinite(days))
        return -1;
    f = floor(days);
    if (f < (double)DATE_MIN_DAY || f > (double)DATE_MAX_DAY)
        return -1;
    date_civil_from_days((long)f, &yy, &mm, &dd);
    *y = (int)yy;
    *m = mm;
    *d = dd;
    return 0;
}

size_t onc_date_format(double days, char *buf, size_t cap)
{
    int y, m, d;

    if (buf == NULL || cap < 11) {
        if (buf != NULL && cap > 0)
            buf[0] = '\0';
        return 0;
    }
    if (onc_date_to_ymd(days, &y, &m, &d) != 0) {
        memcpy(buf, "NA", 3);
        return 2;
    }
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return 10;
}

static int date_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char date_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Read between min_digits and max_digits digits (greedy) at *pos. */
static int date_read_number(const char *s, size_t len, size_t *pos,
                            int min_digits, int max_digits, int *out)
{
    size_t p = *pos;
    int v = 0, n = 0;

    while (p < len && n < max_digits && date_is_digit(s[p])) {
        v = v * 10 + (s[p] - '0');
        p++;
        n++;
    }
    if (n < min_digits)
        return -1;
    *pos = p;
    *out = v;
    return 0;
}

/*
** Read an English month name at *pos, full or three-letter abbreviation,
** any letter case.  The full name is tried first so that "March" is not
** read as "Mar" followed by a stray "ch".
*/
static int date_read_month_name(const char *s, size_t len, size_t *pos, int *month)
{
    int k;

    for (k = 0; k < 12; k++) {
        const char *name = date_month_names[k];
        size_t n = strlen(name), i;

        if (len - *pos < n)
            continue;
        for (i = 0; i < n; i++)
            if (date_lower(s[*pos + i]) != name[i])
                break;
        if (i == n) {
            *pos += n;
            *month = k + 1;
            return 0;
        }
    }
    for (k = 0; k < 12; k++) {
        const char *name = date_month_names[k];
        size_t i;

        if (len - *pos < 3)
            return -1;
        for (i = 0; i < 3; i++)
            if (date_lower(s[*pos + i]) != name[i])
                break;
        if (i == 3) {
            *pos += 3;
            *month = k + 1;
            return 0;
        }
    }
    return -1;
}

onc_status onc_date_check_format(const char *format, const char **why)
{
    int n_year = 0, n_month = 0, n_day = 0;
    const char *f;
    const char *reason = NULL;

    if (format == NULL || format[0] == '\0') {
        reason = "the date format is empty";
        goto done;
    }
    for (f = format; *f != '\0'; f++) {
        if (*f != '%')
            continue;
        f++;
        switch (*f) {
        case 'Y': n_year++; break;
        case 'm': case 'b': case 'B': n_month++; break;
        case 'd': n_day++; break;
        case '%': break;
        case 'y':
            reason = "%y is not accepted: two-digit years do not say their century";
            goto done;
        case '\0':
            reason = "the date format ends with a lone '%'";
            goto done;
        default:
            reason = "the date format may use only %Y, %m, %d, %b, %B and %%";
            goto done;
        }
    }
    if (n_year != 1 || n_month != 1 || n_day != 1)
        reason = "the date format must contain %Y, a month (%m, %b or %B) and %d, each once";
done:
    if (why != NULL)
        *why = reason;
    return reason == NULL ? ONC_OK : ONC_ERR_USAGE;
}

onc_status onc_date_scan(const char *s, size_t len, const char *format,
                         int *year, int *month, int *day)
{
    size_t pos = 0;
    int y = 0, m = 0, d = 0, seen_y = 0, seen_m = 0, seen_d = 0;
    const char *f;

    if (s == NULL)
        return ONC_ERR_PARSE;
    if (format == NULL) {
        /* ISO 8601 calendar date, fixed width: the common case, kept fast. */
        if (len != 10 || s[4] != '-' || s[7] != '-' ||
            !date_is_digit(s[0]) || !date_is_digit(s[1]) || !date_is_digit(s[2]) ||
            !date_is_digit(s[3]) || !date_is_digit(s[5]) || !date_is_digit(s[6]) ||
            !date_is_digit(s[8]) || !date_is_digit(s[9]))
            return ONC_ERR_PARSE;
        *year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        *month = (s[5] - '0') * 10 + (s[6] - '0');
        *day = (s[8] - '0') * 10 + (s[9] - '0');
        return ONC_OK;
    }
    /* The layout is checked as it is used: %y, unknown conversions and a
    ** missing or repeated field make the format (and so the parse) fail. */
    for (f = format; *f != '\0'; f++) {
        int bad;

        if (*f != '%' || f[1] == '%') {
            if (pos >= len || s[pos] != *f)
                return ONC_ERR_PARSE;
            pos++;
            if (*f == '%')
                f++;
            continue;
        }
        f++;
        switch (*f) {
        case 'Y':
            bad = seen_y++ || date_read_number(s, len, &pos, 4, 4, &y);
            break;
        case 'm':
            bad = seen_m++ || date_read_number(s, len, &pos, 1, 2, &m);
            break;
        case 'd':
            bad = seen_d++ || date_read_number(s, len, &pos, 1, 2, &d);
            break;
        case 'b':
        case 'B':
            bad = seen_m++ || date_read_month_name(s, len, &pos, &m);
            break;
        default:
            return ONC_ERR_PARSE;
        }
        if (bad)
            return ONC_ERR_PARSE;
    }
    if (pos != len || !seen_y || !seen_m || !seen_d)
        return ONC_ERR_PARSE;
    *year = y;
    *month = m;
    *day = d;
    return ONC_OK;
}

onc_status onc_date_parse(const char *s, size_t len, const char *format, double *days)
{
    int y, m, d;

    *days = NAN;
    if (format == NULL && s != NULL && len == 10) {
        /* ISO 8601, the common case: all eight digits tested at once. */
        const unsigned char *u = (const unsigned char *)s;
        unsigned y0 = u[0] - '0', y1 = u[1] - '0', y2 = u[2] - '0', y3 = u[3] - '0';
        unsigned m0 = u[5] - '0', m1 = u[6] - '0', d0 = u[8] - '0', d1 = u[9] - '0';

        if (((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) |
             (d1 > 9)) || u[4] != '-' || u[7] != '-')
            return ONC_ERR_PARSE;
        y = (int)(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
        m = (int)(m0 * 10 + m1);
        d = (int)(d0 * 10 + d1);
    } else if (onc_date_scan(s, len, format, &y, &m, &d) != ONC_OK) {
        return ONC_ERR_PARSE;
    }
    if (!date_is_valid(y, m, d))
        return ONC_ERR_PARSE;
    *days = (double)date_days_from_civil(y, m, d);
    return ONC_OK;
}

/* ---- recognising non-ISO layouts, so that callers can refuse to guess ---- */

/* Count the digits starting at p. */
static size_t date_count_digits(const char *s, size_t len, size_t p)
{
    size_t n = 0;

    while (p + n < len && date_is_digit(s[p + n]))
        n++;
    return n;
}

static size_t date_count_letters(const char *s, size_t len, size_t p)
{
    size_t n = 0;

    while (p + n < len && date_lower(s[p + n]) >= 'a' && date_lower(s[p + n]) <= 'z')
        n++;
    return n;
}

/* Is s[p .. p+n) exactly an English month name or abbreviation? */
static int date_is_month_word(const char *s, size_t p, size_t n)
{
    size_t pos = p;
    int month;

    return date_read_month_name(s, p + n, &pos, &month) == 0 && pos == p + n;
}

size_t onc_date_suggest_format(const char *s, size_t len, char *buf, size_t cap,
                               int *ambiguous, int *two_digit_year)
{
    size_t a = 0, b = len, n1, n2, n3, p;
    char sep;
    int amb = 0, two = 0, written = 0;

    if (buf == NULL)
        cap = 0;
    if (cap > 0)
        buf[0] = '\0';
    if (ambiguous != NULL)
        *ambiguous = 0;
    if (two_digit_year != NULL)
        *two_digit_year = 0;
    if (s == NULL)
        return 0;
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    s += a;
    len = b - a;
    if (len < 6 || len > 32)
        return 0;

    n1 = date_count_digits(s, len, 0);
    if (n1 == 1 || n1 == 2) {
        p = n1;
        sep = s[p];
        if (sep == '/' || sep == '-' || sep == '.') {
            /* dd/mm/yyyy, mm-dd-yyyy, dd.mm.yy ... */
            n2 = date_count_digits(s, len, p + 1);
            if ((n2 == 1 || n2 == 2) && p + 1 + n2 < len && s[p + 1 + n2] == sep) {
                n3 = date_count_digits(s, len, p + 2 + n2);
                if ((n3 == 4 || n3 == 2) && p + 2 + n2 + n3 == len) {
                    amb = 1;
                    two = n3 == 2;
                    written = snprintf(buf, cap, "%%d%c%%m%c%%Y or %%m%c%%d%c%%Y",
                                       sep, sep, sep, sep);
                    goto done;
                }
            }
        }
        /* 03-Apr-2020, 03Apr2020, 3 April 2020 */
        if (sep == '-' || sep == '/' || sep == ' ' || sep == '.')
            p++;
        else
            sep = '\0';
        n2 = date_count_letters(s, len, p);
        if (n2 >= 3 && date_is_month_word(s, p, n2)) {
            p += n2;
            if (sep != '\0') {
                if (p >= len || s[p] != sep)
                    return 0;
                p++;
            }
            n3 = date_count_digits(s, len, p);
            if ((n3 == 4 || n3 == 2) && p + n3 == len) {
                two = n3 == 2;
                if (sep != '\0')
                    written = snprintf(buf, cap, "%%d%c%%b%c%%Y", sep, sep);
                else
                    written = snprintf(buf, cap, "%%d%%b%%Y");
                goto done;
            }
        }
        return 0;
    }
    if (n1 == 4) {
        /* yyyy/mm/dd, yyyy.mm.dd, and ISO-like dates without zero padding */
        sep = len > 4 ? s[4] : '\0';
        if (sep != '/' && sep != '-' && sep != '.')
            return 0;
        n2 = date_count_digits(s, len, 5);
        if ((n2 != 1 && n2 != 2) || 5 + n2 >= len || s[5 + n2] != sep)
            return 0;
        n3 = date_count_digits(s, len, 6 + n2);
        if ((n3 != 1 && n3 != 2) || 6 + n2 + n3 != len)
            return 0;
        if (sep == '-' && n2 == 2 && n3 == 2)
            return 0;   /* ISO 8601 itself: not a foreign layout */
        written = snprintf(buf, cap, "%%Y%c%%m%c%%d", sep, sep);
        goto done;
    }
    if (n1 == 0) {
        /* Apr 3, 2020 and Apr 3 2020 */
        n2 = date_count_letters(s, len, 0);
        if (n2 < 3 || !date_is_month_word(s, 0, n2) || n2 >= len || s[n2] != ' ')
            return 0;
        p = n2 + 1;
        n3 = date_count_digits(s, len, p);
        if (n3 != 1 && n3 != 2)
            return 0;
        p += n3;
        if (p < len && s[p] == ',') {
            p++;
            sep = ',';
        } else {
            sep = '\0';
        }
        if (p >= len || s[p] != ' ')
            return 0;
        p++;
        n1 = date_count_digits(s, len, p);
        if (n1 != 4 || p + n1 != len)
            return 0;
        written = snprintf(buf, cap, sep ? "%%b %%d, %%Y" : "%%b %%d %%Y");
        goto done;
    }
    return 0;
done:
    if (ambiguous != NULL)
        *ambiguous = amb;
    if (two_digit_year != NULL)
        *two_digit_year = two;
    if (written < 0)
        return 0;
    return (size_t)written;
}

int onc_date_looks_like(const char *s, size_t len)
{
    char buf[64];

    return onc_date_suggest_format(s, len, buf, sizeof buf, NULL, NULL) > 0;
}
