/*
** csv_write.c -- a data frame as CSV that onc_csv_read and R read back.
**
** Rows are assembled in one output buffer and handed to stdio in large
** pieces, so the cost per cell is formatting the value, not a library call.
** Per factor column the level texts are measured and checked for quoting
** once, not per cell.
**
** Numbers are written in the shortest form that reads back to the same
** double.  Most values in patient data have a few decimals (ages, doses,
** laboratory values), so they are tried first as an integer m and a count d
** of decimals with m / 10^d == v: both operands are exact doubles when
** m < 2^53 and d <= 22, so the one division is correctly rounded and gives
** the value every correct reader (strtod, the fast path of onc_csv_read)
** gives for the text.  Other values go through printf with 15, 16 and 17
** significant digits, keeping the first that reads back exactly.
**
** Locale: printf and strtod are assumed to use '.' (LC_NUMERIC "C", the
** default unless the program calls setlocale), as in csv.c.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/date.h"
#include "oncostat/io.h"
#include "core/internal.h"

/* Bytes gathered before they are handed to stdio. */
#define CSVW_BUFFER_BYTES ((size_t)1 << 16)
/* Longest formatted number, date or logical, with room to spare. */
#define CSVW_VALUE_CHARS 48
/* Whole numbers below this are exact doubles (2^53). */
#define CSVW_EXACT_WHOLE 9007199254740992.0
/* Most decimals tried by the exact fast path (10^d must be exact: d <= 22). */
#define CSVW_MAX_FAST_DECIMALS 17

typedef struct csvw_out {
    FILE *fp;
    char *buf;
    size_t len;
    int failed;            /* a write failed; errno was kept in saved_errno */
    int saved_errno;
} csvw_out;

/* Per column: what is decided once rather than per cell. */
typedef struct csvw_plan {
    size_t *len;           /* factor: bytes of each level */
    unsigned char *quote;  /* factor: 1 if the level needs quotes */
    int mark_whole;        /* number: every value is whole, so whole values
                              get ".0" to keep the column a number column */
} csvw_plan;

static void csvw_flush(csvw_out *o)
{
    if (o->len > 0 && !o->failed && fwrite(o->buf, 1, o->len, o->fp) != o->len) {
        o->failed = 1;
        o->saved_errno = errno;
    }
    o->len = 0;
}

static void csvw_put(csvw_out *o, const char *s, size_t n)
{
    if (n > CSVW_BUFFER_BYTES - o->len) {
        csvw_flush(o);
        if (n > CSVW_BUFFER_BYTES) {
            /* A long text: hand it over directly. */
            if (!o->failed && fwrite(s, 1, n, o->fp) != n) {
                o->failed = 1;
                o->saved_errno = errno;
            }
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void csvw_putc(csvw_out *o, char c)
{
    if (o->len == CSVW_BUFFER_BYTES)
        csvw_flush(o);
    o->buf[o->len++] = c;
}

/* Does text need quotes to be read back as one field with these bytes? */
static int csvw_needs_quotes(const char *s, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (s[k] == ',' || s[k] == '"' || s[k] == '\n' || s[k] == '\r')
            return 1;
    return 0;
}

/*
** A column name needs more: readers detect the separator from the header
** line (a name full of ';' or tabs would win over the commas), and a
** byte order mark at the very start of the file would be removed.
*/
static int csvw_name_needs_quotes(const char *s, size_t n, int first)
{
    size_t k;

    if (first && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        return 1;
    for (k = 0; k < n; k++)
        if (s[k] == ';' || s[k] == '\t')
            return 1;
    return n == 0 || csvw_needs_quotes(s, n);
}

/* Text as one field: quoted (with "" for ") only when it must be. */
static void csvw_put_text(csvw_out *o, const char *s, size_t n, int quote)
{
    size_t k, from = 0;

    if (!quote) {
        csvw_put(o, s, n);
        return;
    }
    csvw_putc(o, '"');
    for (k = 0; k < n; k++)
        if (s[k] == '"') {
            csvw_put(o, s + from, k + 1 - from);
            csvw_putc(o, '"');
            from = k + 1;
        }
    csvw_put(o, s + from, n - from);
    csvw_putc(o, '"');
}

/* Decimal digits of m into buf (no terminator); returns the count. */
static size_t csvw_digits(uint64_t m, char *buf)
{
    char tmp[24];
    size_t n = 0, k;

    do {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m > 0);
    for (k = 0; k < n; k++)
        buf[k] = tmp[n - 1 - k];
    return n;
}

/*
** v (finite, not zero, |v| < 2^53) as m / 10^d with the fewest decimals d,
** if some d <= CSVW_MAX_FAST_DECIMALS gives exactly v; 0 if none does.
*/
static size_t csvw_format_decimal(double v, char *buf)
{
    static const double pow10[CSVW_MAX_FAST_DECIMALS + 1] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
        1e13, 1e14, 1e15, 1e16, 1e17};
    double a = fabs(v);
    size_t d, n = 0, nd;
    char digits[24];

    for (d = 0; d <= CSVW_MAX_FAST_DECIMALS; d++) {
        double scaled = a * pow10[d];
        double m;

        if (!(scaled < CSVW_EXACT_WHOLE))
            return 0;
        m = nearbyint(scaled);
        if (m == 0.0 || m / pow10[d] != a)
            continue;
        nd = csvw_digits((uint64_t)m, digits);
        if (v < 0)
            buf[n++] = '-';
        if (d == 0) {
            memcpy(buf + n, digits, nd);
            return n + nd;
        }
        if (nd <= d) {
            buf[n++] = '0';
            buf[n++] = '.';
            memset(buf + n, '0', d - nd);
            n += d - nd;
            memcpy(buf + n, digits, nd);
            return n + nd;
        }
        memcpy(buf + n, digits, nd - d);
        n += nd - d;
        buf[n++] = '.';
        memcpy(buf + n, digits + nd - d, d);
        return n + d;
    }
    return 0;
}

/* v (not NaN) as the shortest text that reads back to v; buf holds
** CSVW_VALUE_CHARS.  Returns the length. */
static size_t csvw_format_number(double v, char *buf)
{
    size_t n;
    int prec, len = 0;

    if (isinf(v)) {
        memcpy(buf, v > 0 ? "Inf" : "-Inf", v > 0 ? 3 : 4);
        return v > 0 ? 3 : 4;
    }
    if (v == 0.0) {
        buf[0] = '0';
        return 1;
    }
    if (fabs(v) < CSVW_EXACT_WHOLE && (n = csvw_format_decimal(v, buf)) > 0)
        return n;
    /* 17 significant digits always read back for IEEE doubles. */
    for (prec = 15; prec <= 17; prec++) {
        len = snprintf(buf, CSVW_VALUE_CHARS, "%.*g", prec, v);
        if (len > 0 && strtod(buf, NULL) == v)
            break;
    }
    return len > 0 ? (size_t)len : 0;
}

/* An INTEGER column's value: whole numbers without a decimal mark. */
static size_t csvw_format_integer(double v, char *buf)
{
    size_t n = 0;

    if (v == floor(v) && fabs(v) < CSVW_EXACT_WHOLE) {
        if (v < 0)
            buf[n++] = '-';
        return n + csvw_digits((uint64_t)fabs(v), buf + n);
    }
    return csvw_format_number(v, buf);
}

static void csvw_plan_free(csvw_plan *plan, size_t n_cols)
{
    size_t j;

    if (plan == NULL)
        return;
    for (j = 0; j < n_cols; j++) {
        free(plan[j].len);
        free(plan[j].quote);
    }
    free(plan);
}

/*
** Measure every level of every factor column once, and find the number
** columns of whole values only: written as R writes them ("12") they would
** read back as integers, so they are written "12.0".
*/
static onc_status csvw_plan_prepare(const onc_frame *frame, csvw_plan **out)
{
    csvw_plan *plan = onc_callocarray(frame->n_cols, sizeof *plan);
    size_t i, j, k;

    *out = NULL;
    if (plan == NULL)
        return ONC_ERR_NOMEM;
    for (j = 0; j < frame->n_cols; j++) {
        const onc_column *c = &frame->cols[j];

        if (c->type == ONC_COL_NUMBER) {
            plan[j].mark_whole = 1;
            for (i = 0; i < frame->n_rows && plan[j].mark_whole; i++)
                if (!isnan(c->num[i]) && c->num[i] != floor(c->num[i]))
                    plan[j].mark_whole = 0;
        }
        if (c->type != ONC_COL_FACTOR || c->n_levels == 0)
            continue;
        plan[j].len = onc_mallocarray(c->n_levels, sizeof *plan[j].len);
        plan[j].quote = onc_mallocarray(c->n_levels, sizeof *plan[j].quote);
        if (plan[j].len == NULL || plan[j].quote == NULL) {
            csvw_plan_free(plan, frame->n_cols);
            return ONC_ERR_NOMEM;
        }
        for (k = 0; k < c->n_levels; k++) {
            const char *t = c->levels[k] != NULL ? c->levels[k] : "";
            plan[j].len[k] = strlen(t);
            /* A lone empty field would be an empty line, which readers skip. */
            plan[j].quote[k] = (unsigned char)(csvw_needs_quotes(t, plan[j].len[k]) ||
                                               (plan[j].len[k] == 0 && frame->n_cols == 1));
        }
    }
    *out = plan;
    return ONC_OK;
}

/* Every column must be usable before the first byte is written. */
static onc_status csvw_check_frame(const onc_frame *frame, onc_error *err)
{
    size_t j;

    if (frame->n_cols == 0)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "a frame without columns cannot be written as CSV");
    for (j = 0; j < frame->n_cols; j++) {
        const onc_column *c = &frame->cols[j];
        const char *name = c->name != NULL ? c->name : "";

        if (c->name == NULL)
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                                 "column %zu has no name", j + 1);
        if (c->type == ONC_COL_FACTOR) {
            if (frame->n_rows > 0 && c->code == NULL)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, name,
                                     "factor column without codes");
            if (c->n_levels > 0 && c->levels == NULL)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, name,
                                     "factor column without level names");
        } else if (c->type == ONC_COL_NUMBER || c->type == ONC_COL_INTEGER ||
                   c->type == ONC_COL_DATE || c->type == ONC_COL_LOGICAL) {
            if (frame->n_rows > 0 && c->num == NULL)
                return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, name,
                                     "column without values");
        } else {
            return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, name,
                                 "unknown column type %d", (int)c->type);
        }
    }
    return ONC_OK;
}

onc_status onc_csv_write(const onc_frame *frame, FILE *fp, onc_error *err)
{
    csvw_out o;
    csvw_plan *plan = NULL;
    char value[CSVW_VALUE_CHARS];
    size_t i, j, n;
    onc_status rc;

    memset(&o, 0, sizeof o);
    if (frame == NULL || fp == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "onc_csv_write needs a frame and an open file");
    rc = csvw_check_frame(frame, err);
    if (rc != ONC_OK)
        return rc;
    o.fp = fp;
    o.buf = malloc(CSVW_BUFFER_BYTES);
    if (o.buf == NULL || (rc = csvw_plan_prepare(frame, &plan)) != ONC_OK) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }

    for (j = 0; j < frame->n_cols; j++) {
        const char *name = frame->cols[j].name;
        size_t len = strlen(name);

        if (j > 0)
            csvw_putc(&o, ',');
        csvw_put_text(&o, name, len, csvw_name_needs_quotes(name, len, j == 0));
    }
    csvw_putc(&o, '\n');

    for (i = 0; i < frame->n_rows && !o.failed; i++) {
        for (j = 0; j < frame->n_cols; j++) {
            const onc_column *c = &frame->cols[j];

            if (j > 0)
                csvw_putc(&o, ',');
            if (c->type == ONC_COL_FACTOR) {
                int32_t k = c->code[i];
                if (k < 0) {
                    csvw_put(&o, "NA", 2);
                    continue;
                }
                if ((size_t)k >= c->n_levels) {
                    rc = onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, c->name,
                                       "level code %ld is out of range (%zu levels)",
                                       (long)k, c->n_levels);
                    goto cleanup;
                }
                csvw_put_text(&o, c->levels[k] != NULL ? c->levels[k] : "",
                              plan[j].len[k], plan[j].quote[k]);
                continue;
            }
            if (isnan(c->num[i])) {
                csvw_put(&o, "NA", 2);
                continue;
            }
            switch (c->type) {
            case ONC_COL_INTEGER:
                n = csvw_format_integer(c->num[i], value);
                break;
            case ONC_COL_DATE:
                n = onc_date_format(c->num[i], value, sizeof value);
                if (n != 10) {
                    rc = onc_error_set(err, ONC_ERR_DATA, NULL, i + 1, 0, c->name,
                                       "the date value %g is outside 0001-01-01 .. "
                                       "9999-12-31", c->num[i]);
                    goto cleanup;
                }
                break;
            case ONC_COL_LOGICAL:
                n = c->num[i] != 0.0 ? 4 : 5;
                memcpy(value, c->num[i] != 0.0 ? "TRUE" : "FALSE", n);
                break;
            default:
                n = csvw_format_number(c->num[i], value);
                if (plan[j].mark_whole && memchr(value, '.', n) == NULL &&
                    memchr(value, 'e', n) == NULL && memchr(value, 'I', n) == NULL) {
                    value[n++] = '.';
                    value[n++] = '0';
                }
                break;
            }
            csvw_put(&o, value, n);
        }
        csvw_putc(&o, '\n');
    }
    csvw_flush(&o);
    if (!o.failed && fflush(fp) != 0) {
        o.failed = 1;
        o.saved_errno = errno;
    }
    if (o.failed || ferror(fp)) {
        rc = onc_error_set(err, ONC_ERR_IO, NULL, 0, 0, NULL, "writing the CSV failed: %s",
                           strerror(o.failed && o.saved_errno != 0 ? o.saved_errno : EIO));
        goto cleanup;
    }
    rc = ONC_OK;
cleanup:
    if (rc == ONC_ERR_NOMEM)
        onc_error_set(err, rc, NULL, 0, 0, NULL, "out of memory writing the CSV");
    csvw_plan_free(plan, frame->n_cols);
    free(o.buf);
    return rc;
}
