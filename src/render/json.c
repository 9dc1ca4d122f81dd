/*
** json.c -- a streaming JSON writer.
**
** Results can hold millions of table rows (a Kaplan-Meier table of registry
** data), so values are written as they come rather than built into a tree
** first; memory stays constant whatever the size of the result.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/render.h"

#define JSON_MAX_DEPTH 64

struct onc_json {
    FILE *fp;
    int indent;
    int depth;
    int broken;                      /* nesting error or write failure */
    char kind[JSON_MAX_DEPTH];       /* 'o' object, 'a' array */
    int count[JSON_MAX_DEPTH];       /* values written at this level */
    int after_key;
};

onc_json *onc_json_new(FILE *fp, int indent)
{
    onc_json *j = calloc(1, sizeof *j);

    if (j == NULL)
        return NULL;
    j->fp = fp;
    j->indent = indent;
    return j;
}

onc_status onc_json_finish(onc_json *j)
{
    if (j->depth != 0 || j->broken)
        return ONC_ERR_USAGE;
    fputc('\n', j->fp);
    return ferror(j->fp) ? ONC_ERR_IO : ONC_OK;
}

void onc_json_free(onc_json *j)
{
    free(j);
}

static void newline(onc_json *j)
{
    int i;

    if (j->indent <= 0)
        return;
    fputc('\n', j->fp);
    for (i = 0; i < j->depth * j->indent; i++)
        fputc(' ', j->fp);
}

/* Separator and indentation before a value (or before a key). */
static void before_value(onc_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->kind[j->depth - 1] == 'o') {
            j->broken = 1;          /* a value in an object needs a key */
            return;
        }
        if (j->count[j->depth - 1]++ > 0)
            fputc(',', j->fp);
        newline(j);
    }
}

static void open_level(onc_json *j, char kind)
{
    before_value(j);
    fputc(kind == 'o' ? '{' : '[', j->fp);
    if (j->depth >= JSON_MAX_DEPTH) {
        j->broken = 1;
        return;
    }
    j->kind[j->depth] = kind;
    j->count[j->depth] = 0;
    j->depth++;
}

static void close_level(onc_json *j, char kind)
{
    int had;

    if (j->depth == 0 || j->kind[j->depth - 1] != kind || j->after_key) {
        j->broken = 1;
        return;
    }
    had = j->count[j->depth - 1];
    j->depth--;
    if (had > 0)
        newline(j);
    fputc(kind == 'o' ? '}' : ']', j->fp);
}

void onc_json_object_begin(onc_json *j) { open_level(j, 'o'); }
void onc_json_object_end(onc_json *j) { close_level(j, 'o'); }
void onc_json_array_begin(onc_json *j) { open_level(j, 'a'); }
void onc_json_array_end(onc_json *j) { close_level(j, 'a'); }

static void write_string(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', fp);
    for (; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\b': fputs("\\b", fp); break;
        case '\f': fputs("\\f", fp); break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

void onc_json_key(onc_json *j, const char *key)
{
    if (j->depth == 0 || j->kind[j->depth - 1] != 'o' || j->after_key) {
        j->broken = 1;
        return;
    }
    if (j->count[j->depth - 1]++ > 0)
        fputc(',', j->fp);
    newline(j);
    write_string(j->fp, key);
    fputs(j->indent > 0 ? ": " : ":", j->fp);
    j->after_key = 1;
}

void onc_json_string(onc_json *j, const char *s)
{
    before_value(j);
    if (s == NULL)
        fputs("null", j->fp);
    else
        write_string(j->fp, s);
}

size_t onc_format_double(double v, char *buf, size_t cap)
{
    int prec;
    int len = 0;

    if (isnan(v))
        return (size_t)snprintf(buf, cap, "NaN");
    if (isinf(v))
        return (size_t)snprintf(buf, cap, v > 0 ? "Inf" : "-Inf");
    /* The shortest of 15, 16, 17 significant digits that reads back exactly;
    ** 17 always does for IEEE doubles. */
    for (prec = 15; prec <= 17; prec++) {
        len = snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return (size_t)len;
}

void onc_json_number(onc_json *j, double v)
{
    char buf[40];

    before_value(j);
    if (!isfinite(v)) {
        fputs("null", j->fp);
        return;
    }
    onc_format_double(v, buf, sizeof buf);
    fputs(buf, j->fp);
}

void onc_json_integer(onc_json *j, long long v)
{
    before_value(j);
    fprintf(j->fp, "%lld", v);
}

void onc_json_count(onc_json *j, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0)
        onc_json_integer(j, (long long)v);
    else
        onc_json_number(j, v);
}

void onc_json_bool(onc_json *j, int v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->fp);
}

void onc_json_null(onc_json *j)
{
    before_value(j);
    fputs("null", j->fp);
}
