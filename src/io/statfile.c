/*
** statfile.c -- SPSS, Stata and SAS files through ReadStat.
**
** ReadStat decodes the file and calls back once per variable, value label and
** cell.  The callbacks only collect: cells go into one growing array per
** variable (doubles, or codes into that variable's table of distinct
** strings), labels into one list.  When the parse has succeeded, each
** variable is turned into a typed column, because in Stata files the value
** labels arrive after the data and the column type (integer or not) depends
** on every value.  The mapping rules are listed in oncostat/statfile.h.
**
** Files are mapped into memory and every parse reads through the in-memory
** I/O handlers below, so files, buffers and the fuzz target share one path.
** ReadStat 1.1.8 trusts a few fields of damaged Stata files (strL records
** and label set names without a NUL); those are checked or bounded here
** before their text is read.
*/
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readstat.h>

#include "oncostat/statfile.h"
#include "core/internal.h"

/* Days from the origin of each family's dates to 1970-01-01. */
#define STATFILE_SPSS_EPOCH_DAYS 141428.0   /* 1582-10-14 */
#define STATFILE_1960_EPOCH_DAYS 3653.0     /* 1960-01-01 (Stata, SAS) */
#define STATFILE_SECONDS_PER_DAY 86400.0
/* Whole numbers beyond 2^53 are not all representable, so not integers. */
#define STATFILE_MAX_EXACT_INTEGER 9007199254740992.0
/* First allocation for cells: at most this many cells, whatever the header
** claims, so that a forged row count cannot reserve memory by itself. */
#define STATFILE_FIRST_CELLS ((size_t)1 << 20)
#define STATFILE_MAX_MISSING_RANGES 32
#define STATFILE_SNIFF_BYTES 1024
#define STATFILE_TAIL_BYTES 16

typedef enum statfile_family {
    STATFILE_SPSS,
    STATFILE_STATA,
    STATFILE_SAS
} statfile_family;

typedef enum statfile_time {
    STATFILE_TIME_NONE,
    STATFILE_TIME_SPSS_SECONDS,   /* SPSS date or date-time */
    STATFILE_TIME_STATA_DAYS,     /* %td */
    STATFILE_TIME_STATA_MS,       /* %tc */
    STATFILE_TIME_STATA_MS_LEAP,  /* %tC */
    STATFILE_TIME_SAS_DAYS,
    STATFILE_TIME_SAS_SECONDS
} statfile_time;

/* The distinct strings of one column, with an open-addressing hash index. */
typedef struct statfile_strings {
    char **text;
    uint32_t *hash;       /* hash of each string, to skip most comparisons */
    size_t n, cap;
    uint32_t *slot;       /* string index + 1; 0 = empty */
    size_t n_slots;       /* a power of two, or 0 */
} statfile_strings;

typedef struct statfile_var {
    char *name;
    char *label;
    char *format;
    char *label_set;
    int is_string;
    int integer_storage;  /* Stata byte, int or long */
    int n_missing;        /* SPSS user-defined missing ranges */
    double missing_lo[STATFILE_MAX_MISSING_RANGES];
    double missing_hi[STATFILE_MAX_MISSING_RANGES];
    double *num;          /* numeric cells, NaN = missing */
    int32_t *code;        /* string cells: index into strings, -1 = missing */
    statfile_strings strings;
} statfile_var;

typedef struct statfile_label {
    char *set;
    int is_string;
    double key;
    char *string_key;
    char *text;
} statfile_label;

/* The first and last bytes of a file, for sniffing and integrity checks. */
typedef struct statfile_peek {
    unsigned char head[STATFILE_SNIFF_BYTES];
    size_t head_len;
    unsigned char tail[STATFILE_TAIL_BYTES];
    size_t tail_len;
} statfile_peek;

typedef struct statfile_ctx {
    const char *file;
    statfile_family family;
    statfile_var *vars;
    size_t n_vars, cap_vars;
    size_t n_rows, cap_rows;
    long declared_rows;          /* -1 when the file does not say */
    statfile_label *labels;
    size_t n_labels, cap_labels;
    size_t text_bytes;
    size_t set_name_max;         /* bound on value label set names */
    onc_status status;           /* failure raised inside a callback */
    onc_error *err;
    char detail[256];            /* last message from ReadStat */
} statfile_ctx;

/* ---- formats and names ------------------------------------------------- */

static int statfile_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int statfile_iequal(const char *a, const char *b)
{
    while (*a != '\0' && *b != '\0') {
        if (statfile_lower((unsigned char)*a) != statfile_lower((unsigned char)*b))
            return 0;
        a++;
        b++;
    }
    return *a == *b;
}

onc_format onc_format_from_path(const char *path)
{
    static const struct { const char *ext; onc_format format; } table[] = {
        {"csv", ONC_FORMAT_CSV}, {"txt", ONC_FORMAT_CSV}, {"tsv", ONC_FORMAT_TSV},
        {"tab", ONC_FORMAT_TSV},
        {"sav", ONC_FORMAT_SAV}, {"zsav", ONC_FORMAT_ZSAV}, {"por", ONC_FORMAT_POR},
        {"dta", ONC_FORMAT_DTA}, {"sas7bdat", ONC_FORMAT_SAS7BDAT},
        {"xpt", ONC_FORMAT_XPT}
    };
    const char *dot, *slash;
    size_t i;

    if (path == NULL)
        return ONC_FORMAT_AUTO;
    dot = strrchr(path, '.');
    slash = strrchr(path, '/');
    if (dot == NULL || (slash != NULL && dot < slash))
        return ONC_FORMAT_AUTO;
    for (i = 0; i < sizeof table / sizeof table[0]; i++)
        if (statfile_iequal(dot + 1, table[i].ext))
            return table[i].format;
    return ONC_FORMAT_AUTO;
}

onc_format onc_format_from_name(const char *name)
{
    static const struct { const char *name; onc_format format; } table[] = {
        {"csv", ONC_FORMAT_CSV}, {"tsv", ONC_FORMAT_TSV}, {"sav", ONC_FORMAT_SAV},
        {"spss", ONC_FORMAT_SAV}, {"zsav", ONC_FORMAT_ZSAV}, {"por", ONC_FORMAT_POR},
        {"dta", ONC_FORMAT_DTA}, {"stata", ONC_FORMAT_DTA},
        {"sas7bdat", ONC_FORMAT_SAS7BDAT}, {"sas", ONC_FORMAT_SAS7BDAT},
        {"xpt", ONC_FORMAT_XPT}, {"xport", ONC_FORMAT_XPT}
    };
    size_t i;

    if (name == NULL)
        return ONC_FORMAT_AUTO;
    for (i = 0; i < sizeof table / sizeof table[0]; i++)
        if (statfile_iequal(name, table[i].name))
            return table[i].format;
    return ONC_FORMAT_AUTO;
}

const char *onc_format_name(onc_format format)
{
    switch (format) {
    case ONC_FORMAT_AUTO: return "auto";
    case ONC_FORMAT_CSV: return "csv";
    case ONC_FORMAT_TSV: return "tsv";
    case ONC_FORMAT_SAV: return "sav";
    case ONC_FORMAT_ZSAV: return "zsav";
    case ONC_FORMAT_POR: return "por";
    case ONC_FORMAT_DTA: return "dta";
    case ONC_FORMAT_SAS7BDAT: return "sas7bdat";
    case ONC_FORMAT_XPT: return "xpt";
    }
    return "unknown";
}

static const char *statfile_format_title(onc_format format)
{
    switch (format) {
    case ONC_FORMAT_SAV: return "SPSS system";
    case ONC_FORMAT_ZSAV: return "SPSS compressed system";
    case ONC_FORMAT_POR: return "SPSS portable";
    case ONC_FORMAT_DTA: return "Stata";
    case ONC_FORMAT_SAS7BDAT: return "SAS data set";
    case ONC_FORMAT_XPT: return "SAS transport";
    default: return "data";
    }
}

/* The format a file's first bytes announce, or ONC_FORMAT_AUTO. */
static onc_format statfile_sniff(const unsigned char *p, size_t n)
{
    static const unsigned char sas_magic[32] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc2, 0xea, 0x81, 0x60,
        0xb3, 0x14, 0x11, 0xcf, 0xbd, 0x92, 0x08, 0x00, 0x09, 0xc7, 0x31, 0x8c,
        0x18, 0x1f, 0x10, 0x11
    };
    static const char xpt_magic[] = "HEADER RECORD*******LIB";
    static const char por_magic[] = "SPSSPORT";
    size_t i;

    if (n >= 4 && memcmp(p, "$FL2", 4) == 0)
        return ONC_FORMAT_SAV;
    if (n >= 4 && memcmp(p, "$FL3", 4) == 0)
        return ONC_FORMAT_ZSAV;
    if (n >= 11 && memcmp(p, "<stata_dta>", 11) == 0)
        return ONC_FORMAT_DTA;
    /* Releases 102-115: release byte, byte order 1 or 2, file type 1. */
    if (n >= 4 && p[0] >= 102 && p[0] <= 115 && (p[1] == 1 || p[1] == 2) && p[2] == 1)
        return ONC_FORMAT_DTA;
    if (n >= sizeof sas_magic && memcmp(p, sas_magic, sizeof sas_magic) == 0)
        return ONC_FORMAT_SAS7BDAT;
    if (n >= sizeof xpt_magic - 1 && memcmp(p, xpt_magic, sizeof xpt_magic - 1) == 0)
        return ONC_FORMAT_XPT;
    /* A portable file starts with a 200-byte banner and a 256-byte
    ** character table, broken into 80-column lines. */
    for (i = 0; i + sizeof por_magic - 1 <= n; i++)
        if (memcmp(p + i, por_magic, sizeof por_magic - 1) == 0)
            return ONC_FORMAT_POR;
    return ONC_FORMAT_AUTO;
}

/* The Stata release of a .dta file (e.g. 118), or 0 if unknown. */
static int statfile_dta_release(const unsigned char *p, size_t n)
{
    static const char tag[] = "<stata_dta><header><release>";
    size_t k = sizeof tag - 1;

    if (n >= k + 3 && memcmp(p, tag, k) == 0 &&
        p[k] >= '0' && p[k] <= '9' && p[k + 1] >= '0' && p[k + 1] <= '9' &&
        p[k + 2] >= '0' && p[k + 2] <= '9')
        return (p[k] - '0') * 100 + (p[k + 1] - '0') * 10 + (p[k + 2] - '0');
    if (n >= 1 && p[0] >= 102 && p[0] <= 115)
        return p[0];
    return 0;
}

/* Bytes read from a .dta image, the file's byte order applied. */
static uint64_t statfile_dta_uint(const unsigned char *p, size_t width, int big_endian)
{
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < width; i++)
        v |= (uint64_t)p[big_endian ? width - 1 - i : i] << (8 * i);
    return v;
}

/*
** Does every strL record of a release 117+ .dta image end its text with a
** NUL inside the record?  ReadStat (1.1.8) hands strL values to the value
** handler as C strings without checking, so a damaged record would be read
** past its end.  The header is walked exactly as ReadStat walks it; where
** it does not parse, ReadStat reports the error itself, so 1 is returned.
*/
static int statfile_dta_strls_terminated(const unsigned char *p, size_t n)
{
    size_t pos = 0, o_len, len;
    int release = statfile_dta_release(p, n), big;
    uint64_t strls;

#define STATFILE_DTA_TAG(t) \
    do { \
        if (n - pos < sizeof(t) - 1 || memcmp(p + pos, t, sizeof(t) - 1) != 0) \
            return 1; \
        pos += sizeof(t) - 1; \
    } while (0)
#define STATFILE_DTA_SKIP(k) \
    do { \
        if (n - pos < (size_t)(k)) \
            return 1; \
        pos += (size_t)(k); \
    } while (0)

    if (release < 117)
        return 1;
    STATFILE_DTA_TAG("<stata_dta><header><release>");
    STATFILE_DTA_SKIP(3);
    STATFILE_DTA_TAG("</release><byteorder>");
    if (n - pos < 3)
        return 1;
    big = memcmp(p + pos, "MSF", 3) == 0;
    STATFILE_DTA_SKIP(3);
    STATFILE_DTA_TAG("</byteorder><K>");
    STATFILE_DTA_SKIP(release >= 119 ? 4 : 2);
    STATFILE_DTA_TAG("</K><N>");
    STATFILE_DTA_SKIP(release >= 118 ? 8 : 4);
    STATFILE_DTA_TAG("</N><label>");
    if (release >= 118) {
        if (n - pos < 2)
            return 1;
        len = (size_t)statfile_dta_uint(p + pos, 2, big);
        pos += 2;
    } else {
        if (n - pos < 1)
            return 1;
        len = p[pos++];
    }
    STATFILE_DTA_SKIP(len);
    STATFILE_DTA_TAG("</label><timestamp>");
    if (n - pos < 1)
        return 1;
    len = p[pos++];
    STATFILE_DTA_SKIP(len);
    STATFILE_DTA_TAG("</timestamp></header><map>");
    if (n - pos < 14 * 8)
        return 1;
    strls = statfile_dta_uint(p + pos + 10 * 8, 8, big);
    if (strls >= n)
        return 1;
    pos = (size_t)strls;
    STATFILE_DTA_TAG("<strls>");
    o_len = release >= 118 ? 8 : 4;
    for (;;) {
        if (n - pos >= 3 && memcmp(p + pos, "GSO", 3) == 0) {
            pos += 3;
            STATFILE_DTA_SKIP(4 + o_len + 1);
            if (n - pos < 4)
                return 1;
            len = (size_t)statfile_dta_uint(p + pos, 4, big);
            pos += 4;
            if (len > n - pos)
                return 1;
            if (memchr(p + pos, 0, len) == NULL)
                return 0;
            pos += len;
        } else {
            return 1;
        }
    }
#undef STATFILE_DTA_TAG
#undef STATFILE_DTA_SKIP
}

/* Split a display format such as "F8.2", "DATE9." or "E8601DA10" into its
** upper-case name (letters, and digits not at the end), and whether its
** decimal count is zero or absent. */
static void statfile_split_format(const char *format, char *name, size_t cap,
                                  int *whole)
{
    size_t len = strlen(format), end, i;
    const char *dot = strchr(format, '.');

    *whole = 1;
    if (dot != NULL) {
        const char *d;
        for (d = dot + 1; *d != '\0'; d++)
            if (*d >= '1' && *d <= '9')
                *whole = 0;
        len = (size_t)(dot - format);
    }
    end = len;
    while (end > 0 && format[end - 1] >= '0' && format[end - 1] <= '9')
        end--;
    for (i = 0; i < end && i + 1 < cap; i++) {
        char c = format[i];
        name[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    name[i] = '\0';
}

static int statfile_in_list(const char *name, const char *const *list, int prefix)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++) {
        size_t k = strlen(list[i]);
        if (prefix ? strncmp(name, list[i], k) == 0 : strcmp(name, list[i]) == 0)
            return 1;
    }
    return 0;
}

static statfile_time statfile_spss_time(const char *name)
{
    static const char *const dates[] = {
        "DATE", "ADATE", "EDATE", "JDATE", "SDATE", "MOYR", "QYR", "WKYR", NULL
    };
    static const char *const datetimes[] = {"DATETIME", "YMDHMS", NULL};

    if (statfile_in_list(name, dates, 0) || statfile_in_list(name, datetimes, 0))
        return STATFILE_TIME_SPSS_SECONDS;
    return STATFILE_TIME_NONE;
}

static statfile_time statfile_stata_time(const char *format)
{
    const char *f = format;

    if (*f++ != '%')
        return STATFILE_TIME_NONE;
    if (*f == '-')
        f++;
    if (f[0] == 't' && f[1] == 'd')
        return STATFILE_TIME_STATA_DAYS;
    if (f[0] == 'd')             /* the %d of Stata 9 and earlier */
        return STATFILE_TIME_STATA_DAYS;
    if (f[0] == 't' && f[1] == 'c')
        return STATFILE_TIME_STATA_MS;
    if (f[0] == 't' && f[1] == 'C')
        return STATFILE_TIME_STATA_MS_LEAP;
    return STATFILE_TIME_NONE;
}

static statfile_time statfile_sas_time(const char *name)
{
    /* Date-time names first: several start like date names. */
    static const char *const datetime_exact[] = {
        "DATETIME", "DATEAMPM", "DTDATE", "DTMONYY", "DTWKDATX", "DTYEAR",
        "DTYYQC", "E8601DT", "E8601DX", "E8601DZ", "E8601LX", "B8601DT",
        "B8601DX", "B8601DZ", "B8601LX", "IS8601DT", "IS8601DZ", "ND8601DT",
        "ND8601DZ", "MDYAMPM", "EURDFDT", NULL
    };
    static const char *const datetime_prefix[] = {"NLDATM", NULL};
    static const char *const date_exact[] = {
        "DATE", "DAY", "MONYY", "MONNAME", "MONTH", "QTR", "QTRR", "WEEKDAY",
        "WEEKU", "WEEKV", "WEEKW", "DOWNAME", "YEAR", "JULIAN", "JULDAY",
        "E8601DA", "B8601DA", "IS8601DA", "ND8601DA", "MINGUO", "NENGO",
        "PDJULG", "PDJULI", "HDATE", "HEBDATE", NULL
    };
    static const char *const date_prefix[] = {
        "DDMMYY", "MMDDYY", "YYMMDD", "YYMM", "MMYY", "YYQ", "YYMON",
        "WEEKDAT", "WORDDAT", "NLDATE", "EURDF", NULL
    };

    if (statfile_in_list(name, datetime_exact, 0) ||
        statfile_in_list(name, datetime_prefix, 1))
        return STATFILE_TIME_SAS_SECONDS;
    if (statfile_in_list(name, date_exact, 0) || statfile_in_list(name, date_prefix, 1))
        return STATFILE_TIME_SAS_DAYS;
    return STATFILE_TIME_NONE;
}

static statfile_time statfile_var_time(statfile_family family, const char *format)
{
    char name[64];
    int whole;

    if (format == NULL || format[0] == '\0')
        return STATFILE_TIME_NONE;
    if (family == STATFILE_STATA)
        return statfile_stata_time(format);
    statfile_split_format(format, name, sizeof name, &whole);
    return family == STATFILE_SPSS ? statfile_spss_time(name) : statfile_sas_time(name);
}

/* Does the storage type or display format say the values are integers? */
static int statfile_integer_hint(statfile_family family, const statfile_var *v)
{
    static const char *const spss_names[] = {"F", "N", "COMMA", "DOT", NULL};
    static const char *const sas_names[] = {"", "F", "Z", "COMMA", "COMMAX", NULL};
    char name[64];
    int whole;

    if (v->integer_storage)
        return 1;
    if (v->format == NULL || v->format[0] == '\0')
        return 0;
    if (family == STATFILE_STATA) {
        /* %8.0f, %-8.0f, %8.0fc */
        const char *dot = strchr(v->format, '.');
        return v->format[0] == '%' && dot != NULL &&
               (strcmp(dot, ".0f") == 0 || strcmp(dot, ".0fc") == 0);
    }
    statfile_split_format(v->format, name, sizeof name, &whole);
    if (!whole)
        return 0;
    return statfile_in_list(name, family == STATFILE_SPSS ? spss_names : sas_names, 0);
}

/* ---- dates ------------------------------------------------------------- */

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d. */
static long statfile_days_from_civil(long y, long m, long d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/*
** Stata %tC counts the leap seconds inserted since 1972 (IERS Bulletin C),
** so the clock reads 23:59:60 at the end of these days.  Converting to a day
** removes the leap seconds passed, counting one in progress, which puts
** 23:59:60 on the day it ends.
*/
static double statfile_stata_leap_day(double ms)
{
    static const short leap[][3] = {
        {1972, 6, 30}, {1972, 12, 31}, {1973, 12, 31}, {1974, 12, 31},
        {1975, 12, 31}, {1976, 12, 31}, {1977, 12, 31}, {1978, 12, 31},
        {1979, 12, 31}, {1981, 6, 30}, {1982, 6, 30}, {1983, 6, 30},
        {1985, 6, 30}, {1987, 12, 31}, {1989, 12, 31}, {1990, 12, 31},
        {1992, 6, 30}, {1993, 6, 30}, {1994, 6, 30}, {1995, 12, 31},
        {1997, 6, 30}, {1998, 12, 31}, {2005, 12, 31}, {2008, 12, 31},
        {2012, 6, 30}, {2015, 6, 30}, {2016, 12, 31}
    };
    double secs = floor(ms / 1000.0);
    size_t i, passed = 0;

    for (i = 0; i < sizeof leap / sizeof leap[0]; i++) {
        double day = (double)statfile_days_from_civil(leap[i][0], leap[i][1], leap[i][2]) +
                     STATFILE_1960_EPOCH_DAYS;
        /* The i-th leap second starts after i earlier ones. */
        if (secs < (day + 1.0) * STATFILE_SECONDS_PER_DAY + (double)i)
            break;
        passed = i + 1;
    }
    return floor((secs - (double)passed) / STATFILE_SECONDS_PER_DAY) -
           STATFILE_1960_EPOCH_DAYS;
}

/* Days since 1970-01-01 for a stored date or date-time value. */
static double statfile_to_days(statfile_time kind, double v)
{
    double d;

    switch (kind) {
    case STATFILE_TIME_SPSS_SECONDS:
        d = floor(v / STATFILE_SECONDS_PER_DAY) - STATFILE_SPSS_EPOCH_DAYS;
        break;
    case STATFILE_TIME_STATA_DAYS:
    case STATFILE_TIME_SAS_DAYS:
        d = floor(v) - STATFILE_1960_EPOCH_DAYS;
        break;
    case STATFILE_TIME_STATA_MS:
        d = floor(v / (1000.0 * STATFILE_SECONDS_PER_DAY)) - STATFILE_1960_EPOCH_DAYS;
        break;
    case STATFILE_TIME_STATA_MS_LEAP:
        d = statfile_stata_leap_day(v);
        break;
    case STATFILE_TIME_SAS_SECONDS:
        d = floor(v / STATFILE_SECONDS_PER_DAY) - STATFILE_1960_EPOCH_DAYS;
        break;
    default:
        d = v;
        break;
    }
    return isfinite(d) ? d : NAN;
}

/* ---- text -------------------------------------------------------------- */

/* Is s (len bytes) well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF)? */
static int statfile_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i];
        size_t n, k;
        unsigned cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        i += n + 1;
    }
    return 1;
}

static onc_status statfile_fail(statfile_ctx *ctx, onc_status status, size_t row,
                                const char *column, const char *message)
{
    if (ctx->status == ONC_OK) {
        ctx->status = status;
        onc_error_set(ctx->err, status, ctx->file, row, 0, column, "%s", message);
    }
    return status;
}

/* Copy text from the file (at most `max` bytes: see set_name_max),
** refusing invalid UTF-8 and counting the bytes against the text cap.
** NULL text gives NULL. */
static onc_status statfile_copy_text(statfile_ctx *ctx, const char *text, size_t max,
                                     size_t row, const char *column,
                                     const char *what, char **out)
{
    size_t len;

    *out = NULL;
    if (text == NULL)
        return ONC_OK;
    len = strnlen(text, max);
    if (!statfile_utf8_valid(text, len)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s is not valid UTF-8", what);
        return statfile_fail(ctx, ONC_ERR_PARSE, row, column, msg);
    }
    if (len > ONC_STATFILE_MAX_TEXT_BYTES - ctx->text_bytes)
        return statfile_fail(ctx, ONC_ERR_LIMIT, row, column,
                             "the file holds more text than the cap "
                             "(ONC_STATFILE_MAX_TEXT_BYTES)");
    ctx->text_bytes += len + 1;
    *out = onc_strndup(text, len);
    if (*out == NULL)
        return statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
    return ONC_OK;
}

/* FNV-1a: short keys, no adversarial concern beyond probe length. */
static uint32_t statfile_hash(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s != '\0')
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static onc_status statfile_strings_rehash(statfile_strings *t, size_t n_slots)
{
    uint32_t *slot = onc_callocarray(n_slots, sizeof *slot);
    size_t i;

    if (slot == NULL)
        return ONC_ERR_NOMEM;
    for (i = 0; i < t->n; i++) {
        size_t k = t->hash[i] & (n_slots - 1);
        while (slot[k] != 0)
            k = (k + 1) & (n_slots - 1);
        slot[k] = (uint32_t)(i + 1);
    }
    free(t->slot);
    t->slot = slot;
    t->n_slots = n_slots;
    return ONC_OK;
}

/* Index of string s in the column's table, adding it if new. */
static onc_status statfile_intern(statfile_ctx *ctx, statfile_var *v,
                                  const char *s, size_t row, int32_t *code)
{
    statfile_strings *t = &v->strings;
    uint32_t h = statfile_hash(s);
    size_t k;
    char *copy;
    onc_status rc;

    if (t->n_slots > 0) {
        k = h & (t->n_slots - 1);
        while (t->slot[k] != 0) {
            uint32_t at = t->slot[k] - 1;
            if (t->hash[at] == h && strcmp(t->text[at], s) == 0) {
                *code = (int32_t)(t->slot[k] - 1);
                return ONC_OK;
            }
            k = (k + 1) & (t->n_slots - 1);
        }
    }
    if (t->n >= INT32_MAX - 1)
        return statfile_fail(ctx, ONC_ERR_LIMIT, row, v->name,
                             "too many distinct values in one column");
    rc = statfile_copy_text(ctx, s, SIZE_MAX, row, v->name, "a value", &copy);
    if (rc != ONC_OK)
        return rc;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = onc_reallocarray(t->text, cap, sizeof *grown);
        uint32_t *grown_hash;
        if (grown == NULL) {
            free(copy);
            return statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
        }
        t->text = grown;
        grown_hash = onc_reallocarray(t->hash, cap, sizeof *grown_hash);
        if (grown_hash == NULL) {
            free(copy);
            return statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
        }
        t->hash = grown_hash;
        t->cap = cap;
    }
    t->hash[t->n] = h;
    t->text[t->n++] = copy;
    /* Keep the load factor at or below one half. */
    if (2 * t->n > t->n_slots) {
        if (statfile_strings_rehash(t, t->n_slots ? t->n_slots * 2 : 32) != ONC_OK)
            return statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
    } else {
        k = h & (t->n_slots - 1);
        while (t->slot[k] != 0)
            k = (k + 1) & (t->n_slots - 1);
        t->slot[k] = (uint32_t)t->n;
    }
    *code = (int32_t)(t->n - 1);
    return ONC_OK;
}

static void statfile_var_release(statfile_var *v)
{
    size_t i;

    free(v->name);
    free(v->label);
    free(v->format);
    free(v->label_set);
    free(v->num);
    free(v->code);
    for (i = 0; i < v->strings.n; i++)
        free(v->strings.text[i]);
    free(v->strings.text);
    free(v->strings.hash);
    free(v->strings.slot);
    memset(v, 0, sizeof *v);
}

static void statfile_ctx_release(statfile_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->n_vars; i++)
        statfile_var_release(&ctx->vars[i]);
    free(ctx->vars);
    for (i = 0; i < ctx->n_labels; i++) {
        free(ctx->labels[i].set);
        free(ctx->labels[i].string_key);
        free(ctx->labels[i].text);
    }
    free(ctx->labels);
}

/* ---- ReadStat callbacks ------------------------------------------------ */

static int statfile_on_metadata(readstat_metadata_t *metadata, void *arg)
{
    statfile_ctx *ctx = arg;
    long rows = readstat_get_row_count(metadata);
    long vars = readstat_get_var_count(metadata);

    ctx->declared_rows = rows >= 0 ? rows : -1;
    if (rows > 0 && (unsigned long)rows > ONC_STATFILE_MAX_ROWS) {
        char msg[160];
        snprintf(msg, sizeof msg, "the file declares %ld rows, more than the cap of %u",
                 rows, ONC_STATFILE_MAX_ROWS);
        statfile_fail(ctx, ONC_ERR_LIMIT, 0, NULL, msg);
        return READSTAT_HANDLER_ABORT;
    }
    if (vars > 0 && (unsigned long)vars > ONC_STATFILE_MAX_COLS) {
        char msg[160];
        snprintf(msg, sizeof msg, "the file declares %ld columns, more than the cap of %u",
                 vars, ONC_STATFILE_MAX_COLS);
        statfile_fail(ctx, ONC_ERR_LIMIT, 0, NULL, msg);
        return READSTAT_HANDLER_ABORT;
    }
    return READSTAT_HANDLER_OK;
}

static int statfile_on_variable(int index, readstat_variable_t *variable,
                                const char *val_labels, void *arg)
{
    statfile_ctx *ctx = arg;
    statfile_var *v;
    readstat_type_t type = readstat_variable_get_type(variable);
    const char *label = readstat_variable_get_label(variable);
    const char *format = readstat_variable_get_format(variable);
    int i, n;

    if (index < 0 || (size_t)index != ctx->n_vars) {
        statfile_fail(ctx, ONC_ERR_PARSE, 0, NULL, "variables are not numbered in order");
        return READSTAT_HANDLER_ABORT;
    }
    if (ctx->n_vars >= ONC_STATFILE_MAX_COLS) {
        statfile_fail(ctx, ONC_ERR_LIMIT, 0, NULL,
                      "the file has more columns than the cap (ONC_STATFILE_MAX_COLS)");
        return READSTAT_HANDLER_ABORT;
    }
    if (ctx->n_vars == ctx->cap_vars) {
        size_t cap = ctx->cap_vars ? ctx->cap_vars * 2 : 16;
        statfile_var *grown = onc_reallocarray(ctx->vars, cap, sizeof *grown);
        if (grown == NULL) {
            statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
            return READSTAT_HANDLER_ABORT;
        }
        ctx->vars = grown;
        ctx->cap_vars = cap;
    }
    v = &ctx->vars[ctx->n_vars];
    memset(v, 0, sizeof *v);
    ctx->n_vars++;
    v->is_string = readstat_type_class(type) == READSTAT_TYPE_CLASS_STRING;
    v->integer_storage = type == READSTAT_TYPE_INT8 || type == READSTAT_TYPE_INT16 ||
                         type == READSTAT_TYPE_INT32;
    if (statfile_copy_text(ctx, readstat_variable_get_name(variable) ?
                           readstat_variable_get_name(variable) : "", SIZE_MAX,
                           0, NULL, "a column name", &v->name) != ONC_OK)
        return READSTAT_HANDLER_ABORT;
    if (label != NULL && label[0] != '\0' &&
        statfile_copy_text(ctx, label, SIZE_MAX, 0, v->name, "the column label",
                           &v->label) != ONC_OK)
        return READSTAT_HANDLER_ABORT;
    if (format != NULL && format[0] != '\0' &&
        statfile_copy_text(ctx, format, SIZE_MAX, 0, v->name, "the display format",
                           &v->format) != ONC_OK)
        return READSTAT_HANDLER_ABORT;
    if (val_labels != NULL && val_labels[0] != '\0' &&
        statfile_copy_text(ctx, val_labels, ctx->set_name_max, 0, v->name,
                           "the value label set name", &v->label_set) != ONC_OK)
        return READSTAT_HANDLER_ABORT;
    /* Numeric user-defined missing values (SPSS); string ones are left to
    ** readstat_value_is_missing(). */
    n = readstat_variable_get_missing_ranges_count(variable);
    for (i = 0; !v->is_string && i < n && i < STATFILE_MAX_MISSING_RANGES; i++) {
        v->missing_lo[v->n_missing] =
            readstat_double_value(readstat_variable_get_missing_range_lo(variable, i));
        v->missing_hi[v->n_missing] =
            readstat_double_value(readstat_variable_get_missing_range_hi(variable, i));
        v->n_missing++;
    }
    if (ctx->cap_rows > 0) {
        /* Variables declared after the first row share the row capacity. */
        size_t r;
        if (v->is_string) {
            v->code = onc_mallocarray(ctx->cap_rows, sizeof *v->code);
            for (r = 0; v->code != NULL && r < ctx->cap_rows; r++)
                v->code[r] = -1;
        } else {
            v->num = onc_mallocarray(ctx->cap_rows, sizeof *v->num);
            for (r = 0; v->num != NULL && r < ctx->cap_rows; r++)
                v->num[r] = NAN;
        }
        if (v->code == NULL && v->num == NULL) {
            statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
            return READSTAT_HANDLER_ABORT;
        }
    }
    return READSTAT_HANDLER_OK;
}

/* Make room for row `row` (0-based) in every column. */
static onc_status statfile_reserve(statfile_ctx *ctx, size_t row)
{
    size_t cap, j, r, max_rows;

    max_rows = ONC_STATFILE_MAX_CELLS / (ctx->n_vars ? ctx->n_vars : 1);
    if (max_rows > ONC_STATFILE_MAX_ROWS)
        max_rows = ONC_STATFILE_MAX_ROWS;
    if (row >= max_rows)
        return statfile_fail(ctx, ONC_ERR_LIMIT, row + 1, NULL,
                             "the file has more rows or cells than the caps "
                             "(ONC_STATFILE_MAX_ROWS, ONC_STATFILE_MAX_CELLS)");
    if (ctx->cap_rows == 0) {
        /* The declared row count saves the regrowth, up to a bound. */
        cap = 1024;
        if (ctx->declared_rows > 0) {
            cap = STATFILE_FIRST_CELLS / (ctx->n_vars ? ctx->n_vars : 1);
            if ((size_t)ctx->declared_rows < cap)
                cap = (size_t)ctx->declared_rows;
        }
        if (cap < 64)
            cap = 64;
    } else {
        cap = ctx->cap_rows * 2;
    }
    if (cap <= row)
        cap = row + 1;
    if (cap > max_rows)
        cap = max_rows;
    for (j = 0; j < ctx->n_vars; j++) {
        statfile_var *v = &ctx->vars[j];
        if (v->is_string) {
            int32_t *grown = onc_reallocarray(v->code, cap, sizeof *grown);
            if (grown == NULL)
                return statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
            for (r = ctx->cap_rows; r < cap; r++)
                grown[r] = -1;
            v->code = grown;
        } else {
            double *grown = onc_reallocarray(v->num, cap, sizeof *grown);
            if (grown == NULL)
                return statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
            for (r = ctx->cap_rows; r < cap; r++)
                grown[r] = NAN;
            v->num = grown;
        }
    }
    ctx->cap_rows = cap;
    return ONC_OK;
}

static int statfile_on_value(int obs_index, readstat_variable_t *variable,
                             readstat_value_t value, void *arg)
{
    statfile_ctx *ctx = arg;
    int index = readstat_variable_get_index(variable);
    int value_is_string = readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING;
    statfile_var *v;
    size_t row;

    if (index < 0 || (size_t)index >= ctx->n_vars || obs_index < 0) {
        statfile_fail(ctx, ONC_ERR_PARSE, 0, NULL, "a value refers to an undeclared column");
        return READSTAT_HANDLER_ABORT;
    }
    v = &ctx->vars[index];
    row = (size_t)obs_index;
    if (value_is_string != v->is_string) {
        statfile_fail(ctx, ONC_ERR_PARSE, row + 1, v->name,
                      "a value's type does not match its column");
        return READSTAT_HANDLER_ABORT;
    }
    if (row >= ctx->cap_rows && statfile_reserve(ctx, row) != ONC_OK)
        return READSTAT_HANDLER_ABORT;
    if (row >= ctx->n_rows)
        ctx->n_rows = row + 1;
    if (v->is_string) {
        const char *s = readstat_string_value(value);
        int32_t code = -1;
        if (s != NULL && s[0] != '\0' && !readstat_value_is_missing(value, variable) &&
            statfile_intern(ctx, v, s, row + 1, &code) != ONC_OK)
            return READSTAT_HANDLER_ABORT;
        v->code[row] = code;
    } else {
        double d = readstat_double_value(value);
        if (readstat_value_is_missing(value, variable) || !isfinite(d))
            d = NAN;
        v->num[row] = d;
    }
    return READSTAT_HANDLER_OK;
}

static int statfile_on_value_label(const char *set, readstat_value_t value,
                                   const char *label, void *arg)
{
    statfile_ctx *ctx = arg;
    statfile_label *l;
    int is_string = readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING;
    double key = 0.0;

    if (set == NULL)
        return READSTAT_HANDLER_OK;
    /* Labels of tagged (.a-.z) or system missing codes name missing data,
    ** not categories. */
    if (!is_string) {
        if (readstat_value_is_system_missing(value) ||
            readstat_value_is_tagged_missing(value))
            return READSTAT_HANDLER_OK;
        key = readstat_double_value(value);
        if (!isfinite(key))
            return READSTAT_HANDLER_OK;
    } else if (readstat_string_value(value) == NULL) {
        return READSTAT_HANDLER_OK;
    }
    if (ctx->n_labels >= ONC_STATFILE_MAX_LABELS) {
        statfile_fail(ctx, ONC_ERR_LIMIT, 0, NULL,
                      "the file has more value labels than the cap (ONC_STATFILE_MAX_LABELS)");
        return READSTAT_HANDLER_ABORT;
    }
    if (ctx->n_labels == ctx->cap_labels) {
        size_t cap = ctx->cap_labels ? ctx->cap_labels * 2 : 16;
        statfile_label *grown = onc_reallocarray(ctx->labels, cap, sizeof *grown);
        if (grown == NULL) {
            statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
            return READSTAT_HANDLER_ABORT;
        }
        ctx->labels = grown;
        ctx->cap_labels = cap;
    }
    l = &ctx->labels[ctx->n_labels];
    memset(l, 0, sizeof *l);
    ctx->n_labels++;
    l->is_string = is_string;
    l->key = key;
    if (statfile_copy_text(ctx, set, ctx->set_name_max, 0, NULL, "a value label set name",
                           &l->set) != ONC_OK ||
        statfile_copy_text(ctx, label ? label : "", SIZE_MAX, 0, NULL, "a value label",
                           &l->text) != ONC_OK ||
        (is_string && statfile_copy_text(ctx, readstat_string_value(value), SIZE_MAX, 0, NULL,
                                         "a labelled value", &l->string_key) != ONC_OK))
        return READSTAT_HANDLER_ABORT;
    return READSTAT_HANDLER_OK;
}

static void statfile_on_error(const char *message, void *arg)
{
    statfile_ctx *ctx = arg;
    size_t n;

    if (message == NULL)
        return;
    onc_strlcpy(ctx->detail, message, sizeof ctx->detail);
    n = strlen(ctx->detail);
    while (n > 0 && (ctx->detail[n - 1] == '\n' || ctx->detail[n - 1] == '\r' ||
                     ctx->detail[n - 1] == ' ' || ctx->detail[n - 1] == '.'))
        ctx->detail[--n] = '\0';
}

/* ---- building the frame ------------------------------------------------ */

typedef struct statfile_level {
    double value;          /* numeric key */
    const char *key;       /* string key */
    const char *text;      /* level name */
    int32_t observed;      /* index among observed strings, or -1 */
    int labelled;
} statfile_level;

typedef struct statfile_text_ref {
    const char *text;
    size_t pos;
} statfile_text_ref;

static int statfile_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int statfile_cmp_level_value(const void *a, const void *b)
{
    const statfile_level *x = a, *y = b;
    int c = (x->value > y->value) - (x->value < y->value);
    /* Labelled entries first, so that they win when values tie. */
    return c != 0 ? c : y->labelled - x->labelled;
}

static int statfile_cmp_level_key(const void *a, const void *b)
{
    const statfile_level *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : y->labelled - x->labelled;
}

static int statfile_cmp_text_ref(const void *a, const void *b)
{
    const statfile_text_ref *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c != 0 ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int statfile_declared_missing(const statfile_var *v, double x)
{
    int i;

    for (i = 0; i < v->n_missing; i++)
        if (x >= v->missing_lo[i] && x <= v->missing_hi[i])
            return 1;
    return 0;
}

/*
** Sorted, de-duplicated levels (by value or key, as already sorted in
** `levels`) become factor levels; when `merge`, levels with the same text
** are merged into the first (only labels can repeat a text).  final[k]
** receives the factor level of levels[k].
*/
static onc_status statfile_merge_texts(const statfile_level *levels, size_t n,
                                       size_t *final, const char ***texts,
                                       double **values, size_t *n_final, int numeric,
                                       int merge)
{
    statfile_text_ref *refs = NULL;
    size_t *first = NULL;
    size_t i, m = 0;
    onc_status rc = ONC_ERR_NOMEM;

    *texts = NULL;
    *values = NULL;
    first = onc_mallocarray(n, sizeof *first);
    *texts = onc_mallocarray(n, sizeof **texts);
    if (numeric)
        *values = onc_mallocarray(n, sizeof **values);
    if (first == NULL || *texts == NULL || (numeric && *values == NULL))
        goto cleanup;
    for (i = 0; i < n; i++)
        first[i] = i;
    if (merge && n > 1) {
        refs = onc_mallocarray(n, sizeof *refs);
        if (refs == NULL)
            goto cleanup;
        for (i = 0; i < n; i++) {
            refs[i].text = levels[i].text;
            refs[i].pos = i;
        }
        qsort(refs, n, sizeof *refs, statfile_cmp_text_ref);
        for (i = 0; i < n; i++)
            first[refs[i].pos] = (i > 0 && strcmp(refs[i].text, refs[i - 1].text) == 0)
                                 ? first[refs[i - 1].pos] : refs[i].pos;
    }
    for (i = 0; i < n; i++) {
        if (first[i] == i) {
            final[i] = m;
            (*texts)[m] = levels[i].text;
            if (numeric)
                (*values)[m] = levels[i].value;
            m++;
        } else {
            final[i] = final[first[i]];
        }
    }
    *n_final = m;
    rc = ONC_OK;
cleanup:
    free(refs);
    free(first);
    if (rc != ONC_OK) {
        free((void *)*texts);
        free(*values);
        *texts = NULL;
        *values = NULL;
    }
    return rc;
}

/* Numbers without a label are named as R prints them (15 significant digits). */
static char *statfile_number_text(double x)
{
    char buf[64];

    snprintf(buf, sizeof buf, "%.15g", x);
    return onc_strdup(buf);
}

static onc_status statfile_add_labelled_numeric(statfile_ctx *ctx, onc_frame *frame,
                                                const statfile_var *v)
{
    size_t n_rows = ctx->n_rows, n_obs = 0, n_levels = 0, n_final = 0, i, k;
    double *obs = NULL, *level_values = NULL;
    statfile_level *levels = NULL;
    size_t *final = NULL;
    char **owned = NULL;
    const char **texts = NULL;
    int32_t *codes = NULL;
    onc_status rc = ONC_ERR_NOMEM;

    obs = onc_mallocarray(n_rows, sizeof *obs);
    codes = onc_mallocarray(n_rows, sizeof *codes);
    if (obs == NULL || codes == NULL)
        goto cleanup;
    for (i = 0; i < n_rows; i++)
        if (!isnan(v->num[i]))
            obs[n_obs++] = v->num[i];
    if (n_obs > 1)
        qsort(obs, n_obs, sizeof *obs, statfile_cmp_double);
    levels = onc_mallocarray(n_obs + ctx->n_labels, sizeof *levels);
    owned = onc_callocarray(n_obs + 1, sizeof *owned);
    if (levels == NULL || owned == NULL)
        goto cleanup;
    for (i = 0; i < ctx->n_labels; i++) {
        const statfile_label *l = &ctx->labels[i];
        if (l->is_string || strcmp(l->set, v->label_set) != 0 ||
            statfile_declared_missing(v, l->key))
            continue;
        levels[n_levels].value = l->key;
        levels[n_levels].key = NULL;
        levels[n_levels].text = l->text;
        levels[n_levels].observed = -1;
        levels[n_levels].labelled = 1;
        n_levels++;
    }
    for (i = 0; i < n_obs; i++) {
        if (i > 0 && obs[i] == obs[i - 1])
            continue;
        levels[n_levels].value = obs[i];
        levels[n_levels].key = NULL;
        levels[n_levels].text = NULL;
        levels[n_levels].observed = 0;
        levels[n_levels].labelled = 0;
        n_levels++;
    }
    if (n_levels > 1)
        qsort(levels, n_levels, sizeof *levels, statfile_cmp_level_value);
    /* Keep one entry per value: the label if there is one. */
    for (i = 0, k = 0; i < n_levels; i++) {
        if (k > 0 && levels[i].value == levels[k - 1].value)
            continue;
        levels[k++] = levels[i];
    }
    n_levels = k;
    for (i = 0, k = 0; i < n_levels; i++) {
        if (levels[i].text == NULL) {
            owned[k] = statfile_number_text(levels[i].value);
            if (owned[k] == NULL)
                goto cleanup;
            levels[i].text = owned[k++];
        }
    }
    final = onc_mallocarray(n_levels, sizeof *final);
    if (final == NULL)
        goto cleanup;
    rc = statfile_merge_texts(levels, n_levels, final, &texts, &level_values, &n_final, 1, 1);
    if (rc != ONC_OK)
        goto cleanup;
    for (i = 0; i < n_rows; i++) {
        size_t lo = 0, hi = n_levels;
        codes[i] = -1;
        if (isnan(v->num[i]))
            continue;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (levels[mid].value < v->num[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n_levels && levels[lo].value == v->num[i])
            codes[i] = (int32_t)final[lo];
    }
    rc = onc_frame_add_factor(frame, v->name, codes, texts, level_values, n_final, ctx->err);
cleanup:
    for (i = 0; owned != NULL && i < n_obs + 1; i++)
        free(owned[i]);
    free(owned);
    free(obs);
    free(levels);
    free(final);
    free((void *)texts);
    free(level_values);
    free(codes);
    return rc;
}

static onc_status statfile_add_string(statfile_ctx *ctx, onc_frame *frame,
                                      const statfile_var *v)
{
    size_t n_obs = v->strings.n, n_levels = 0, n_final = 0, i, k;
    statfile_level *levels = NULL;
    size_t *final = NULL, *where = NULL;
    const char **texts = NULL;
    double *unused = NULL;
    int32_t *codes = NULL;
    onc_status rc = ONC_ERR_NOMEM;

    levels = onc_mallocarray(n_obs + ctx->n_labels, sizeof *levels);
    where = onc_mallocarray(n_obs, sizeof *where);
    codes = onc_mallocarray(ctx->n_rows, sizeof *codes);
    if (levels == NULL || where == NULL || codes == NULL)
        goto cleanup;
    for (i = 0; v->label_set != NULL && i < ctx->n_labels; i++) {
        const statfile_label *l = &ctx->labels[i];
        if (!l->is_string || strcmp(l->set, v->label_set) != 0 || l->string_key[0] == '\0')
            continue;
        levels[n_levels].value = 0.0;
        levels[n_levels].key = l->string_key;
        levels[n_levels].text = l->text;
        levels[n_levels].observed = -1;
        levels[n_levels].labelled = 1;
        n_levels++;
    }
    for (i = 0; i < n_obs; i++) {
        levels[n_levels].value = 0.0;
        levels[n_levels].key = v->strings.text[i];
        levels[n_levels].text = v->strings.text[i];
        levels[n_levels].observed = (int32_t)i;
        levels[n_levels].labelled = 0;
        n_levels++;
    }
    if (n_levels > 1)
        qsort(levels, n_levels, sizeof *levels, statfile_cmp_level_key);
    /* One entry per key, the label winning; remember where each observed
    ** string went. */
    for (i = 0, k = 0; i < n_levels; i++) {
        if (k > 0 && strcmp(levels[i].key, levels[k - 1].key) == 0) {
            if (levels[i].observed >= 0)
                where[levels[i].observed] = k - 1;
            continue;
        }
        levels[k] = levels[i];
        if (levels[k].observed >= 0)
            where[levels[k].observed] = k;
        k++;
    }
    n_levels = k;
    final = onc_mallocarray(n_levels, sizeof *final);
    if (final == NULL)
        goto cleanup;
    rc = statfile_merge_texts(levels, n_levels, final, &texts, &unused, &n_final, 0,
                              v->label_set != NULL);
    if (rc != ONC_OK)
        goto cleanup;
    for (i = 0; i < ctx->n_rows; i++)
        codes[i] = v->code[i] < 0 ? -1 : (int32_t)final[where[v->code[i]]];
    rc = onc_frame_add_factor(frame, v->name, codes, texts, NULL, n_final, ctx->err);
cleanup:
    free(levels);
    free(where);
    free(final);
    free((void *)texts);
    free(codes);
    return rc;
}

static int statfile_has_numeric_labels(const statfile_ctx *ctx, const statfile_var *v)
{
    size_t i;

    if (v->label_set == NULL)
        return 0;
    for (i = 0; i < ctx->n_labels; i++)
        if (!ctx->labels[i].is_string && strcmp(ctx->labels[i].set, v->label_set) == 0)
            return 1;
    return 0;
}

static onc_status statfile_add_numeric(statfile_ctx *ctx, onc_frame *frame,
                                       statfile_var *v)
{
    statfile_time kind = statfile_var_time(ctx->family, v->format);
    onc_coltype type = ONC_COL_NUMBER;
    size_t i;

    if (kind != STATFILE_TIME_NONE) {
        for (i = 0; i < ctx->n_rows; i++)
            if (!isnan(v->num[i]))
                v->num[i] = statfile_to_days(kind, v->num[i]);
        type = ONC_COL_DATE;
    } else if (statfile_integer_hint(ctx->family, v)) {
        type = ONC_COL_INTEGER;
        for (i = 0; i < ctx->n_rows; i++) {
            double x = v->num[i];
            if (!isnan(x) && (x != floor(x) || fabs(x) > STATFILE_MAX_EXACT_INTEGER)) {
                type = ONC_COL_NUMBER;
                break;
            }
        }
    }
    return onc_frame_add_numeric(frame, v->name, type, v->num, ctx->err);
}

static onc_status statfile_build(statfile_ctx *ctx, onc_frame **out)
{
    onc_frame *frame = NULL;
    onc_status rc;
    size_t j;

    *out = NULL;
    if (ctx->n_vars == 0)
        return statfile_fail(ctx, ONC_ERR_PARSE, 0, NULL, "the file holds no variables");
    if (ctx->declared_rows >= 0 && (size_t)ctx->declared_rows != ctx->n_rows) {
        char msg[160];
        snprintf(msg, sizeof msg, "the file declares %ld rows but holds %zu",
                 ctx->declared_rows, ctx->n_rows);
        return statfile_fail(ctx, ONC_ERR_PARSE, 0, NULL, msg);
    }
    rc = onc_frame_new(ctx->n_rows, &frame);
    if (rc != ONC_OK)
        return statfile_fail(ctx, rc, 0, NULL, "out of memory");
    frame->source = onc_strdup(ctx->file);
    if (frame->source == NULL) {
        rc = statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
        goto cleanup;
    }
    for (j = 0; j < ctx->n_vars; j++) {
        statfile_var *v = &ctx->vars[j];
        if (v->name[0] == '\0') {
            char msg[64];
            snprintf(msg, sizeof msg, "column %zu has no name", j + 1);
            rc = statfile_fail(ctx, ONC_ERR_PARSE, 0, NULL, msg);
            goto cleanup;
        }
        if (onc_frame_find(frame, v->name) >= 0) {
            rc = statfile_fail(ctx, ONC_ERR_PARSE, 0, v->name, "duplicate column name");
            goto cleanup;
        }
        if (ctx->n_rows == 0) {
            /* No rows: an empty column of the declared kind. */
            rc = v->is_string
                 ? onc_frame_add_factor(frame, v->name, NULL, NULL, NULL, 0, ctx->err)
                 : onc_frame_add_numeric(frame, v->name, ONC_COL_NUMBER, NULL, ctx->err);
        } else if (v->is_string) {
            rc = statfile_add_string(ctx, frame, v);
        } else if (statfile_has_numeric_labels(ctx, v)) {
            rc = statfile_add_labelled_numeric(ctx, frame, v);
        } else {
            rc = statfile_add_numeric(ctx, frame, v);
        }
        if (rc != ONC_OK) {
            statfile_fail(ctx, rc, 0, v->name, rc == ONC_ERR_NOMEM ? "out of memory"
                                               : "cannot add the column");
            goto cleanup;
        }
        if (v->label != NULL) {
            frame->cols[frame->n_cols - 1].label = v->label;
            v->label = NULL;
        }
        /* The frame holds its own copy now; release early to cap the peak. */
        statfile_var_release(v);
    }
    *out = frame;
    frame = NULL;
    rc = ONC_OK;
cleanup:
    onc_frame_free(frame);
    return rc;
}

/* ---- parsing ----------------------------------------------------------- */

typedef struct statfile_memory {
    const unsigned char *data;
    size_t len;
    size_t pos;
} statfile_memory;

static int statfile_mem_open(const char *path, void *io_ctx)
{
    statfile_memory *m = io_ctx;

    (void)path;
    m->pos = 0;
    return 0;
}

static int statfile_mem_close(void *io_ctx)
{
    (void)io_ctx;
    return 0;
}

static readstat_off_t statfile_mem_seek(readstat_off_t offset, readstat_io_flags_t whence,
                                        void *io_ctx)
{
    statfile_memory *m = io_ctx;
    readstat_off_t base;

    if (whence == READSTAT_SEEK_SET)
        base = 0;
    else if (whence == READSTAT_SEEK_CUR)
        base = (readstat_off_t)m->pos;
    else if (whence == READSTAT_SEEK_END)
        base = (readstat_off_t)m->len;
    else
        return -1;
    if ((offset < 0 && -offset > base) ||
        (offset > 0 && (size_t)offset > m->len - (size_t)base))
        return -1;
    m->pos = (size_t)(base + offset);
    return (readstat_off_t)m->pos;
}

static ssize_t statfile_mem_read(void *buf, size_t nbyte, void *io_ctx)
{
    statfile_memory *m = io_ctx;
    size_t n = m->len - m->pos;

    if (n > nbyte)
        n = nbyte;
    if (n > 0)
        memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static readstat_error_t statfile_mem_update(long file_size,
                                            readstat_progress_handler progress,
                                            void *user_ctx, void *io_ctx)
{
    (void)file_size;
    (void)progress;
    (void)user_ctx;
    (void)io_ctx;
    return READSTAT_OK;
}

static onc_status statfile_status_of(readstat_error_t e)
{
    switch (e) {
    case READSTAT_ERROR_OPEN:
        return ONC_ERR_IO;
    case READSTAT_ERROR_MALLOC:
        return ONC_ERR_NOMEM;
    case READSTAT_ERROR_UNSUPPORTED_COMPRESSION:
    case READSTAT_ERROR_UNSUPPORTED_CHARSET:
    case READSTAT_ERROR_UNSUPPORTED_FILE_FORMAT_VERSION:
        return ONC_ERR_UNSUPPORTED;
    default:
        /* Including short reads and seeks past the end: the file was opened,
        ** so it is truncated or damaged rather than unreadable. */
        return ONC_ERR_PARSE;
    }
}

/*
** Parse `memory` with ReadStat's parser for `format`.  `peek` holds the
** first and last bytes.
*/
static onc_status statfile_parse(statfile_ctx *ctx, onc_format format,
                                 statfile_memory *memory, const statfile_peek *peek,
                                 onc_frame **out)
{
    readstat_parser_t *parser = readstat_parser_init();
    readstat_error_t e = READSTAT_OK;
    const char *path = ctx->file;
    onc_status rc;

    if (parser == NULL)
        return statfile_fail(ctx, ONC_ERR_NOMEM, 0, NULL, "out of memory");
    readstat_set_metadata_handler(parser, statfile_on_metadata);
    readstat_set_variable_handler(parser, statfile_on_variable);
    readstat_set_value_handler(parser, statfile_on_value);
    readstat_set_value_label_handler(parser, statfile_on_value_label);
    readstat_set_error_handler(parser, statfile_on_error);
    readstat_set_open_handler(parser, statfile_mem_open);
    readstat_set_close_handler(parser, statfile_mem_close);
    readstat_set_seek_handler(parser, statfile_mem_seek);
    readstat_set_read_handler(parser, statfile_mem_read);
    readstat_set_update_handler(parser, statfile_mem_update);
    readstat_set_io_ctx(parser, memory);
    switch (format) {
    case ONC_FORMAT_SAV:
    case ONC_FORMAT_ZSAV:
        ctx->family = STATFILE_SPSS;
        e = readstat_parse_sav(parser, path, ctx);
        break;
    case ONC_FORMAT_POR:
        ctx->family = STATFILE_SPSS;
        e = readstat_parse_por(parser, path, ctx);
        break;
    case ONC_FORMAT_DTA: {
        int release = statfile_dta_release(peek->head, peek->head_len);
        static const char end_tag[] = "</stata_dta>";
        size_t k = sizeof end_tag - 1;
        /* Before release 118 (Stata 14) text is in the system code page,
        ** which for Stata is nearly always Windows-1252. */
        if (release > 0 && release < 118)
            readstat_set_file_character_encoding(parser, "WINDOWS-1252");
        ctx->family = STATFILE_STATA;
        /* ReadStat (1.1.8) passes label set names straight from the file's
        ** fixed-width fields, which need not hold a NUL: bound them by the
        ** field width of the release. */
        ctx->set_name_max = release >= 118 ? 129 : release >= 110 ? 33 : 9;
        if (!statfile_dta_strls_terminated(memory->data, memory->len)) {
            readstat_parser_free(parser);
            return statfile_fail(ctx, ONC_ERR_PARSE, 0, NULL,
                                 "a long string (strL) of this Stata file is not "
                                 "terminated: the file is damaged");
        }
        e = readstat_parse_dta(parser, path, ctx);
        /* ReadStat accepts a release 117+ file cut inside its value labels,
        ** which would turn labelled columns into plain numbers unnoticed. */
        if (e == READSTAT_OK && ctx->status == ONC_OK && release >= 117 &&
            (peek->tail_len < k || memcmp(peek->tail + peek->tail_len - k, end_tag, k) != 0))
            statfile_fail(ctx, ONC_ERR_PARSE, 0, NULL,
                          "the Stata file is truncated (no closing </stata_dta> tag)");
        break;
    }
    case ONC_FORMAT_SAS7BDAT:
        ctx->family = STATFILE_SAS;
        e = readstat_parse_sas7bdat(parser, path, ctx);
        break;
    case ONC_FORMAT_XPT:
        ctx->family = STATFILE_SAS;
        e = readstat_parse_xport(parser, path, ctx);
        break;
    default:
        break;
    }
    readstat_parser_free(parser);
    if (ctx->status != ONC_OK)
        return ctx->status;
    if (e != READSTAT_OK) {
        const char *what = readstat_error_message(e);
        char msg[512];
        if (ctx->detail[0] != '\0')
            snprintf(msg, sizeof msg, "cannot read this %s file: %s (%s)",
                     statfile_format_title(format), what ? what : "unknown error",
                     ctx->detail);
        else
            snprintf(msg, sizeof msg, "cannot read this %s file: %s",
                     statfile_format_title(format), what ? what : "unknown error");
        return statfile_fail(ctx, statfile_status_of(e), 0, NULL, msg);
    }
    rc = statfile_build(ctx, out);
    return rc;
}

static onc_status statfile_check_format(onc_format format, const char *file, onc_error *err)
{
    switch (format) {
    case ONC_FORMAT_SAV:
    case ONC_FORMAT_ZSAV:
    case ONC_FORMAT_POR:
    case ONC_FORMAT_DTA:
    case ONC_FORMAT_SAS7BDAT:
    case ONC_FORMAT_XPT:
        return ONC_OK;
    case ONC_FORMAT_CSV:
    case ONC_FORMAT_TSV:
        return onc_error_set(err, ONC_ERR_UNSUPPORTED, file, 0, 0, NULL,
                             "CSV and TSV files are read with onc_csv_read");
    case ONC_FORMAT_AUTO:
        return onc_error_set(err, ONC_ERR_UNSUPPORTED, file, 0, 0, NULL,
                             "unknown file format: give the format, or use an "
                             "extension such as .sav, .dta, .sas7bdat or .xpt");
    }
    return onc_error_set(err, ONC_ERR_USAGE, file, 0, 0, NULL, "invalid format code %d",
                         (int)format);
}

/* Parse len bytes at data; `file` names them in messages and the frame. */
static onc_status statfile_read_memory(const void *data, size_t len, onc_format format,
                                       const char *file, onc_frame **out, onc_error *err)
{
    statfile_memory memory;
    statfile_peek peek;
    statfile_ctx ctx;
    onc_status rc;

    memset(&peek, 0, sizeof peek);
    peek.head_len = len < sizeof peek.head ? len : sizeof peek.head;
    peek.tail_len = len < sizeof peek.tail ? len : sizeof peek.tail;
    if (len > 0) {
        memcpy(peek.head, data, peek.head_len);
        memcpy(peek.tail, (const unsigned char *)data + len - peek.tail_len, peek.tail_len);
    }
    if (format == ONC_FORMAT_AUTO)
        format = statfile_sniff(peek.head, peek.head_len);
    rc = statfile_check_format(format, file, err);
    if (rc != ONC_OK)
        return rc;
    memory.data = data;
    memory.len = len;
    memory.pos = 0;
    memset(&ctx, 0, sizeof ctx);
    ctx.file = file;
    ctx.err = err;
    ctx.declared_rows = -1;
    ctx.set_name_max = SIZE_MAX;
    rc = statfile_parse(&ctx, format, &memory, &peek, out);
    statfile_ctx_release(&ctx);
    return rc;
}

/*
** Files are mapped into memory and parsed through the same in-memory I/O
** handlers as buffers: ReadStat's own file I/O issues one read() per row of
** a Stata file, which dominates the time on large files.
*/
onc_status onc_statfile_read(const char *path, onc_format format,
                             onc_frame **out, onc_error *err)
{
    struct stat st;
    void *map = NULL;
    size_t len = 0;
    int fd;
    onc_status rc;

    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_statfile_read needs a path and an output frame");
    onc_error_clear(err);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot open: %s",
                             strerror(errno));
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot read: %s",
                             strerror(saved));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot read: %s",
                             S_ISDIR(st.st_mode) ? "it is a directory"
                                                 : "not a regular file");
    }
    if ((uintmax_t)st.st_size > (uintmax_t)SIZE_MAX) {
        close(fd);
        return onc_error_set(err, ONC_ERR_LIMIT, path, 0, 0, NULL,
                             "the file is too large to map into memory");
    }
    len = (size_t)st.st_size;
    if (len > 0) {
        map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            int saved = errno;
            close(fd);
            return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot read: %s",
                                 strerror(saved));
        }
    }
    close(fd);
    if (format == ONC_FORMAT_AUTO)
        format = onc_format_from_path(path);
    rc = statfile_read_memory(map, len, format, path, out, err);
    if (map != NULL)
        munmap(map, len);
    return rc;
}

onc_status onc_statfile_read_buffer(const void *data, size_t len,
                                    onc_format format, const char *name,
                                    onc_frame **out, onc_error *err)
{
    if (out != NULL)
        *out = NULL;
    if ((data == NULL && len > 0) || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, name, 0, 0, NULL,
                             "onc_statfile_read_buffer needs data and an output frame");
    onc_error_clear(err);
    if (format == ONC_FORMAT_AUTO && name != NULL)
        format = onc_format_from_path(name);
    return statfile_read_memory(data, len, format, name != NULL ? name : "(buffer)",
                                out, err);
}
