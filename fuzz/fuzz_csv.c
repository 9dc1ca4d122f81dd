/*
** fuzz_csv.c -- libFuzzer target for the CSV reader.
**
** Input: two option bytes, then the CSV text.
**   byte 0: bits 0-1 separator (detect, ',', ';', tab), bit 2 decimal
**           comma, bits 3-4 date format (ISO, %d/%m/%Y, %d%b%Y, %Y%m%d),
**           bit 5 custom missing tokens, bit 6 a type override on column
**           "a", bit 7 also read the text as a file
**   byte 1: override type (value % 5) and the file read size (1-32 bytes)
**
** Besides crashes and sanitizer reports, it checks that reading the same
** bytes from a file in small pieces gives the same frame or the same error
** as reading them from memory, that every frame is well formed, and, with
** the default value options, that onc_csv_write gives text that reads
** back to the same frame (-0 as 0).
**
** Build: clang -fsanitize=fuzzer,address,undefined ... (see the Makefile).
*/
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "oncostat/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b && signbit(a) == signbit(b);
}

/* frames_equal(a, b, 1) also takes -0 and 0 as equal. */
static int frames_equal(const onc_frame *a, const onc_frame *b, int zero_sign_free)
{
    size_t j, i;

    if (a->n_rows != b->n_rows || a->n_cols != b->n_cols)
        return 0;
    for (j = 0; j < a->n_cols; j++) {
        const onc_column *x = &a->cols[j], *y = &b->cols[j];
        if (strcmp(x->name, y->name) != 0 || x->type != y->type || x->n_levels != y->n_levels)
            return 0;
        for (i = 0; i < a->n_rows; i++)
            if (x->type == ONC_COL_FACTOR ? x->code[i] != y->code[i]
                : !(same_double(x->num[i], y->num[i]) ||
                    (zero_sign_free && x->num[i] == 0 && y->num[i] == 0)))
                return 0;
        for (i = 0; i < x->n_levels; i++)
            if (strcmp(x->levels[i], y->levels[i]) != 0)
                return 0;
    }
    return 1;
}

/* The frame keeps the promises of frame.h and io.h. */
static void check_frame(const onc_frame *f)
{
    size_t j, i;

    if (f->n_rows == 0 || f->n_cols == 0)
        __builtin_trap();
    for (j = 0; j < f->n_cols; j++) {
        const onc_column *c = &f->cols[j];

        if (c->name == NULL || c->name[0] == '\0')
            __builtin_trap();
        for (i = 0; i < f->n_rows; i++) {
            double v = c->type == ONC_COL_FACTOR ? 0 : c->num[i];
            switch (c->type) {
            case ONC_COL_FACTOR:
                if (c->code[i] < -1 || (c->code[i] >= 0 && (size_t)c->code[i] >= c->n_levels))
                    __builtin_trap();
                break;
            case ONC_COL_INTEGER:
                if (!isnan(v) && (v != floor(v) || fabs(v) >= 9007199254740992.0 || signbit(v)
                                  != (v < 0)))
                    __builtin_trap();
                break;
            case ONC_COL_LOGICAL:
                if (!isnan(v) && v != 0 && v != 1)
                    __builtin_trap();
                break;
            case ONC_COL_DATE:
                if (!isnan(v) && (v != floor(v) || v < -719162 || v > 2932896))
                    __builtin_trap();
                break;
            case ONC_COL_NUMBER:
                if (isinf(v))
                    __builtin_trap();
                break;
            }
        }
        for (i = 1; i < c->n_levels; i++)
            if (strcmp(c->levels[i - 1], c->levels[i]) >= 0)
                __builtin_trap();
    }
}

/* Written and read again with the default options: the same frame. */
static void check_round_trip(const onc_frame *f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    onc_frame *back = NULL;
    onc_error err;

    if (fp == NULL)
        return;
    if (onc_csv_write(f, fp, &err) != ONC_OK)
        __builtin_trap();
    fclose(fp);
    if (onc_csv_read_buffer(text, len, "written", NULL, &back, &err) != ONC_OK ||
        !frames_equal(f, back, 1))
        __builtin_trap();
    onc_frame_free(back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char seps[4] = {0, ',', ';', '\t'};
    static const char *const formats[4] = {NULL, "%d/%m/%Y", "%d%b%Y", "%Y%m%d"};
    static const char *const na[2] = {"-99", "NA"};
    onc_type_override ov = {"a", ONC_COL_NUMBER};
    onc_csv_options opt;
    onc_frame *f = NULL, *g = NULL;
    onc_error e1, e2;
    onc_status r1, r2;
    char path[64];
    uint8_t a, b;
    int fd;

    if (size < 2)
        return 0;
    a = data[0];
    b = data[1];
    data += 2;
    size -= 2;

    onc_csv_options_init(&opt);
    opt.sep = seps[a & 3];
    opt.decimal = (a & 4) ? ',' : '.';
    opt.date_format = formats[(a >> 3) & 3];
    if (a & 0x20) {
        opt.na_tokens = na;
        opt.n_na_tokens = 2;
    }
    if (a & 0x40) {
        ov.type = (onc_coltype)(b % 5);
        opt.overrides = &ov;
        opt.n_overrides = 1;
    }
    opt.max_rows = 4096;
    opt.max_cols = 64;
    opt.max_cell_bytes = 512;
    opt.read_bytes = 1 + (b >> 3);

    fd = (a & 0x80) ? memfd_create("fuzz_csv", 0) : -1;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    r1 = onc_csv_read_buffer((const char *)data, size, path, &opt, &f, &e1);
    if ((r1 == ONC_OK) != (f != NULL) || (r1 != ONC_OK && (e1.status != r1 || !e1.message[0])))
        __builtin_trap();
    if (f != NULL)
        check_frame(f);
    if (f != NULL && (a & 0x7C) == 0)
        check_round_trip(f);
    if (fd >= 0) {
        if (size == 0 || write(fd, data, size) == (ssize_t)size) {
            r2 = onc_csv_read(path, &opt, &g, &e2);
            if (r2 != r1)
                __builtin_trap();
            if (r1 == ONC_OK && !frames_equal(f, g, 0))
                __builtin_trap();
            if (r1 != ONC_OK && (e1.row != e2.row || e1.line != e2.line ||
                                 strcmp(e1.message, e2.message) != 0))
                __builtin_trap();
            onc_frame_free(g);
        }
        close(fd);
    }
    onc_frame_free(f);
    return 0;
}
