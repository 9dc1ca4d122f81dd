/*
** core/internal.h -- helpers shared inside the library; not a public API.
*/
#ifndef ONC_CORE_INTERNAL_H
#define ONC_CORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Allocation helpers that check for size overflow.  They return NULL on
** overflow or exhaustion and never abort. */
void *onc_mallocarray(size_t n, size_t size);
void *onc_callocarray(size_t n, size_t size);
void *onc_reallocarray(void *p, size_t n, size_t size);
char *onc_strdup(const char *s);
char *onc_strndup(const char *s, size_t n);

/* Copy src into dst of capacity cap, always NUL-terminated; returns strlen(src). */
size_t onc_strlcpy(char *dst, const char *src, size_t cap);

/* Overflow-checked a*b into *out; returns 0 on success, -1 on overflow. */
int onc_mul_overflow(size_t a, size_t b, size_t *out);

/* Parse a complete decimal number (optionally with a decimal comma) of
** length len; returns 0 and stores the value on success, -1 otherwise.
** Accepts leading/trailing blanks, rejects everything else. */
int onc_parse_double(const char *s, size_t len, char decimal, double *out);

/* Parse a whole non-negative or negative integer; 0 on success. */
int onc_parse_long(const char *s, size_t len, long *out);

#endif
