/*
** alloc.c -- overflow-checked allocation and small string helpers.
*/
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

int onc_mul_overflow(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return -1;
    *out = a * b;
    return 0;
}

void *onc_mallocarray(size_t n, size_t size)
{
    size_t bytes;

    if (onc_mul_overflow(n, size, &bytes) != 0)
        return NULL;
    return malloc(bytes ? bytes : 1);
}

void *onc_callocarray(size_t n, size_t size)
{
    if (n == 0 || size == 0)
        return calloc(1, 1);
    return calloc(n, size);
}

void *onc_reallocarray(void *p, size_t n, size_t size)
{
    size_t bytes;

    if (onc_mul_overflow(n, size, &bytes) != 0)
        return NULL;
    return realloc(p, bytes ? bytes : 1);
}

char *onc_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *onc_strdup(const char *s)
{
    return onc_strndup(s, strlen(s));
}

size_t onc_strlcpy(char *dst, const char *src, size_t cap)
{
    size_t len = strlen(src);

    if (cap > 0) {
        size_t n = len < cap - 1 ? len : cap - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

int onc_parse_double(const char *s, size_t len, char decimal, double *out)
{
    char buf[128];
    char *end;
    size_t a = 0, b = len, i;
    double v;

    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    if (a == b || b - a >= sizeof buf)
        return -1;
    for (i = a; i < b; i++) {
        char c = s[i];
        if (c == decimal)
            c = '.';
        else if (c == '.' && decimal != '.')
            return -1;
        /* strtod also accepts hex, "inf" and "nan"; data files should not. */
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
              c == 'e' || c == 'E'))
            return -1;
        buf[i - a] = c;
    }
    buf[b - a] = '\0';
    errno = 0;
    v = strtod(buf, &end);
    if (*end != '\0' || end == buf || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int onc_parse_long(const char *s, size_t len, long *out)
{
    long v = 0;
    size_t i = 0;
    int neg = 0;

    if (len == 0)
        return -1;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
        if (len == 1)
            return -1;
    }
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (LONG_MAX - (s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 0;
}
