/*
** sav2por.c -- copy an SPSS .sav file to the SPSS portable format (.por),
** keeping each variable's display format, label, value labels and missing
** values.  Used only by make_roundtrip.R to produce roundtrip.por: R haven
** cannot write .por, and the `readstat` tool's converter drops display
** formats, so its .por files would hold dates as plain numbers.
**
** Build and run (make_roundtrip.R does this):
**     cc -o sav2por sav2por.c -lreadstat && ./sav2por in.sav out.por
** Limits: numeric value labels only; at most 256 variables and 64 label sets.
*/
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARS 256
#define MAX_SETS 64

struct copy {
    readstat_writer_t *writer;
    FILE *out;
    long n_rows;
    int n_vars;
    int began;
    int failed;
    int n_sets;
    char set_names[MAX_SETS][256];
    readstat_label_set_t *sets[MAX_SETS];
};

static ssize_t put_bytes(const void *data, size_t len, void *ctx)
{
    struct copy *c = ctx;
    return (ssize_t)fwrite(data, 1, len, c->out);
}

static readstat_label_set_t *find_set(struct copy *c, const char *name)
{
    int i;
    for (i = 0; i < c->n_sets; i++)
        if (strcmp(c->set_names[i], name) == 0)
            return c->sets[i];
    return NULL;
}

static int on_metadata(readstat_metadata_t *m, void *ctx)
{
    struct copy *c = ctx;
    c->n_rows = readstat_get_row_count(m);
    c->n_vars = readstat_get_var_count(m);
    return c->n_rows > 0 && c->n_vars > 0 && c->n_vars <= MAX_VARS
        ? READSTAT_HANDLER_OK : READSTAT_HANDLER_ABORT;
}

static int on_value_label(const char *set, readstat_value_t value,
                          const char *label, void *ctx)
{
    struct copy *c = ctx;
    readstat_label_set_t *ls = find_set(c, set);

    if (readstat_value_type_class(value) != READSTAT_TYPE_CLASS_NUMERIC)
        return READSTAT_HANDLER_ABORT;
    if (ls == NULL) {
        if (c->n_sets == MAX_SETS)
            return READSTAT_HANDLER_ABORT;
        ls = readstat_add_label_set(c->writer, READSTAT_TYPE_DOUBLE, set);
        snprintf(c->set_names[c->n_sets], sizeof c->set_names[0], "%s", set);
        c->sets[c->n_sets++] = ls;
    }
    readstat_label_double_value(ls, readstat_double_value(value), label);
    return READSTAT_HANDLER_OK;
}

static int on_variable(int index_unused, readstat_variable_t *v, const char *set, void *ctx)
{
    struct copy *c = ctx;
    readstat_variable_t *nv;
    int i;

    (void)index_unused;
    nv = readstat_add_variable(c->writer, readstat_variable_get_name(v),
                               readstat_variable_get_type(v),
                               readstat_variable_get_storage_width(v));
    if (readstat_variable_get_format(v) != NULL)
        readstat_variable_set_format(nv, readstat_variable_get_format(v));
    if (readstat_variable_get_label(v) != NULL)
        readstat_variable_set_label(nv, readstat_variable_get_label(v));
    if (set != NULL && find_set(c, set) != NULL)
        readstat_variable_set_label_set(nv, find_set(c, set));
    for (i = 0; i < readstat_variable_get_missing_ranges_count(v); i++) {
        double lo = readstat_double_value(readstat_variable_get_missing_range_lo(v, i));
        double hi = readstat_double_value(readstat_variable_get_missing_range_hi(v, i));
        if (lo == hi)
            readstat_variable_add_missing_double_value(nv, lo);
        else
            readstat_variable_add_missing_double_range(nv, lo, hi);
    }
    return READSTAT_HANDLER_OK;
}

static int on_value(int row, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
    struct copy *c = ctx;
    int j = readstat_variable_get_index(v);
    readstat_variable_t *nv = readstat_get_variable(c->writer, j);
    readstat_error_t e = READSTAT_OK;

    if (!c->began) {
        e = readstat_begin_writing_por(c->writer, c, c->n_rows);
        c->began = 1;
    }
    if (e == READSTAT_OK && j == 0)
        e = readstat_begin_row(c->writer);
    if (e == READSTAT_OK) {
        if (readstat_value_is_system_missing(value))
            e = readstat_insert_missing_value(c->writer, nv);
        else if (readstat_value_type(value) == READSTAT_TYPE_STRING)
            e = readstat_insert_string_value(c->writer, nv, readstat_string_value(value));
        else
            e = readstat_insert_double_value(c->writer, nv, readstat_double_value(value));
    }
    if (e == READSTAT_OK && j == c->n_vars - 1)
        e = readstat_end_row(c->writer);
    if (e != READSTAT_OK) {
        fprintf(stderr, "sav2por: row %d, variable %d: %s\n", row + 1, j + 1,
                readstat_error_message(e));
        c->failed = 1;
        return READSTAT_HANDLER_ABORT;
    }
    return READSTAT_HANDLER_OK;
}

int main(int argc, char **argv)
{
    struct copy c;
    readstat_parser_t *p;
    readstat_error_t e;

    if (argc != 3) {
        fprintf(stderr, "usage: sav2por in.sav out.por\n");
        return 2;
    }
    memset(&c, 0, sizeof c);
    c.out = fopen(argv[2], "wb");
    if (c.out == NULL) {
        perror(argv[2]);
        return 1;
    }
    c.writer = readstat_writer_init();
    readstat_set_data_writer(c.writer, put_bytes);
    readstat_writer_set_file_timestamp(c.writer, 0);
    p = readstat_parser_init();
    readstat_set_metadata_handler(p, on_metadata);
    readstat_set_value_label_handler(p, on_value_label);
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_handler(p, on_value);
    e = readstat_parse_sav(p, argv[1], &c);
    if (e == READSTAT_OK && !c.failed)
        e = readstat_end_writing(c.writer);
    readstat_parser_free(p);
    readstat_writer_free(c.writer);
    if (fclose(c.out) != 0 || e != READSTAT_OK || c.failed) {
        fprintf(stderr, "sav2por: %s\n", readstat_error_message(e));
        remove(argv[2]);
        return 1;
    }
    return 0;
}
