/*
** fuzz_formula.c -- libFuzzer target: arbitrary bytes as a formula and as
** an expression.
**
** Besides memory errors it checks two properties and aborts when either
** fails: the normalised text of anything that parses parses again (for an
** expression, to the very same text, and for a formula, to the same number
** of terms), and every failure comes with a message.  Whatever parses is
** also evaluated, and built into a model frame, over a small frame that has
** the column types the library knows.
**
**   make fuzz && build-fuzz/fuzz_formula fuzz/corpus/fuzz_formula
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/model.h"

#define FUZZ_ROWS 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static onc_frame *fuzz_frame(void)
{
    static const double time[FUZZ_ROWS] = { 5, 0, 3.5, 20, 8, 15 };
    static const double status[FUZZ_ROWS] = { 2, 1, 2, NAN, 1, 2 };
    static const double age[FUZZ_ROWS] = { 61, NAN, 48, 70, 55, 66 };
    static const double date[FUZZ_ROWS] = { 16495, 16587, NAN, 0, -365, 17354 };
    static const double flag[FUZZ_ROWS] = { 1, 0, NAN, 1, 0, 1 };
    static const double w[FUZZ_ROWS] = { 1, 0, 2, 0.5, 1, 1 };
    static const int32_t arm[FUZZ_ROWS] = { 0, 1, 2, 0, -1, 1 };
    static const char *const arm_levels[] = { "TACE", "Control", "RFA" };
    static const int32_t grade[FUZZ_ROWS] = { 0, 1, 1, -1, 0, 1 };
    static const char *const grade_levels[] = { "G1", "G2" };
    static const double grade_values[] = { 1, 2 };
    onc_frame *df = NULL;

    if (onc_frame_new(FUZZ_ROWS, &df) != ONC_OK)
        return NULL;
    if (onc_frame_add_numeric(df, "time", ONC_COL_NUMBER, time, NULL) != ONC_OK ||
        onc_frame_add_numeric(df, "status", ONC_COL_INTEGER, status, NULL) != ONC_OK ||
        onc_frame_add_numeric(df, "age", ONC_COL_NUMBER, age, NULL) != ONC_OK ||
        onc_frame_add_numeric(df, "d", ONC_COL_DATE, date, NULL) != ONC_OK ||
        onc_frame_add_numeric(df, "flag", ONC_COL_LOGICAL, flag, NULL) != ONC_OK ||
        onc_frame_add_numeric(df, "w", ONC_COL_NUMBER, w, NULL) != ONC_OK ||
        onc_frame_add_factor(df, "arm", arm, arm_levels, NULL, 3, NULL) != ONC_OK ||
        onc_frame_add_factor(df, "vital status", grade, grade_levels, grade_values, 2, NULL) !=
            ONC_OK) {
        onc_frame_free(df);
        return NULL;
    }
    return df;
}

static void fuzz_require(int ok)
{
    if (!ok)
        abort();
}

static void fuzz_formula(const char *text, const onc_frame *df)
{
    static const onc_ref_level refs[] = { { "arm", "RFA" }, { "age", "48" } };
    onc_model_options opt = { "w", refs, 2, 1 };
    onc_formula *f = NULL, *again = NULL;
    onc_model *m = NULL;
    onc_exclusions ex;
    onc_error err;
    onc_status rc = onc_formula_parse(text, &f, &err);

    if (rc != ONC_OK) {
        fuzz_require(f == NULL && err.message[0] != '\0');
        return;
    }
    fuzz_require(onc_formula_parse(f->text, &again, &err) == ONC_OK);
    fuzz_require(again->n_terms == f->n_terms && again->kind == f->kind);
    onc_formula_free(again);
    if (df != NULL) {
        rc = onc_model_build(df, f, NULL, &m, &ex, &err);
        fuzz_require((rc == ONC_OK) == (m != NULL));
        fuzz_require(rc == ONC_OK || err.message[0] != '\0');
        if (m != NULL)
            fuzz_require(m->n + ex.n_excluded == FUZZ_ROWS && m->n_groups >= 1);
        onc_model_free(m);
        onc_exclusions_clear(&ex);
        rc = onc_model_build(df, f, &opt, &m, &ex, &err);
        fuzz_require((rc == ONC_OK) == (m != NULL));
        onc_model_free(m);
        onc_exclusions_clear(&ex);
    }
    onc_formula_free(f);
}

static void fuzz_expression(const char *text, const onc_frame *df)
{
    onc_expr *e = NULL, *again = NULL;
    onc_error err;
    double out[FUZZ_ROWS];
    onc_status rc = onc_expr_parse(text, &e, &err);

    if (rc != ONC_OK) {
        fuzz_require(e == NULL && err.message[0] != '\0');
        return;
    }
    fuzz_require(onc_expr_parse(onc_expr_text(e), &again, &err) == ONC_OK);
    fuzz_require(strcmp(onc_expr_text(again), onc_expr_text(e)) == 0);
    onc_expr_free(again);
    if (df != NULL) {
        rc = onc_expr_eval(e, df, out, &err);
        fuzz_require(rc == ONC_OK || err.message[0] != '\0');
    }
    onc_expr_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onc_frame *df;
    char *text;

    if (size > 4096)
        return 0;
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    df = fuzz_frame();
    fuzz_formula(text, df);
    fuzz_expression(text, df);
    onc_frame_free(df);
    free(text);
    return 0;
}
