/*
** fuzz_date.c -- libFuzzer target for the date parser and formatter.
**
** Input: byte 0 selects the mode; with a format, the format runs up to the
** first line feed and the date text follows it.  Every parsed date must
** format and parse back to itself; every day number must format to ten
** characters or "NA"; hints must read the values they were made for.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "oncostat/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(double days)
{
    char buf[16];
    double back;
    int y, m, d;

    if (days != floor(days) || days < ONC_DATE_MIN_DAYS || days > ONC_DATE_MAX_DAYS)
        __builtin_trap();
    if (onc_date_format(days, buf, sizeof buf) != 10 ||
        onc_date_parse(buf, 10, NULL, &back) != ONC_OK || back != days)
        __builtin_trap();
    if (onc_date_to_ymd(days, &y, &m, &d) != 0 || onc_date_from_ymd(y, m, d) != days)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char format[64], hint[64];
    const char *text, *fmt = NULL, *why;
    size_t len, n;
    double days;
    int y, m, d, amb, two;

    if (size < 1)
        return 0;
    if (data[0] & 1) {
        const uint8_t *nl = memchr(data + 1, '\n', size - 1);
        size_t flen = nl ? (size_t)(nl - (data + 1)) : size - 1;

        if (flen >= sizeof format)
            flen = sizeof format - 1;
        memcpy(format, data + 1, flen);
        format[flen] = '\0';
        fmt = format;
        text = nl ? (const char *)nl + 1 : (const char *)data + size;
        len = (size_t)((const char *)data + size - text);
        if (onc_date_check_format(fmt, &why) != ONC_OK && why == NULL)
            __builtin_trap();
    } else {
        text = (const char *)data + 1;
        len = size - 1;
    }

    if (onc_date_parse(text, len, fmt, &days) == ONC_OK) {
        check_round_trip(days);
        if (onc_date_scan(text, len, fmt, &y, &m, &d) != ONC_OK ||
            onc_date_from_ymd(y, m, d) != days)
            __builtin_trap();
    } else if (!isnan(days)) {
        __builtin_trap();
    }

    n = onc_date_suggest_format(text, len, hint, (size_t)(data[0] >> 2) % sizeof hint,
                                &amb, &two);
    if ((n > 0) != (onc_date_looks_like(text, len) != 0))
        __builtin_trap();

    /* Any eight bytes as a day number. */
    if (size >= 9) {
        char buf[16];
        double v;
        size_t w;

        memcpy(&v, data + 1, sizeof v);
        w = onc_date_format(v, buf, sizeof buf);
        if (w != 10 && w != 2)
            __builtin_trap();
        if (w == 10)
            check_round_trip(floor(v));
    }
    return 0;
}
