/*
** oncostat/date.h -- calendar dates as days since 1970-01-01.
**
** Dates are stored as doubles holding whole numbers of days since
** 1970-01-01 (negative before), the convention of R's Date class, so that
** follow-up times are plain differences.  Only the proleptic Gregorian
** calendar from 0001-01-01 to 9999-12-31 is supported.
**
** Parsing never guesses.  Without a format only ISO 8601 "YYYY-MM-DD" is
** read.  Layouts such as 03/04/2020 are day-first in Europe and month-first
** in the USA, so a reader that meets one must ask for a format instead of
** choosing; onc_date_looks_like() and onc_date_suggest_format() exist for
** that purpose.
**
** Example:
**     double d;
**     if (onc_date_parse("03-Apr-2020", 11, "%d-%b-%Y", &d) == ONC_OK) {
**         char buf[11];
**         onc_date_format(d, buf, sizeof buf);     (buf is "2020-04-03")
**     }
*/
#ifndef ONCOSTAT_DATE_H
#define ONCOSTAT_DATE_H

#include "oncostat/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* First and last representable dates, in days since 1970-01-01. */
#define ONC_DATE_MIN_DAYS (-719162.0)   /* 0001-01-01 */
#define ONC_DATE_MAX_DAYS 2932896.0     /* 9999-12-31 */

/*
** Parse a date of `len` bytes (s need not be NUL-terminated).
** format NULL means ISO 8601 "YYYY-MM-DD" only (exactly ten characters).
** Otherwise a strptime-like pattern of
**   %Y  year, exactly 4 digits (0001-9999)
**   %m  month, 1 or 2 digits
**   %d  day of the month, 1 or 2 digits
**   %b  English month abbreviation (Jan ... Dec), any letter case; the
**       full name (January) is also read, as R's strptime does
**   %B  the same as %b
**   %%  a literal '%'
** and literal characters, which must match exactly.  Year, month and day
** must each appear exactly once.  %y is NOT accepted: a two-digit year does
** not say its century.  The whole input must be consumed; surrounding
** blanks are not skipped.  Only valid calendar dates are accepted (leap
** years, month ends, years 1-9999).
** *days = days since 1970-01-01.  Returns ONC_OK or ONC_ERR_PARSE (also for
** an invalid format); *days is NaN on failure.
*/
onc_status onc_date_parse(const char *s, size_t len, const char *format, double *days);

/*
** Like onc_date_parse() but stops after reading the fields: it checks the
** layout, not the calendar, so "2021-02-30" gives 2021, 2, 30 and ONC_OK.
** Readers use it to tell "not a date" from "an impossible date".
*/
onc_status onc_date_scan(const char *s, size_t len, const char *format,
                         int *year, int *month, int *day);

/*
** Is `format` a usable pattern for onc_date_parse()?  Returns ONC_OK, or
** ONC_ERR_USAGE with *why (if not NULL) pointing to a static sentence such
** as "%y is not accepted: two-digit years do not say their century".
*/
onc_status onc_date_check_format(const char *format, const char **why);

/*
** Write days as "YYYY-MM-DD" into buf (cap >= 11) and return the number of
** characters written (10).  A fractional day is floored, as R does.  A
** value that is not a date (NaN, infinite, outside 0001-9999) is written as
** "NA" and 2 is returned.  If cap < 11 nothing is written except, when
** cap > 0, an empty string, and 0 is returned.
*/
size_t onc_date_format(double days, char *buf, size_t cap);

/* Civil-date conversions.  onc_date_from_ymd returns NaN if y-m-d is not a
** valid date in 0001-01-01 .. 9999-12-31.  onc_date_to_ymd floors `days`,
** returns 0 on success and -1 (leaving the outputs untouched) if days is
** not finite or outside that range. */
double onc_date_from_ymd(int y, int m, int d);
int onc_date_to_ymd(double days, int *y, int *m, int *d);

/*
** Does s look like a date in some common non-ISO layout: dd/mm/yyyy,
** mm-dd-yyyy, dd.mm.yyyy (also with two-digit years), yyyy/mm/dd, or with
** an English month name (03-Apr-2020, 03APR2020, Apr 3, 2020)?  Leading and
** trailing blanks are ignored.  ISO "YYYY-MM-DD" itself returns 0.  Used to
** refuse to guess.
*/
int onc_date_looks_like(const char *s, size_t len);

/*
** For a value that onc_date_looks_like(), write into buf a suggestion of
** the formats that would read it (e.g. "%d/%m/%Y or %m/%d/%Y",
** "%d-%b-%Y") and return its length; return 0 (buf = "") when s does not
** look like a date.  As with snprintf, at most cap - 1 bytes are written
** and the length returned is that of the whole suggestion; buf may be NULL
** when cap is 0.  *ambiguous (if not NULL) is set to 1 when day and
** month order cannot be told from the layout, 0 otherwise; *two_digit_year
** (if not NULL) to 1 when the year has two digits, which no format accepts.
*/
size_t onc_date_suggest_format(const char *s, size_t len, char *buf, size_t cap,
                               int *ambiguous, int *two_digit_year);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_DATE_H */
