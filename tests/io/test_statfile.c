/*
** test_statfile.c -- SPSS, Stata and SAS files read through ReadStat.
**
** Reference values: tests/data/roundtrip/make_roundtrip.R writes the same 8
** patients as .sav, .zsav, .por, .dta, .xpt, .sas7bdat and .csv with R haven,
** and the values R reads back into roundtrip.txt; edge.sav/.dta/.xpt hold
** corner cases with their expected values in edge.txt.  Text is stored there
** as UTF-8 byte values.  Stata %tC days are worked out by hand below.
**
** Run from the repository root.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/statfile.h"
#include "harness.h"

/* The CSV reader lives in another module; compare with roundtrip.csv when
** its header is present (the library build links every reader). */
#if defined(__has_include)
#if __has_include("oncostat/io.h")
#include "oncostat/io.h"
#define TEST_WITH_CSV 1
#endif
#endif

#define DIR "tests/data/roundtrip/"

/* ---- helpers ----------------------------------------------------------- */

static int same_number(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static int ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'a' && x <= 'z')
            x -= 32;
        if (y >= 'a' && y <= 'z')
            y -= 32;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static const onc_column *find_col(const onc_frame *f, const char *name, int any_case)
{
    size_t j;

    for (j = 0; f != NULL && j < f->n_cols; j++)
        if (any_case ? ieq(f->cols[j].name, name) : strcmp(f->cols[j].name, name) == 0)
            return &f->cols[j];
    return NULL;
}

/* The text stored as byte values under `key`; caller frees. */
static char *golden_text(golden *g, const char *key)
{
    size_t n, i;
    const double *v = golden_get(g, key, &n);
    char *s = malloc(n + 1);

    for (i = 0; v != NULL && i < n; i++)
        s[i] = (char)(unsigned char)v[i];
    s[v != NULL ? n : 0] = '\0';
    return s;
}

static void check_values(golden *g, const char *key, const onc_column *c, size_t n_rows)
{
    size_t n, i;
    const double *want = golden_get(g, key, &n);

    CHECK(c != NULL && c->type != ONC_COL_FACTOR);
    CHECK(want != NULL && n == n_rows);
    if (c == NULL || c->type == ONC_COL_FACTOR || want == NULL || n != n_rows)
        return;
    for (i = 0; i < n; i++)
        CHECK_CLOSE(c->num[i], want[i], 1e-15);
}

/* Codes, level names and (when with_values) level values of a factor. */
static void check_factor(golden *g, const char *key, const onc_column *c,
                         size_t n_rows, int with_values)
{
    char k[128];
    size_t n, i;
    const double *codes, *nlev;

    CHECK(c != NULL && c->type == ONC_COL_FACTOR);
    if (c == NULL || c->type != ONC_COL_FACTOR)
        return;
    snprintf(k, sizeof k, "%s_code", key);
    codes = golden_get(g, k, &n);
    CHECK(codes != NULL && n == n_rows);
    for (i = 0; codes != NULL && i < n && i < n_rows; i++)
        CHECK(isnan(codes[i]) ? c->code[i] == -1 : c->code[i] == (int32_t)codes[i]);
    snprintf(k, sizeof k, "%s_nlevels", key);
    nlev = golden_get(g, k, &n);
    CHECK(nlev != NULL && c->n_levels == (size_t)nlev[0]);
    for (i = 0; nlev != NULL && i < c->n_levels && i < (size_t)nlev[0]; i++) {
        char *want;
        snprintf(k, sizeof k, "%s_level%zu", key, i);
        want = golden_text(g, k);
        CHECK_STR(c->levels[i], want);
        free(want);
    }
    if (with_values) {
        const double *vals;
        snprintf(k, sizeof k, "%s_level_values", key);
        vals = golden_get(g, k, &n);
        CHECK(c->level_values != NULL && vals != NULL && n == c->n_levels);
        for (i = 0; c->level_values != NULL && vals != NULL && i < n && i < c->n_levels; i++)
            CHECK(c->level_values[i] == vals[i]);
    } else {
        CHECK(c->level_values == NULL);
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long size;

    *len = 0;
    if (fp == NULL)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 &&
        fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf != NULL && fread(buf, 1, (size_t)size, fp) == (size_t)size) {
            *len = (size_t)size;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(fp);
    return buf;
}

/*
** Are columns a and b identical: type, values, levels and level values,
** label?  Reported per column so a failure names it.
*/
static void check_same_column(const onc_column *a, const onc_column *b, size_t n_rows,
                              const char *what)
{
    size_t i, k;
    int same = a != NULL && b != NULL && a->type == b->type;

    if (same && a->type == ONC_COL_FACTOR) {
        same = a->n_levels == b->n_levels &&
               (a->level_values == NULL) == (b->level_values == NULL);
        for (k = 0; same && k < a->n_levels; k++)
            same = strcmp(a->levels[k], b->levels[k]) == 0 &&
                   (a->level_values == NULL || a->level_values[k] == b->level_values[k]);
        for (i = 0; same && i < n_rows; i++)
            same = a->code[i] == b->code[i];
    } else if (same) {
        for (i = 0; same && i < n_rows; i++)
            same = same_number(a->num[i], b->num[i]);
    }
    if (same)
        same = (a->label == NULL && b->label == NULL) ||
               (a->label != NULL && b->label != NULL && strcmp(a->label, b->label) == 0);
    if (!same)
        fprintf(stderr, "column '%s' differs in %s\n", a != NULL ? a->name : "?", what);
    CHECK(same);
}

/* ---- format names ------------------------------------------------------ */

static void test_format_names(void)
{
    static const struct { const char *path; onc_format want; } paths[] = {
        {"data.csv", ONC_FORMAT_CSV}, {"DATA.CSV", ONC_FORMAT_CSV},
        {"a/b.c/data.tsv", ONC_FORMAT_TSV}, {"x.tab", ONC_FORMAT_TSV},
        {"study.sav", ONC_FORMAT_SAV}, {"study.Sav", ONC_FORMAT_SAV},
        {"study.zsav", ONC_FORMAT_ZSAV}, {"old.por", ONC_FORMAT_POR},
        {"gist.dta", ONC_FORMAT_DTA}, {"adtte.sas7bdat", ONC_FORMAT_SAS7BDAT},
        {"ADTTE.SAS7BDAT", ONC_FORMAT_SAS7BDAT}, {"adsl.xpt", ONC_FORMAT_XPT},
        {"noext", ONC_FORMAT_AUTO}, {"dir.sav/file", ONC_FORMAT_AUTO},
        {"file.", ONC_FORMAT_AUTO}, {"file.savx", ONC_FORMAT_AUTO},
        {"file.txt", ONC_FORMAT_CSV}, {"file.xlsx", ONC_FORMAT_AUTO}, {"", ONC_FORMAT_AUTO}
    };
    static const struct { const char *name; onc_format want; } names[] = {
        {"csv", ONC_FORMAT_CSV}, {"TSV", ONC_FORMAT_TSV}, {"sav", ONC_FORMAT_SAV},
        {"spss", ONC_FORMAT_SAV}, {"zsav", ONC_FORMAT_ZSAV}, {"por", ONC_FORMAT_POR},
        {"dta", ONC_FORMAT_DTA}, {"Stata", ONC_FORMAT_DTA},
        {"sas7bdat", ONC_FORMAT_SAS7BDAT}, {"sas", ONC_FORMAT_SAS7BDAT},
        {"xpt", ONC_FORMAT_XPT}, {"xport", ONC_FORMAT_XPT}, {"auto", ONC_FORMAT_AUTO},
        {"excel", ONC_FORMAT_AUTO}, {"", ONC_FORMAT_AUTO}
    };
    size_t i;
    onc_format f;

    for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
        CHECK(onc_format_from_path(paths[i].path) == paths[i].want);
    CHECK(onc_format_from_path(NULL) == ONC_FORMAT_AUTO);
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        CHECK(onc_format_from_name(names[i].name) == names[i].want);
    for (f = ONC_FORMAT_AUTO; f <= ONC_FORMAT_XPT; f++)
        CHECK(onc_format_from_name(onc_format_name(f)) == f);
}

/* ---- the round trip ---------------------------------------------------- */

typedef struct roundtrip_case {
    const char *file;
    int upper_names;      /* .por: names are upper case */
    int has_site;         /* .por holds ASCII only: no `site` column */
    int arm_labelled;     /* SAS value labels sit in a catalog not written */
} roundtrip_case;

static const roundtrip_case roundtrip_cases[] = {
    {DIR "roundtrip.sav", 0, 1, 1},
    {DIR "roundtrip.zsav", 0, 1, 1},
    {DIR "roundtrip.por", 1, 0, 1},
    {DIR "roundtrip.dta", 0, 1, 1},
    {DIR "roundtrip.xpt", 0, 1, 0},
    {DIR "roundtrip.sas7bdat", 0, 1, 0}
};
#define N_ROUNDTRIP (sizeof roundtrip_cases / sizeof roundtrip_cases[0])

static const char *const roundtrip_columns[] = {
    "id", "arm", "age", "sex", "ecog", "start", "death", "status", "site",
    "birth", "rand_dt"
};
#define N_COLUMNS (sizeof roundtrip_columns / sizeof roundtrip_columns[0])

/* Each file against the values R wrote. */
static void check_roundtrip_file(golden *g, const roundtrip_case *t, const onc_frame *f)
{
    static const struct { const char *name; onc_coltype type; } numeric[] = {
        {"id", ONC_COL_INTEGER}, {"age", ONC_COL_NUMBER}, {"ecog", ONC_COL_INTEGER},
        {"status", ONC_COL_INTEGER}, {"start", ONC_COL_DATE}, {"death", ONC_COL_DATE},
        {"birth", ONC_COL_DATE}, {"rand_dt", ONC_COL_DATE}
    };
    size_t n, i;
    const double *nrow = golden_get(g, "nrow", &n);
    const onc_column *c;
    int up = t->upper_names;

    CHECK(nrow != NULL && f->n_rows == (size_t)nrow[0]);
    CHECK(f->n_cols == (t->has_site ? N_COLUMNS : N_COLUMNS - 1));
    CHECK_STR(f->source, t->file);
    for (i = 0; i < f->n_cols && i < N_COLUMNS; i++) {
        /* Same order as written, minus `site` in the .por file. */
        size_t k = (!t->has_site && i >= 8) ? i + 1 : i;
        CHECK(up ? ieq(f->cols[i].name, roundtrip_columns[k])
                 : strcmp(f->cols[i].name, roundtrip_columns[k]) == 0);
        if (up) {
            char upper[32];
            size_t m;
            for (m = 0; roundtrip_columns[k][m] != '\0' && m + 1 < sizeof upper; m++)
                upper[m] = (char)(roundtrip_columns[k][m] >= 'a' && roundtrip_columns[k][m] <= 'z'
                                  ? roundtrip_columns[k][m] - 32 : roundtrip_columns[k][m]);
            upper[m] = '\0';
            CHECK_STR(f->cols[i].name, upper);
        }
    }
    for (i = 0; i < sizeof numeric / sizeof numeric[0]; i++) {
        c = find_col(f, numeric[i].name, up);
        CHECK(c != NULL && c->type == numeric[i].type);
        check_values(g, numeric[i].name, c, f->n_rows);
    }
    c = find_col(f, "arm", up);
    if (t->arm_labelled) {
        check_factor(g, "arm", c, f->n_rows, 1);
    } else {
        CHECK(c != NULL && c->type == ONC_COL_INTEGER);
        check_values(g, "arm", c, f->n_rows);
    }
    check_factor(g, "sex", find_col(f, "sex", up), f->n_rows, 0);
    c = find_col(f, "site", up);
    if (t->has_site)
        check_factor(g, "site", c, f->n_rows, 0);
    else
        CHECK(c == NULL);
    for (i = 0; i < N_COLUMNS; i++) {
        char key[64];
        char *want;
        c = find_col(f, roundtrip_columns[i], up);
        if (c == NULL)
            continue;
        snprintf(key, sizeof key, "label_%s", roundtrip_columns[i]);
        want = golden_text(g, key);
        CHECK(c->label != NULL);
        CHECK_STR(c->label, want);
        free(want);
    }
}

/* Each file against the .sav file: the frames must be identical, except
** where the format cannot carry something (see roundtrip_case). */
static void check_against_sav(const onc_frame *sav, const roundtrip_case *t,
                              const onc_frame *f)
{
    size_t i, r;

    CHECK(f->n_rows == sav->n_rows);
    if (f->n_rows != sav->n_rows)
        return;
    for (i = 0; i < N_COLUMNS; i++) {
        const char *name = roundtrip_columns[i];
        const onc_column *a = find_col(sav, name, 0);
        const onc_column *b = find_col(f, name, t->upper_names);
        if (!t->has_site && strcmp(name, "site") == 0)
            continue;
        if (!t->arm_labelled && strcmp(name, "arm") == 0) {
            /* The number each row's label stood for. */
            CHECK(a != NULL && b != NULL && b->type == ONC_COL_INTEGER);
            for (r = 0; a != NULL && b != NULL && r < f->n_rows; r++)
                CHECK(a->code[r] >= 0 && b->num[r] == a->level_values[a->code[r]]);
            continue;
        }
        check_same_column(a, b, f->n_rows, t->file);
    }
}

#ifdef TEST_WITH_CSV
/* The CSV holds the same patients; factor levels there are sorted by text
** (no value labels), and `rand_dt` is already a day.  Compare values row
** by row, and factors by the text of each row's level. */
static void check_against_csv(const onc_frame *sav)
{
    onc_csv_options opt;
    onc_frame *csv = NULL;
    onc_error err;
    size_t i, r;

    onc_csv_options_init(&opt);
    CHECK(onc_csv_read(DIR "roundtrip.csv", &opt, &csv, &err) == ONC_OK);
    if (csv == NULL) {
        fprintf(stderr, "roundtrip.csv: %s\n", err.message);
        return;
    }
    CHECK(csv->n_rows == sav->n_rows && csv->n_cols == sav->n_cols);
    for (i = 0; i < N_COLUMNS && csv->n_rows == sav->n_rows; i++) {
        const onc_column *a = find_col(sav, roundtrip_columns[i], 0);
        const onc_column *b = find_col(csv, roundtrip_columns[i], 0);
        int same = a != NULL && b != NULL && a->type == b->type;
        for (r = 0; same && r < sav->n_rows; r++) {
            if (a->type == ONC_COL_FACTOR)
                same = (a->code[r] < 0 && b->code[r] < 0) ||
                       (a->code[r] >= 0 && b->code[r] >= 0 &&
                        strcmp(a->levels[a->code[r]], b->levels[b->code[r]]) == 0);
            else
                same = same_number(a->num[r], b->num[r]);
        }
        if (!same)
            fprintf(stderr, "column '%s' differs in roundtrip.csv\n", roundtrip_columns[i]);
        CHECK(same);
    }
    onc_frame_free(csv);
}
#endif

static void test_roundtrip(void)
{
    golden *g = golden_load(DIR "roundtrip.txt");
    onc_frame *frames[N_ROUNDTRIP] = {0};
    onc_error err;
    size_t i;

    for (i = 0; i < N_ROUNDTRIP; i++) {
        onc_status rc = onc_statfile_read(roundtrip_cases[i].file, ONC_FORMAT_AUTO,
                                          &frames[i], &err);
        if (rc != ONC_OK)
            fprintf(stderr, "%s\n", err.message);
        CHECK(rc == ONC_OK);
        if (frames[i] != NULL)
            check_roundtrip_file(g, &roundtrip_cases[i], frames[i]);
    }
    for (i = 1; i < N_ROUNDTRIP && frames[0] != NULL; i++)
        if (frames[i] != NULL)
            check_against_sav(frames[0], &roundtrip_cases[i], frames[i]);
#ifdef TEST_WITH_CSV
    if (frames[0] != NULL)
        check_against_csv(frames[0]);
#endif
    for (i = 0; i < N_ROUNDTRIP; i++)
        onc_frame_free(frames[i]);
    golden_free(g);
}

/* From memory, with the format found from the bytes alone, the frame is the
** one read from the file. */
static void test_buffer(void)
{
    static const struct { const char *file; onc_format format; } cases[] = {
        {DIR "roundtrip.sav", ONC_FORMAT_SAV}, {DIR "roundtrip.zsav", ONC_FORMAT_ZSAV},
        {DIR "roundtrip.por", ONC_FORMAT_POR}, {DIR "roundtrip.dta", ONC_FORMAT_DTA},
        {DIR "roundtrip.xpt", ONC_FORMAT_XPT}, {DIR "roundtrip.sas7bdat", ONC_FORMAT_SAS7BDAT},
        {DIR "edge.dta", ONC_FORMAT_DTA}
    };
    size_t i, j;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *data = slurp(cases[i].file, &len);
        onc_frame *a = NULL, *b = NULL, *c = NULL;
        onc_error err;

        CHECK(data != NULL);
        if (data == NULL)
            continue;
        CHECK(onc_statfile_read(cases[i].file, cases[i].format, &a, &err) == ONC_OK);
        CHECK(onc_statfile_read_buffer(data, len, ONC_FORMAT_AUTO, NULL, &b, &err) == ONC_OK);
        CHECK(onc_statfile_read_buffer(data, len, ONC_FORMAT_AUTO, cases[i].file, &c,
                                       &err) == ONC_OK);
        CHECK(b != NULL && strcmp(b->source, "(buffer)") == 0);
        CHECK(c != NULL && strcmp(c->source, cases[i].file) == 0);
        if (a != NULL && b != NULL && c != NULL) {
            CHECK(a->n_cols == b->n_cols && a->n_rows == b->n_rows);
            for (j = 0; j < a->n_cols && j < b->n_cols && a->n_rows == b->n_rows; j++) {
                CHECK_STR(a->cols[j].name, b->cols[j].name);
                check_same_column(&a->cols[j], &b->cols[j], a->n_rows, "memory");
                check_same_column(&a->cols[j], &c->cols[j], a->n_rows, "memory");
            }
        }
        onc_frame_free(a);
        onc_frame_free(b);
        onc_frame_free(c);
        free(data);
    }
}

/* ---- corner cases ------------------------------------------------------ */

static void test_edge_spss(golden *g)
{
    onc_frame *f = NULL;
    onc_error err;
    const onc_column *c;

    CHECK(onc_statfile_read(DIR "edge.sav", ONC_FORMAT_AUTO, &f, &err) == ONC_OK);
    if (f == NULL)
        return;
    /* Missing range 90 THRU HIGHEST and value -1; label 99 is a missing code. */
    check_factor(g, "sav_grade", find_col(f, "grade", 0), f->n_rows, 1);
    /* Labelled string: keys in byte order, labels as level names. */
    check_factor(g, "sav_sex", find_col(f, "sex", 0), f->n_rows, 0);
    check_factor(g, "sav_txt", find_col(f, "txt", 0), f->n_rows, 0);
    c = find_col(f, "dt", 0);
    CHECK(c != NULL && c->type == ONC_COL_DATE);
    check_values(g, "sav_dt", c, f->n_rows);
    c = find_col(f, "dtm", 0);
    CHECK(c != NULL && c->type == ONC_COL_DATE);
    check_values(g, "sav_dtm", c, f->n_rows);
    c = find_col(f, "dur", 0);       /* TIME8: a duration */
    CHECK(c != NULL && c->type == ONC_COL_NUMBER);
    check_values(g, "sav_dur", c, f->n_rows);
    c = find_col(f, "half", 0);      /* F8.0 over 2.5 */
    CHECK(c != NULL && c->type == ONC_COL_NUMBER);
    check_values(g, "sav_half", c, f->n_rows);
    /* Codes 1 and 2 both labelled "Yes": one level, valued 1. */
    check_factor(g, "sav_resp", find_col(f, "resp", 0), f->n_rows, 1);
    c = find_col(f, "row", 0);
    CHECK(c != NULL && c->type == ONC_COL_INTEGER && c->label == NULL);
    onc_frame_free(f);
}

static void test_edge_stata(golden *g)
{
    /*
    ** %tC: milliseconds since 1960-01-01 counting leap seconds.  1960-01-01
    ** is day -3653 since 1970 (1960..1969: 10 * 365 + 3 leap days).
    ** 2017-01-01 is day 17167 since 1970, so day 20820 since 1960; the 27
    ** leap seconds 1972-2016 all lie before it, the last one ending
    ** 2016-12-31.  Leap seconds run after 1972-06-30, day 911 since 1970
    ** (730 + 181), which is day 4564 since 1960.
    */
    static const double dtC_days[] = {
        17166,  /* (20820*86400 + 25) s = 2016-12-31 23:59:59 (26 leaps passed) */
        17166,  /* (20820*86400 + 26.5) s = 2016-12-31 23:59:60.5, inside the leap */
        17167,  /* (20820*86400 + 27) s = 2017-01-01 00:00:00 */
        -3653,  /* 0 = 1960-01-01 00:00:00 */
        -3654,  /* -1 s = 1959-12-31 23:59:59 */
        911,    /* 4565*86400 s = 1972-06-30 23:59:60, the first leap second */
        912,    /* 4565*86400 + 1 s = 1972-07-01 00:00:00 */
        NAN
    };
    onc_frame *f = NULL;
    onc_error err;
    const onc_column *c;
    size_t i;

    CHECK(onc_statfile_read(DIR "edge.dta", ONC_FORMAT_DTA, &f, &err) == ONC_OK);
    if (f == NULL)
        return;
    /* .a labelled "Not assessed" and .z are missing; 2.5 and 4 unlabelled. */
    check_factor(g, "dta_grade", find_col(f, "grade", 0), f->n_rows, 1);
    c = find_col(f, "dtc", 0);
    CHECK(c != NULL && c->type == ONC_COL_DATE);
    check_values(g, "dta_dtc", c, f->n_rows);
    c = find_col(f, "dtC", 0);
    CHECK(c != NULL && c->type == ONC_COL_DATE && f->n_rows == 8);
    for (i = 0; c != NULL && c->type == ONC_COL_DATE && i < 8 && i < f->n_rows; i++)
        CHECK_CLOSE(c->num[i], dtC_days[i], 0);
    c = find_col(f, "month", 0);     /* %tm stays a number */
    CHECK(c != NULL && c->type == ONC_COL_NUMBER);
    check_values(g, "dta_month", c, f->n_rows);
    check_factor(g, "dta_note", find_col(f, "note", 0), f->n_rows, 0);
    c = find_col(f, "row", 0);       /* Stata long */
    CHECK(c != NULL && c->type == ONC_COL_INTEGER);
    onc_frame_free(f);
}

static void test_edge_sas(golden *g)
{
    static const struct { const char *name; onc_coltype type; const char *key; } cols[] = {
        {"row", ONC_COL_NUMBER, NULL},          /* no format: not known to be whole */
        {"score", ONC_COL_INTEGER, "xpt_score"},/* Z5., special missing .Z */
        {"best", ONC_COL_NUMBER, "xpt_best"},   /* BEST12. */
        {"d1", ONC_COL_DATE, "xpt_d1"},         /* DATE, no width */
        {"d2", ONC_COL_DATE, "xpt_d2"},         /* E8601DA10. */
        {"t1", ONC_COL_DATE, "xpt_t1"},         /* E8601DT19. */
        {"t2", ONC_COL_DATE, "xpt_t2"},         /* DTDATE9. */
        {"clock", ONC_COL_NUMBER, "xpt_clock"}  /* TIME8. */
    };
    onc_frame *f = NULL;
    onc_error err;
    size_t i;

    CHECK(onc_statfile_read(DIR "edge.xpt", ONC_FORMAT_AUTO, &f, &err) == ONC_OK);
    if (f == NULL)
        return;
    for (i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        const onc_column *c = find_col(f, cols[i].name, 0);
        CHECK(c != NULL && c->type == cols[i].type);
        if (cols[i].key != NULL)
            check_values(g, cols[i].key, c, f->n_rows);
    }
    onc_frame_free(f);
}

static void test_edge(void)
{
    golden *g = golden_load(DIR "edge.txt");

    test_edge_spss(g);
    test_edge_stata(g);
    test_edge_sas(g);
    golden_free(g);
}

/* ---- errors ------------------------------------------------------------ */

/* Replace the first occurrence of `from` after `after` (or anywhere) by `to`. */
static int patch(char *data, size_t len, const char *after, const char *from,
                 const char *to, size_t n)
{
    size_t start = 0, i;

    if (after != NULL) {
        size_t k = strlen(after);
        for (start = 0; start + k <= len && memcmp(data + start, after, k) != 0; start++)
            ;
        if (start + k > len)
            return 0;
    }
    for (i = start; i + n <= len; i++) {
        if (memcmp(data + i, from, n) == 0) {
            memcpy(data + i, to, n);
            return 1;
        }
    }
    return 0;
}

static void test_errors(void)
{
    onc_frame sentinel;
    onc_frame *f = &sentinel;        /* must be reset to NULL on failure */
    onc_error err;
    size_t len;
    char *data;
    static const char junk[] = "patient,arm\n1,A\n";

    CHECK(onc_statfile_read(DIR "no-such-file.sav", ONC_FORMAT_AUTO, &f, &err) == ONC_ERR_IO);
    CHECK(f == NULL);
    CHECK(strstr(err.message, "no-such-file.sav") != NULL);
    CHECK_STR(err.file, DIR "no-such-file.sav");

    CHECK(onc_statfile_read(DIR "roundtrip.csv", ONC_FORMAT_AUTO, &f, &err) ==
          ONC_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "onc_csv_read") != NULL);
    CHECK(onc_statfile_read_buffer(junk, sizeof junk - 1, ONC_FORMAT_AUTO, NULL, &f, &err) ==
          ONC_ERR_UNSUPPORTED);
    CHECK(f == NULL);
    CHECK(onc_statfile_read_buffer(junk, sizeof junk - 1, ONC_FORMAT_TSV, "x", &f, &err) ==
          ONC_ERR_UNSUPPORTED);
    CHECK(onc_statfile_read_buffer(NULL, 0, ONC_FORMAT_SAV, "empty.sav", &f, &err) ==
          ONC_ERR_PARSE);
    CHECK(strstr(err.message, "empty.sav") != NULL);
    CHECK(onc_statfile_read_buffer(NULL, 5, ONC_FORMAT_SAV, "x.sav", &f, &err) == ONC_ERR_USAGE);

    /* Not a Stata file, though called one. */
    CHECK(onc_statfile_read_buffer(junk, sizeof junk - 1, ONC_FORMAT_DTA, "fake.dta", &f,
                                   &err) == ONC_ERR_PARSE);
    CHECK(f == NULL);
    CHECK(strstr(err.message, "fake.dta") != NULL && strstr(err.message, "Stata") != NULL);

    /* Truncated files: every prefix of the SPSS and Stata files fails cleanly. */
    data = slurp(DIR "roundtrip.sav", &len);
    CHECK(data != NULL);
    if (data != NULL) {
        size_t cut;
        int all_failed = 1;
        for (cut = 0; cut < len; cut += 7) {
            onc_status rc = onc_statfile_read_buffer(data, cut, ONC_FORMAT_SAV, "cut.sav",
                                                     &f, &err);
            if (rc == ONC_OK) {
                all_failed = 0;
                onc_frame_free(f);
            } else if (rc != ONC_ERR_PARSE || f != NULL || err.message[0] == '\0') {
                all_failed = 0;
            }
        }
        CHECK(all_failed);
        /* A file declared UTF-8 holding another encoding: ReadStat's
        ** conversion fails, and says so. */
        CHECK(patch(data, len, NULL, "Leber", "Leb\xffr", 5));
        CHECK(onc_statfile_read_buffer(data, len, ONC_FORMAT_AUTO, "bad.sav", &f, &err) ==
              ONC_ERR_PARSE);
        CHECK(f == NULL && strstr(err.message, "bad.sav") != NULL);
        CHECK(strstr(err.message, "encoding") != NULL);
        free(data);
    }
    /* SAS transport files pass bytes through: invalid UTF-8 is caught here,
    ** naming the row and the column. */
    data = slurp(DIR "roundtrip.xpt", &len);
    CHECK(data != NULL);
    if (data != NULL) {
        CHECK(patch(data, len, NULL, "Leber", "Leb\xffr", 5));
        CHECK(onc_statfile_read_buffer(data, len, ONC_FORMAT_AUTO, "bad.xpt", &f, &err) ==
              ONC_ERR_PARSE);
        CHECK(f == NULL && err.row == 5 && strcmp(err.column, "site") == 0);
        CHECK(strstr(err.message, "UTF-8") != NULL);
        free(data);
    }
    data = slurp(DIR "roundtrip.dta", &len);
    CHECK(data != NULL);
    if (data != NULL) {
        size_t cut;
        int all_failed = 1;
        for (cut = 0; cut < len; cut += 13) {
            onc_status rc = onc_statfile_read_buffer(data, cut, ONC_FORMAT_DTA, "cut.dta",
                                                     &f, &err);
            if (rc == ONC_OK) {
                all_failed = 0;
                onc_frame_free(f);
            } else if ((rc != ONC_ERR_PARSE && rc != ONC_ERR_UNSUPPORTED) || f != NULL) {
                all_failed = 0;
            }
        }
        CHECK(all_failed);
        /* Two columns named `age`. */
        CHECK(patch(data, len, "<varnames>", "sex", "age", 4));
        CHECK(onc_statfile_read_buffer(data, len, ONC_FORMAT_DTA, "dup.dta", &f, &err) ==
              ONC_ERR_PARSE);
        CHECK(f == NULL && strcmp(err.column, "age") == 0);
        CHECK(strstr(err.message, "duplicate") != NULL);
        free(data);
    }
    /* A strL record whose text has no terminating NUL (found by fuzzing):
    ** refused before ReadStat would read past it. */
    CHECK(onc_statfile_read("tests/regress/fuzz_statfile-strl-unterminated", ONC_FORMAT_DTA,
                            &f, &err) == ONC_ERR_PARSE);
    CHECK(f == NULL && strstr(err.message, "strL") != NULL);
    /* A release 109 file whose value label set name fills its 9-byte field
    ** with no NUL (found by fuzzing): read within the field, then refused. */
    CHECK(onc_statfile_read("tests/regress/fuzz_statfile-label-set-name-unterminated",
                            ONC_FORMAT_DTA, &f, &err) != ONC_OK);
    CHECK(f == NULL && err.message[0] != '\0');
    CHECK(onc_statfile_read(NULL, ONC_FORMAT_AUTO, &f, &err) == ONC_ERR_USAGE);
    CHECK(onc_statfile_read("tests/data/roundtrip", ONC_FORMAT_AUTO, &f, &err) == ONC_ERR_IO);
    CHECK(strstr(err.message, "directory") != NULL);
}

int main(void)
{
    harness_set_name("test_statfile");
    test_format_names();
    test_roundtrip();
    test_buffer();
    test_edge();
    test_errors();
    return harness_finish();
}
