/*
** table.c -- aligned text tables and CSV tables, plus number formatting
** for people.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/render.h"
#include "core/internal.h"

struct onc_table {
    size_t n_cols;
    char **headers;
    onc_align *align;
    size_t n_rows, cap_rows;
    char **cells;           /* n_rows × n_cols, row-major */
};

onc_table *onc_table_new(size_t n_cols, const char *const *headers,
                         const onc_align *align)
{
    onc_table *t = calloc(1, sizeof *t);
    size_t j;

    if (t == NULL)
        return NULL;
    t->n_cols = n_cols;
    t->headers = onc_callocarray(n_cols, sizeof *t->headers);
    t->align = onc_callocarray(n_cols, sizeof *t->align);
    if (t->headers == NULL || t->align == NULL)
        goto fail;
    for (j = 0; j < n_cols; j++) {
        t->headers[j] = onc_strdup(headers[j]);
        if (t->headers[j] == NULL)
            goto fail;
        t->align[j] = align ? align[j] : ONC_ALIGN_LEFT;
    }
    return t;
fail:
    onc_table_free(t);
    return NULL;
}

void onc_table_free(onc_table *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->n_cols && t->headers; i++)
        free(t->headers[i]);
    for (i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i]);
    free(t->headers);
    free(t->align);
    free(t->cells);
    free(t);
}

size_t onc_table_rows(const onc_table *t)
{
    return t->n_rows;
}

onc_status onc_table_add_row(onc_table *t, const char *const *cells)
{
    size_t j, base;

    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 16, total;
        char **grown;
        if (onc_mul_overflow(cap, t->n_cols, &total) != 0)
            return ONC_ERR_NOMEM;
        grown = onc_reallocarray(t->cells, total, sizeof *grown);
        if (grown == NULL)
            return ONC_ERR_NOMEM;
        t->cells = grown;
        t->cap_rows = cap;
    }
    base = t->n_rows * t->n_cols;
    for (j = 0; j < t->n_cols; j++) {
        t->cells[base + j] = onc_strdup(cells[j] ? cells[j] : "");
        if (t->cells[base + j] == NULL) {
            while (j-- > 0)
                free(t->cells[base + j]);
            return ONC_ERR_NOMEM;
        }
    }
    t->n_rows++;
    return ONC_OK;
}

onc_status onc_table_addf(onc_table *t, const char *fmt, ...)
{
    char buf[4096];
    const char *cells[64];
    size_t n = 0;
    char *p;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (t->n_cols > 64)
        return ONC_ERR_USAGE;
    p = buf;
    while (n < t->n_cols) {
        char *tab = strchr(p, '\t');
        cells[n++] = p;
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    while (n < t->n_cols)
        cells[n++] = "";
    return onc_table_add_row(t, cells);
}

/* Decode one UTF-8 sequence; returns its length (1 on malformed bytes). */
static size_t utf8_decode(const unsigned char *s, unsigned long *cp)
{
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
        *cp = ((unsigned long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        *cp = ((unsigned long)(s[0] & 0x0F) << 12) | ((unsigned long)(s[1] & 0x3F) << 6) |
              (s[2] & 0x3F);
        return 3;
    }
    if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
        (s[3] & 0xC0) == 0x80) {
        *cp = ((unsigned long)(s[0] & 0x07) << 18) | ((unsigned long)(s[1] & 0x3F) << 12) |
              ((unsigned long)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

/* East Asian Wide and Fullwidth ranges that matter for clinical text. */
static int is_wide(unsigned long cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t onc_text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;

    while (*p) {
        unsigned long cp;
        p += utf8_decode(p, &cp);
        if (cp >= 0x300 && cp <= 0x36F)
            continue;               /* combining marks take no column */
        w += is_wide(cp) ? 2 : 1;
    }
    return w;
}

static void pad(FILE *fp, size_t n)
{
    while (n-- > 0)
        fputc(' ', fp);
}

onc_status onc_table_write_text(const onc_table *t, FILE *fp)
{
    size_t *width = onc_callocarray(t->n_cols, sizeof *width);
    size_t i, j, total = 0;

    if (width == NULL)
        return ONC_ERR_NOMEM;
    for (j = 0; j < t->n_cols; j++)
        width[j] = onc_text_width(t->headers[j]);
    for (i = 0; i < t->n_rows; i++)
        for (j = 0; j < t->n_cols; j++) {
            size_t w = onc_text_width(t->cells[i * t->n_cols + j]);
            if (w > width[j])
                width[j] = w;
        }
    for (i = 0; i <= t->n_rows; i++) {
        for (j = 0; j < t->n_cols; j++) {
            const char *s = i == 0 ? t->headers[j] : t->cells[(i - 1) * t->n_cols + j];
            size_t w = onc_text_width(s);
            if (j > 0)
                fputs("  ", fp);
            if (t->align[j] == ONC_ALIGN_RIGHT) {
                pad(fp, width[j] - w);
                fputs(s, fp);
            } else {
                fputs(s, fp);
                if (j + 1 < t->n_cols)
                    pad(fp, width[j] - w);
            }
        }
        fputc('\n', fp);
        if (i == 0) {
            for (j = 0; j < t->n_cols; j++)
                total += width[j] + (j > 0 ? 2 : 0);
            for (j = 0; j < total; j++)
                fputc('-', fp);
            fputc('\n', fp);
        }
    }
    free(width);
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

static void csv_cell(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

onc_status onc_table_write_csv(const onc_table *t, FILE *fp)
{
    size_t i, j;

    for (i = 0; i <= t->n_rows; i++) {
        for (j = 0; j < t->n_cols; j++) {
            if (j > 0)
                fputc(',', fp);
            csv_cell(fp, i == 0 ? t->headers[j] : t->cells[(i - 1) * t->n_cols + j]);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? ONC_ERR_IO : ONC_OK;
}

size_t onc_format_human(double v, int decimals, const char *na, char *buf, size_t cap)
{
    if (!isfinite(v))
        return (size_t)snprintf(buf, cap, "%s", na);
    if (decimals >= 0)
        return (size_t)snprintf(buf, cap, "%.*f", decimals, v);
    return (size_t)snprintf(buf, cap, "%.4g", v);
}

size_t onc_format_p(double p, char *buf, size_t cap)
{
    if (!isfinite(p))
        return (size_t)snprintf(buf, cap, "NA");
    if (p < 0.0001)
        return (size_t)snprintf(buf, cap, "<0.0001");
    if (p < 0.001)
        return (size_t)snprintf(buf, cap, "%.4f", p);
    if (p < 0.1)
        return (size_t)snprintf(buf, cap, "%.3f", p);
    return (size_t)snprintf(buf, cap, "%.2f", p);
}
