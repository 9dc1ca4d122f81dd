/*
** test_csv_write.c -- the CSV writer.
**
** References:
**  - R's write.csv conventions for what a value looks like (NA, TRUE/FALSE,
**    ISO dates, Inf) and RFC 4180 for quoting: the expected texts below are
**    written out by hand;
**  - strtod, for "reads back to the same double" (every number written must
**    convert back bit for bit), and the printf %.15g/%.16g/%.17g search for
**    "shortest" (no output may have more significant digits than it);
**  - onc_csv_read itself for the round trip: tests/data/csv/patients.csv
**    (checked against R's read.csv in test_csv.c) read, written, read again
**    must give the same frame, and writing that frame the same bytes.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/date.h"
#include "oncostat/io.h"

/* Write frame into a string (free it); NULL and *rc set when writing fails. */
static char *write_to_string(const onc_frame *frame, onc_status *rc, onc_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);

    if (fp == NULL) {
        *rc = ONC_ERR_IO;
        return NULL;
    }
    *rc = onc_csv_write(frame, fp, err);
    fclose(fp);
    if (*rc != ONC_OK) {
        free(text);
        return NULL;
    }
    return text;
}

/* A frame with one column of each kind, built by hand. */
static onc_frame *make_frame(void)
{
    static const double num[] = {0.1, -2.5, NAN, 1.0 / 3.0, -0.0, INFINITY};
    static const double whole[] = {1, -42, 0, NAN, 9007199254740991.0, 7};
    static const double date[] = {0, -1, NAN, 19357, 19357.75, -719162};
    static const double logical[] = {1, 0, NAN, 1, 0, 1};
    static const int32_t code[] = {0, 1, 2, -1, 3, 4};
    static const char *const levels[] = {"plain", "with, comma", "say \"hi\"",
                                         "two\nlines", "肝转移 São Paulo"};
    onc_frame *f = NULL;

    if (onc_frame_new(6, &f) != ONC_OK)
        return NULL;
    if (onc_frame_add_numeric(f, "x", ONC_COL_NUMBER, num, NULL) != ONC_OK ||
        onc_frame_add_numeric(f, "n", ONC_COL_INTEGER, whole, NULL) != ONC_OK ||
        onc_frame_add_numeric(f, "start date", ONC_COL_DATE, date, NULL) != ONC_OK ||
        onc_frame_add_numeric(f, "flag", ONC_COL_LOGICAL, logical, NULL) != ONC_OK ||
        onc_frame_add_factor(f, "note, free \"text\"", code, levels, NULL, 5, NULL) != ONC_OK) {
        onc_frame_free(f);
        return NULL;
    }
    return f;
}

static void test_types(void)
{
    static const char expected[] =
        "x,n,start date,flag,\"note, free \"\"text\"\"\"\n"
        "0.1,1,1970-01-01,TRUE,plain\n"
        "-2.5,-42,1969-12-31,FALSE,\"with, comma\"\n"
        "NA,0,NA,NA,\"say \"\"hi\"\"\"\n"
        "0.3333333333333333,NA,2022-12-31,TRUE,NA\n"
        "0,9007199254740991,2022-12-31,FALSE,\"two\nlines\"\n"
        "Inf,7,0001-01-01,TRUE,肝转移 São Paulo\n";
    onc_frame *f = make_frame();
    onc_error err;
    onc_status rc;
    char *text;

    CHECK(f != NULL);
    if (f == NULL)
        return;
    text = write_to_string(f, &rc, &err);
    CHECK(rc == ONC_OK);
    if (text != NULL) {
        CHECK_STR(text, expected);
        free(text);
    }
    onc_frame_free(f);
}

/* Numbers: the exact text expected for each value, written by hand from the
** printf search (%.15g, %.16g, %.17g: the first that reads back) or the
** fewest decimals; Python's repr() agrees except for the subnormal. */
static void test_number_text(void)
{
    static const struct { double v; const char *text; } cases[] = {
        {0.1, "0.1"},
        {0.30000000000000004, "0.30000000000000004"},
        {61.5, "61.5"},
        {-250.0, "-250.0"},   /* a column of whole numbers keeps its type */
        {123456.789012345678, "123456.78901234567"},
        {1e-5, "0.00001"},
        {0.5, "0.5"},
        {2.5, "2.5"},
        {100.0, "100.0"},
        {12.0 / 30.4375, "0.3942505133470226"},
        {9007199254740992.0, "9007199254740992.0"},
        {1e300, "1e+300"},
        {-1.7976931348623157e308, "-1.7976931348623157e+308"},
        {4.9e-324, "4.94065645841247e-324"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {-0.0, "0.0"},
        {-INFINITY, "-Inf"},
    };
    size_t k;

    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        onc_frame *f = NULL;
        onc_status rc;
        onc_error err;
        char *text, want[96];

        CHECK(onc_frame_new(1, &f) == ONC_OK);
        CHECK(onc_frame_add_numeric(f, "v", ONC_COL_NUMBER, &cases[k].v, NULL) == ONC_OK);
        text = write_to_string(f, &rc, &err);
        CHECK(rc == ONC_OK);
        snprintf(want, sizeof want, "v\n%s\n", cases[k].text);
        if (text != NULL) {
            CHECK_STR(text, want);
            free(text);
        }
        onc_frame_free(f);
    }
}

/* Significant digits of a decimal or scientific spelling. */
static size_t significant_digits(const char *s)
{
    size_t n = 0, trailing = 0;
    int leading = 1;

    for (; *s != '\0' && *s != 'e' && *s != 'E'; s++) {
        if (*s < '0' || *s > '9')
            continue;
        if (leading && *s == '0')
            continue;
        leading = 0;
        n++;
        trailing = *s == '0' ? trailing + 1 : 0;
    }
    return n - trailing;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/*
** Many values of the kinds a data set holds (a few decimals, ratios such as
** months from days, random bit patterns): each must read back exactly, with
** no more significant digits than the printf search gives.
*/
static void test_number_exact(void)
{
    enum { N = 60000 };
    double *v = malloc(N * sizeof *v);
    onc_frame *f = NULL, *back = NULL;
    onc_status rc;
    onc_error err;
    char *text = NULL, *line, *save = NULL;
    size_t k, bad_exact = 0, bad_short = 0, n_back = 0;

    CHECK(v != NULL);
    if (v == NULL)
        return;
    for (k = 0; k < N; k++) {
        uint64_t r = rng_next();
        switch (k % 4) {
        case 0:   /* a measurement with up to 4 decimals */
            v[k] = (double)(int64_t)(r % 2000001) / (double)(k % 5 == 0 ? 1 : 10000) - 100.0;
            break;
        case 1:   /* days in months or years */
            v[k] = (double)(r % 5000) / (k % 8 == 1 ? 30.4375 : 365.25);
            break;
        case 2: { /* any finite double */
            double d;
            uint64_t bits = r;
            memcpy(&d, &bits, sizeof d);
            v[k] = isfinite(d) ? d : 1.0;
            break;
        }
        default:  /* a probability or weight */
            v[k] = (double)(r >> 11) * 0x1.0p-53;
            break;
        }
    }
    CHECK(onc_frame_new(N, &f) == ONC_OK);
    CHECK(onc_frame_add_numeric(f, "v", ONC_COL_NUMBER, v, NULL) == ONC_OK);
    text = write_to_string(f, &rc, &err);
    CHECK(rc == ONC_OK && text != NULL);
    if (text != NULL) {
        /* Line by line against strtod and the printf search. */
        line = strtok_r(text, "\n", &save);
        CHECK(line != NULL && strcmp(line, "v") == 0);
        for (k = 0; k < N && (line = strtok_r(NULL, "\n", &save)) != NULL; k++) {
            char ref[40];
            int prec;
            double x = strtod(line, NULL);
            if (memcmp(&x, &v[k], sizeof x) != 0 && !(x == 0 && v[k] == 0))
                bad_exact++;
            for (prec = 15; prec <= 17; prec++) {
                snprintf(ref, sizeof ref, "%.*g", prec, v[k]);
                if (strtod(ref, NULL) == v[k])
                    break;
            }
            if (significant_digits(line) > significant_digits(ref))
                bad_short++;
            n_back++;
        }
        CHECK(n_back == N);
        CHECK(bad_exact == 0);
        CHECK(bad_short == 0);
        free(text);
    }
    /* And through the reader. */
    text = write_to_string(f, &rc, &err);
    if (text != NULL) {
        CHECK(onc_csv_read_buffer(text, strlen(text), "numbers", NULL, &back, &err) == ONC_OK);
        if (back != NULL) {
            CHECK(back->n_rows == N && back->n_cols == 1);
            for (k = 0, bad_exact = 0; k < N && back->n_rows == N; k++)
                if (back->cols[0].num[k] != v[k])
                    bad_exact++;
            CHECK(bad_exact == 0);
        }
        free(text);
    }
    onc_frame_free(back);
    onc_frame_free(f);
    free(v);
}

/* Same columns, types, levels and values (numbers compared with ==, so -0 == 0). */
static int frames_equal(const onc_frame *a, const onc_frame *b)
{
    size_t j, i, k;

    if (a->n_rows != b->n_rows || a->n_cols != b->n_cols)
        return 0;
    for (j = 0; j < a->n_cols; j++) {
        const onc_column *x = &a->cols[j], *y = &b->cols[j];
        if (strcmp(x->name, y->name) != 0 || x->type != y->type)
            return 0;
        if (x->type == ONC_COL_FACTOR) {
            if (x->n_levels != y->n_levels)
                return 0;
            for (k = 0; k < x->n_levels; k++)
                if (strcmp(x->levels[k], y->levels[k]) != 0)
                    return 0;
            for (i = 0; i < a->n_rows; i++)
                if (x->code[i] != y->code[i])
                    return 0;
        } else {
            for (i = 0; i < a->n_rows; i++)
                if (!(x->num[i] == y->num[i] || (isnan(x->num[i]) && isnan(y->num[i]))))
                    return 0;
        }
    }
    return 1;
}

/* Inputs whose types depend on how values are spelled. */
static void test_round_trip_types(void)
{
    static const char *const inputs[] = {
        /* whole numbers with a decimal mark are a number column */
        "w,x\n1.0,a\n2.0,b\nNA,c\n",
        /* -0 and huge whole numbers */
        "w\n-0.0\n1e300\n123456789012345678\n",
        /* text that would look like numbers only with its blanks removed */
        "t,n\n 5 ,7\nx,8\n",
        /* separators and a byte order mark in the column names */
        "\xEF\xBB\xBF\"\xEF\xBB\xBFid\",\"a;b;c\",\"tab\there\"\n1,2,3\n",
    };
    size_t k;

    for (k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        onc_frame *first = NULL, *second = NULL;
        onc_status rc;
        onc_error err;
        char *text;

        rc = onc_csv_read_buffer(inputs[k], strlen(inputs[k]), "input", NULL, &first, &err);
        CHECK(rc == ONC_OK);
        if (rc != ONC_OK) {
            fprintf(stderr, "  input %zu: %s\n", k, err.message);
            continue;
        }
        text = write_to_string(first, &rc, &err);
        CHECK(rc == ONC_OK && text != NULL);
        if (text != NULL) {
            rc = onc_csv_read_buffer(text, strlen(text), "written", NULL, &second, &err);
            CHECK(rc == ONC_OK && second != NULL && frames_equal(first, second));
            if (rc != ONC_OK || second == NULL || !frames_equal(first, second))
                fprintf(stderr, "  input %zu written as:\n%s", k, text);
        }
        free(text);
        onc_frame_free(first);
        onc_frame_free(second);
    }
}

/* read -> write -> read gives the same frame; write again gives the same bytes. */
static void test_round_trip(void)
{
    onc_frame *first = NULL, *second = NULL;
    onc_status rc;
    onc_error err;
    char *text1 = NULL, *text2 = NULL;

    CHECK(onc_csv_read("tests/data/csv/patients.csv", NULL, &first, &err) == ONC_OK);
    if (first == NULL) {
        fprintf(stderr, "  patients.csv: %s\n", err.message);
        return;
    }
    text1 = write_to_string(first, &rc, &err);
    CHECK(rc == ONC_OK && text1 != NULL);
    if (text1 != NULL) {
        rc = onc_csv_read_buffer(text1, strlen(text1), "written", NULL, &second, &err);
        CHECK(rc == ONC_OK);
        if (rc != ONC_OK)
            fprintf(stderr, "  re-reading: %s\n", err.message);
    }
    if (second != NULL) {
        CHECK(frames_equal(first, second));
        text2 = write_to_string(second, &rc, &err);
        CHECK(text2 != NULL && strcmp(text1, text2) == 0);
        /* The multi-line, quoted note survives with its bytes. */
        CHECK(strstr(text1, "\"lost to\nfollow-up\"") != NULL);
        CHECK(strstr(text1, "\"dose reduced, \"\"GI toxicity\"\"\"") != NULL);
        CHECK(strstr(text1, ",1.7976931348623157e+308,") != NULL);
    }
    free(text1);
    free(text2);
    onc_frame_free(first);
    onc_frame_free(second);
}

/* A frame that no reader can get back, and failing files. */
static void test_errors(void)
{
    static const double bad_date[] = {0, 1e9};
    static const double ok[] = {1, 2};
    static const int32_t bad_code[] = {0, 5};
    static const char *const levels[] = {"a"};
    onc_frame *f = NULL;
    onc_status rc;
    onc_error err;
    char *text;
    FILE *fp;

    CHECK(onc_csv_write(NULL, stdout, &err) == ONC_ERR_USAGE);

    CHECK(onc_frame_new(2, &f) == ONC_OK);
    CHECK(onc_frame_add_numeric(f, "ok", ONC_COL_NUMBER, ok, NULL) == ONC_OK);
    CHECK(onc_frame_add_numeric(f, "visit", ONC_COL_DATE, bad_date, NULL) == ONC_OK);
    CHECK(onc_csv_write(f, NULL, &err) == ONC_ERR_USAGE);
    text = write_to_string(f, &rc, &err);
    CHECK(rc == ONC_ERR_DATA && text == NULL);
    CHECK(err.row == 2);
    CHECK_STR(err.column, "visit");
    CHECK(strstr(err.message, "0001-01-01 .. 9999-12-31") != NULL);
    onc_frame_free(f);

    CHECK(onc_frame_new(2, &f) == ONC_OK);
    CHECK(onc_frame_add_factor(f, "arm", bad_code, levels, NULL, 1, NULL) == ONC_OK);
    text = write_to_string(f, &rc, &err);
    CHECK(rc == ONC_ERR_DATA && text == NULL);
    CHECK(err.row == 2);
    CHECK_STR(err.column, "arm");

    /* A device that is always full: the failure must be reported. */
    fp = fopen("/dev/full", "w");
    if (fp != NULL) {
        static const int32_t good[] = {0, 0};
        onc_frame *g = NULL;
        CHECK(onc_frame_new(2, &g) == ONC_OK);
        CHECK(onc_frame_add_factor(g, "arm", good, levels, NULL, 1, NULL) == ONC_OK);
        CHECK(onc_csv_write(g, fp, &err) == ONC_ERR_IO);
        CHECK(strstr(err.message, "writing the CSV failed") != NULL);
        fclose(fp);
        onc_frame_free(g);
    }
    onc_frame_free(f);
}

/* Long text (more than the writer's buffer) and an empty frame. */
static void test_sizes(void)
{
    enum { LONG = 200000 };
    char *long_text = malloc(LONG + 1);
    const char *levels[1];
    static const int32_t code[] = {0};
    onc_frame *f = NULL, *back = NULL;
    onc_status rc;
    onc_error err;
    char *text;

    CHECK(long_text != NULL);
    if (long_text == NULL)
        return;
    memset(long_text, 'x', LONG);
    long_text[LONG / 2] = ',';
    long_text[LONG] = '\0';
    levels[0] = long_text;
    CHECK(onc_frame_new(1, &f) == ONC_OK);
    CHECK(onc_frame_add_factor(f, "t", code, levels, NULL, 1, NULL) == ONC_OK);
    text = write_to_string(f, &rc, &err);
    CHECK(rc == ONC_OK && text != NULL);
    if (text != NULL) {
        CHECK(strlen(text) == 2 + LONG + 2 + 1);   /* "t\n", quotes, "\n" */
        CHECK(onc_csv_read_buffer(text, strlen(text), "long", NULL, &back, &err) == ONC_OK);
        CHECK(back != NULL && frames_equal(f, back));
        free(text);
    }
    onc_frame_free(back);
    onc_frame_free(f);
    free(long_text);

    /* One text column: an empty level must not become an empty line. */
    {
        static const int32_t codes[] = {0, 1, 0};
        static const char *const two[] = {"", "b"};
        CHECK(onc_frame_new(3, &f) == ONC_OK);
        CHECK(onc_frame_add_factor(f, "t", codes, two, NULL, 2, NULL) == ONC_OK);
        text = write_to_string(f, &rc, &err);
        CHECK(rc == ONC_OK && text != NULL && strcmp(text, "t\n\"\"\nb\n\"\"\n") == 0);
        free(text);
        onc_frame_free(f);
    }

    /* No columns: nothing a reader could take back. */
    CHECK(onc_frame_new(2, &f) == ONC_OK);
    text = write_to_string(f, &rc, &err);
    CHECK(rc == ONC_ERR_USAGE && text == NULL);
    onc_frame_free(f);

    /* Columns but no rows: the header alone. */
    CHECK(onc_frame_new(0, &f) == ONC_OK);
    CHECK(onc_frame_add_numeric(f, "a", ONC_COL_NUMBER, NULL, NULL) == ONC_OK);
    text = write_to_string(f, &rc, &err);
    CHECK(rc == ONC_OK && text != NULL && strcmp(text, "a\n") == 0);
    free(text);
    onc_frame_free(f);
}

int main(void)
{
    harness_set_name("test_csv_write");
    test_types();
    test_number_text();
    test_number_exact();
    test_round_trip();
    test_round_trip_types();
    test_errors();
    test_sizes();
    return harness_finish();
}
