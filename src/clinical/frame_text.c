/*
** frame_text.c -- identifiers and names from frame columns (see
** clinical/frame_text.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clinical/frame_text.h"
#include "core/internal.h"

size_t clinical_text_bytes(const onc_column *c, size_t n_rows, int *overflow)
{
    size_t k, bytes = 0, add;

    if (c->type != ONC_COL_FACTOR) {
        if (onc_mul_overflow(n_rows, CLINICAL_NUMBER_TEXT, &add) != 0) {
            *overflow = 1;
            return 0;
        }
        return add;
    }
    for (k = 0; k < c->n_levels; k++) {
        add = strlen(c->levels[k]) + 1;
        if (bytes > SIZE_MAX - add) {
            *overflow = 1;
            return 0;
        }
        bytes += add;
    }
    return bytes;
}

char **clinical_text_levels(const onc_column *c, char **cursor)
{
    char **copy = onc_mallocarray(c->n_levels ? c->n_levels : 1, sizeof *copy);
    size_t k;

    if (copy == NULL)
        return NULL;
    for (k = 0; k < c->n_levels; k++) {
        size_t len = strlen(c->levels[k]) + 1;
        memcpy(*cursor, c->levels[k], len);
        copy[k] = *cursor;
        *cursor += len;
    }
    return copy;
}

const char *clinical_text_at(const onc_column *c, size_t i, char **level_copy,
                             char **cursor)
{
    char *s;

    if (c->type == ONC_COL_FACTOR)
        return level_copy[c->code[i]];
    s = *cursor;
    snprintf(s, CLINICAL_NUMBER_TEXT, "%.15g", c->num[i]);
    *cursor += strlen(s) + 1;
    return s;
}

int clinical_text_is(const char *s, const char *word)
{
    size_t len;

    while (*s == ' ' || *s == '\t')
        s++;
    len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return len == strlen(word) && strncasecmp(s, word, len) == 0;
}
