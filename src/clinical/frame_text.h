/*
** clinical/frame_text.h -- identifiers and names read from frame columns
** into one block of text owned by the records that point into it (internal
** to the library; used by response_frame.c and ae_frame.c).
**
** A text column's levels are copied once; a numeric identifier (patient
** 1017) is written out per row as "%.15g", so that the same patient reads
** the same in every file.
*/
#ifndef ONC_CLINICAL_FRAME_TEXT_H
#define ONC_CLINICAL_FRAME_TEXT_H

#include <stddef.h>

#include "oncostat/frame.h"

/* Longest identifier written from a number ("-1.23456789012345e+300"). */
#define CLINICAL_NUMBER_TEXT 32

/* Bytes needed for the text of column c (n_rows rows); sets *overflow on
** size overflow. */
size_t clinical_text_bytes(const onc_column *c, size_t n_rows, int *overflow);

/* For a text column: copies of its levels at *cursor (advanced), indexed
** by level code; caller frees the array, not the strings.  NULL when out of
** memory.  Other columns: not called. */
char **clinical_text_levels(const onc_column *c, char **cursor);

/* The text of row i: level_copy[code] for a text column, else the number
** written at *cursor (advanced). */
const char *clinical_text_at(const onc_column *c, size_t i, char **level_copy,
                             char **cursor);

/* Does s, without blanks around it, equal word (ignoring case)? */
int clinical_text_is(const char *s, const char *word);

#endif
