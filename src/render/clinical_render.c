/*
** clinical_render.c -- formatting shared by the response, rate and
** adverse-event renderers: percentages with their intervals, days that may
** be dates, CSV fields.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oncostat/date.h"
#include "render/clinical_render_internal.h"

void clinical_exact(double v, char *buf, size_t cap)
{
    char tmp[40];

    if (isnan(v)) {
        snprintf(buf, cap, "NA");
        return;
    }
    onc_format_double(v, tmp, sizeof tmp);
    snprintf(buf, cap, "%s", tmp);
}

void clinical_percent(double p, char *buf, size_t cap)
{
    if (!isfinite(p))
        snprintf(buf, cap, "NA");
    else
        snprintf(buf, cap, "%.1f", 100.0 * p);
}

void clinical_percent_ci(const onc_proportion *p, char *buf, size_t cap)
{
    if (!isfinite(p->lower) || !isfinite(p->upper))
        snprintf(buf, cap, "NA");
    else
        snprintf(buf, cap, "%.1f\xe2\x80\x93%.1f", 100.0 * p->lower, 100.0 * p->upper);
}

void clinical_day(double day, int dates, char *buf, size_t cap)
{
    if (isnan(day)) {
        snprintf(buf, cap, "NA");
        return;
    }
    if (dates && cap >= 16 && onc_date_format(day, buf, cap) > 0)
        return;
    clinical_exact(day, buf, cap);
}

void clinical_csv_field(FILE *fp, const char *s)
{
    const char *p;

    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' &&
        (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (p = s; *p; p++) {
        if (*p == '"')
            fputc('"', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
}

void clinical_json_proportion(onc_json *j, const onc_proportion *p)
{
    onc_json_key(j, "count");
    onc_json_integer(j, (long long)p->count);
    onc_json_key(j, "n");
    onc_json_integer(j, (long long)p->n);
    onc_json_key(j, "proportion");
    onc_json_number(j, p->estimate);
    onc_json_key(j, "lower");
    onc_json_number(j, p->lower);
    onc_json_key(j, "upper");
    onc_json_number(j, p->upper);
}

void clinical_json_day(onc_json *j, const char *prefix, double day, int dates)
{
    char key[64], buf[40];

    snprintf(key, sizeof key, "%sday", prefix);
    onc_json_key(j, key);
    onc_json_number(j, day);
    snprintf(key, sizeof key, "%sdate", prefix);
    onc_json_key(j, key);
    if (dates && !isnan(day) && onc_date_format(day, buf, sizeof buf) > 0)
        onc_json_string(j, buf);
    else
        onc_json_null(j);
}

onc_status clinical_write_table(const onc_table *t, onc_output_mode mode, FILE *fp)
{
    return mode == ONC_OUTPUT_CSV ? onc_table_write_csv(t, fp)
                                  : onc_table_write_text(t, fp);
}
