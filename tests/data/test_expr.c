/*
** test_expr.c -- expressions: parsing, normalised text, positions in error
** messages, and evaluation against R.
**
** Evaluation reference: tests/golden/data/expr_eval.R (same 10-row data
** set) writes tests/golden/data/expr_eval.txt, one line per expression, with
** the R spelling of each expression beside it in the script.  Positions in
** the error table are counted by hand and shown in the comments.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/expr.h"

#define GOLDEN "tests/golden/data/expr_eval.txt"
#define N 10
#define NA NAN

static golden *g;

/* The data of expr_eval.R. */
static const double d_age[N] = { 45, 61, NA, 72, 18, 55, 80, 17, 66, 59 };
static const double d_ecog[N] = { 0, 1, 2, NA, 0, 3, 1, 0, 2, 1 };
static const char *const vital_levels[] = { "alive", "dead" };
static const int32_t d_vital[N] = { 0, 1, -1, 1, 0, 0, 1, 0, -1, 1 };
static const char *const arm_levels[] = { "TACE", "Control", "RFA" };
static const int32_t d_arm[N] = { 0, 1, 0, 2, 1, 0, 2, 1, 0, 2 };
static const char *const arm2_levels[] = { "RFA", "TACE", "Control" };
static const int32_t d_arm2[N] = { 2, 2, 0, 0, 1, 1, 2, 2, 1, -1 };
/* A labelled variable: values 1, 2, 3 named G1, G2, G3. */
static const char *const grade_levels[] = { "G1", "G2", "G3" };
static const double grade_values[] = { 1, 2, 3 };
static const int32_t d_grade[N] = { 0, 1, 2, -1, 1, 0, 2, 1, -1, 0 };
static const double d_grade_num[N] = { 1, 2, 3, NA, 2, 1, 3, 2, NA, 1 };
static const char *const ecog_f_levels[] = { "unknown", "2", "1", "0" };
static const int32_t d_ecog_f[N] = { 3, 2, 0, 1, -1, 2, 3, 1, 0, 2 };
/* as.numeric(as.Date(...)) in R. */
static const double d_surg[N] = { 16495, 16587, 16815, NA, 16435, 16588, 17354, 16586, 16801,
                                  15764 };
static const double d_resp[N] = { 1, 0, 1, NA, 0, 1, 1, NA, 0, 1 };
static const double d_score[N] = { 3, 0, 2.5, 4, NA, 1, 0, 6, 2, 5 };

static onc_frame *make_frame(void)
{
    onc_frame *df = NULL;
    int ok = onc_frame_new(N, &df) == ONC_OK;

    ok = ok && onc_frame_add_numeric(df, "age", ONC_COL_NUMBER, d_age, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "ecog", ONC_COL_INTEGER, d_ecog, NULL) == ONC_OK;
    ok = ok && onc_frame_add_factor(df, "vital", d_vital, vital_levels, NULL, 2, NULL) == ONC_OK;
    ok = ok && onc_frame_add_factor(df, "vital status", d_vital, vital_levels, NULL, 2, NULL) ==
               ONC_OK;
    ok = ok && onc_frame_add_factor(df, "arm", d_arm, arm_levels, NULL, 3, NULL) == ONC_OK;
    ok = ok && onc_frame_add_factor(df, "arm2", d_arm2, arm2_levels, NULL, 3, NULL) == ONC_OK;
    ok = ok && onc_frame_add_factor(df, "grade", d_grade, grade_levels, grade_values, 3, NULL) ==
               ONC_OK;
    ok = ok && onc_frame_add_factor(df, "ecog_f", d_ecog_f, ecog_f_levels, NULL, 4, NULL) ==
               ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "surg", ONC_COL_DATE, d_surg, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "resp", ONC_COL_LOGICAL, d_resp, NULL) == ONC_OK;
    ok = ok && onc_frame_add_numeric(df, "score", ONC_COL_NUMBER, d_score, NULL) == ONC_OK;
    CHECK(ok);
    if (!ok) {
        onc_frame_free(df);
        return NULL;
    }
    return df;
}

static void check_vec(const double *values, size_t n, const char *key, double tol)
{
    size_t n_ref, i;
    const double *ref = golden_get(g, key, &n_ref);

    CHECK(ref != NULL && n_ref == n);
    if (ref == NULL || n_ref != n)
        return;
    for (i = 0; i < n; i++)
        CHECK_CLOSE(values[i], ref[i], tol);
}

static void test_data(void)
{
    check_vec(d_age, N, "data_age", 0);
    check_vec(d_ecog, N, "data_ecog", 0);
    check_vec(d_grade_num, N, "data_grade", 0);
    check_vec(d_surg, N, "data_surg", 0);
    check_vec(d_resp, N, "data_resp", 0);
    check_vec(d_score, N, "data_score", 0);
}

/* Expression -> golden key; the R spelling is in expr_eval.R. */
static const struct {
    const char *text;
    const char *key;
} eval_cases[] = {
    { "age >= 18", "e1" },
    { "age >= 60 and ecog in (0, 1)", "e2" },
    { "vital == \"dead\"", "e3" },
    { "vital != 'alive' | resp", "e4" },
    { "not resp", "e5" },
    { "missing(age) or is.na(vital)", "e6" },
    { "surg >= \"2015-06-01\"", "e7" },
    { "surg - 30 < \"2015-05-03\"", "e8" },
    { "score / (ecog - 1)", "e9" },
    { "-age * 2 + 1", "e10" },
    { "grade >= 2", "e11" },
    { "arm %in% c(\"TACE\") & !(age < 50)", "e12" },
    { "(age > 70 | ecog >= 2) & vital == \"dead\"", "e13" },
    { "resp && age > 60", "e14" },
    { "`vital status` == \"dead\"", "e15" },
    { "log(score)", "e16" },
    { "exp(-age / 100) + sqrt(score) - abs(score - 3)", "e17" },
    { "ecog_f >= 2", "e18" },
    { "arm == arm2", "e19" },
    { "TRUE & resp", "e20" },
    { "FALSE || resp", "e21" },
    { "\"a\" == \"a\"", "e22" },
    { "age %in% c(45, 60.5, 80)", "e23" },
    { "surg in ('2015-06-01', '2016-01-01')", "e24" },
    { "ecog_f %in% c(1, \"unknown\")", "e25" },
    { "grade == 3 | grade in (\"G1\")", "e26" },
    { "arm != \"TACE\" & !missing(arm2)", "e27" },
    { "-(-age) - -3 * 2 / (score + 1)", "e28" },
    { "(ecog * 1.5 > age / 30) == TRUE", "e29" },
    { "!(resp | vital == \"dead\")", "e30" },
    { "vital == arm", "e31" },
    { "grade", "e32" },
    { "ecog_f + 0", "e33" },
    { "surg - surg", "e34" },
    { "ecog + 1 in (1, 2) or score > 4", "e35" },
    { "vital == \"dead\" & resp | age < 18", "e36" },
};

static void test_eval(const onc_frame *df)
{
    double out[N];
    size_t c;

    for (c = 0; c < sizeof eval_cases / sizeof eval_cases[0]; c++) {
        onc_expr *e = NULL;
        onc_error err;
        onc_status rc = onc_expr_parse(eval_cases[c].text, &e, &err);
        if (rc == ONC_OK)
            rc = onc_expr_eval(e, df, out, &err);
        if (rc != ONC_OK)
            fprintf(stderr, "  %s: %s\n", eval_cases[c].text, err.message);
        CHECK(rc == ONC_OK);
        if (rc == ONC_OK)
            check_vec(out, N, eval_cases[c].key, 1e-14);
        onc_expr_free(e);
    }
}

/* The rules R does not share, checked by hand: a non-finite result is
** missing, and a missing x makes `x in (...)` missing. */
static void test_departures_from_r(const onc_frame *df)
{
    static const char *const texts[] = { "1 / 0 | resp", "log(score - score)", "age in (45)" };
    /* 1/0 is missing, so the result is resp with FALSE made missing;
    ** log(0) is missing wherever score is known or not; age[2] is NA. */
    static const double expect[3][N] = {
        { 1, NA, 1, NA, NA, 1, 1, NA, NA, 1 },
        { NA, NA, NA, NA, NA, NA, NA, NA, NA, NA },
        { 1, 0, NA, 0, 0, 0, 0, 0, 0, 0 },
    };
    double out[N];
    size_t c, i;

    for (c = 0; c < 3; c++) {
        onc_expr *e = NULL;
        onc_error err;
        CHECK(onc_expr_parse(texts[c], &e, &err) == ONC_OK);
        CHECK(onc_expr_eval(e, df, out, &err) == ONC_OK);
        for (i = 0; i < N; i++)
            CHECK_CLOSE(out[i], expect[c][i], 0);
        onc_expr_free(e);
    }
}

/* Normalised text; parsing it again must give the same text. */
static const struct {
    const char *text;
    const char *normal;
} text_cases[] = {
    { "age>=18", "age >= 18" },
    { "age >= 18 and ecog in (0, 1)", "age >= 18 & ecog %in% c(0, 1)" },
    { "not resp or missing(x)", "!resp | is.na(x)" },
    { "vital == 'Dead'", "vital == \"Dead\"" },
    { "x %in% c(-1, +2.5, 'a', TRUE)", "x %in% c(-1, 2.5, \"a\", TRUE)" },
    { "x in 3", "x %in% c(3)" },
    { "x in c(1)", "x %in% c(1)" },
    { "-(-x) - -3", "--x - -3" },
    { "a - (b - c)", "a - (b - c)" },
    { "(a - b) - c", "a - b - c" },
    { "a / (b * c)", "a / (b * c)" },
    { "(a | b) & c", "(a | b) & c" },
    { "a | b & c", "a | b & c" },
    { "(a & b) | c", "a & b | c" },
    { "a | (b | c)", "a | (b | c)" },
    { "!(a == 1)", "!a == 1" },
    { "(!a) == 1", "(!a) == 1" },
    { "!(a & b)", "!(a & b)" },
    { "(x + 1) in (2)", "x + 1 %in% c(2)" },
    { "(x in (1)) == FALSE", "(x %in% c(1)) == FALSE" },
    { "`vital status` == \"dead\"", "`vital status` == \"dead\"" },
    { "`in` > 1", "`in` > 1" },
    { "`a\\`b` == 1", "`a\\`b` == 1" },
    { "x == \"tab\\there\\\\\"", "x == \"tab\\there\\\\\"" },
    { "1e3 + .5 + 5. + 0.1", "1000 + 0.5 + 5 + 0.1" },
    { "x && y || z", "x & y | z" },
    { "TRUE", "TRUE" },
    { "log(x) + exp(abs(y)) * sqrt(z)", "log(x) + exp(abs(y)) * sqrt(z)" },
    { "a * -b", "a * -b" },
    { "is.na(a + b)", "is.na(a + b)" },
    { "x == 1e-300", "x == 1e-300" },
    { "x == 123456789012345678", "x == 1.2345678901234568e+17" },
    { "  \n\tx\n", "x" },
};

static void test_text(void)
{
    size_t c;

    for (c = 0; c < sizeof text_cases / sizeof text_cases[0]; c++) {
        onc_expr *e = NULL, *again = NULL;
        onc_error err;
        onc_status rc = onc_expr_parse(text_cases[c].text, &e, &err);
        if (rc != ONC_OK)
            fprintf(stderr, "  %s: %s\n", text_cases[c].text, err.message);
        CHECK(rc == ONC_OK);
        if (rc != ONC_OK)
            continue;
        CHECK_STR(onc_expr_text(e), text_cases[c].normal);
        CHECK(onc_expr_parse(onc_expr_text(e), &again, &err) == ONC_OK);
        if (again != NULL)
            CHECK_STR(onc_expr_text(again), text_cases[c].normal);
        onc_expr_free(again);
        onc_expr_free(e);
    }
    CHECK(onc_expr_text(NULL) == NULL);
    onc_expr_free(NULL);
}

typedef struct error_case {
    const char *text;
    onc_status status;
    size_t character;           /* 1-based position reported */
    const char *message;        /* must occur in the message */
} error_case;

/* Parse errors; positions counted by hand. */
static const error_case parse_errors[] = {
    /* "age >= " is 7 characters: the end is character 8. */
    { "age >= ", ONC_ERR_PARSE, 8, "expected a value (a number, text, column name or '('), "
                                   "found the end of the text" },
    { "(age > 1", ONC_ERR_PARSE, 9,
      "expression: syntax error at character 9: expected ')', found the end of the text\n"
      "  (age > 1\n"
      "          ^" },
    { "age > 1)", ONC_ERR_PARSE, 8, "unexpected ')' after a complete expression" },
    /* a1 _2 <3 _4 b5 _6 <7 */
    { "a < b < c", ONC_ERR_PARSE, 7, "comparisons cannot be chained" },
    { "x = 2", ONC_ERR_PARSE, 3, "unexpected '=' (use '==' to compare)" },
    { "\"abc", ONC_ERR_PARSE, 1, "unterminated text" },
    /* x1 _2 =3 =4 _5 '6 a7 \8 */
    { "x == 'a\\q'", ONC_ERR_PARSE, 8, "unknown escape" },
    { "`abc", ONC_ERR_PARSE, 1, "unterminated backquoted name" },
    { "``", ONC_ERR_PARSE, 1, "empty backquoted name" },
    { "foo(x)", ONC_ERR_PARSE, 1, "unknown function 'foo'" },
    /* m1 i2 s3 s4 i5 n6 g7 (8 x9 ,10 */
    { "missing(x, y)", ONC_ERR_PARSE, 10, "takes one argument" },
    /* x1 _2 %3 i4 n5 %6 _7 c8 (9 )10 */
    { "x %in% c()", ONC_ERR_PARSE, 10, "empty list" },
    /* x1 _2 i3 n4 _5 (6 a7 */
    { "x in (a, b)", ONC_ERR_PARSE, 7, "expected a number, a text, TRUE or FALSE in the list" },
    { "x %like% 1", ONC_ERR_PARSE, 3, "unexpected '%'" },
    { "a AND b", ONC_ERR_PARSE, 3, "(the operators are lower case: and, or, in)" },
    { "x == 1e999", ONC_ERR_PARSE, 6, "number out of range" },
    { "x ~ y", ONC_ERR_PARSE, 3, "unexpected '~'" },
    { "\xc3\xa9 == 1", ONC_ERR_PARSE, 1, "found '\xc3\xa9'" },
    /* Characters, not bytes: x1 _2 =3 =4 _5 "6 e-acute7 "8 _9 &10 _11 )12 */
    { "x == \"\xc3\xa9\" & )", ONC_ERR_PARSE, 12, "\n             ^" },
    { "", ONC_ERR_PARSE, 1, "found the end of the text" },
};

/* Evaluation errors on the test frame. */
static const error_case eval_errors[] = {
    /* v1 i2 t3 a4 l5 _6 =7 =8 _9 "10 */
    { "vital == \"Dead\"", ONC_ERR_DATA, 10,
      "'Dead' is not a level of 'vital' (levels: alive, dead)" },
    { "agee > 1", ONC_ERR_USAGE, 1, "unknown column 'agee' at character 1: did you mean 'age'?" },
    { "resp | xyz", ONC_ERR_USAGE, 8, "unknown column 'xyz'" },
    { "vital in (\"dead\", \"gone\")", ONC_ERR_DATA, 19, "'gone' is not a level of 'vital'" },
    { "age == \"60\"", ONC_ERR_DATA, 8,
      "cannot compare 'age' (a number) with the text \"60\"" },
    { "surg > \"2015-13-01\"", ONC_ERR_DATA, 8, "\"2015-13-01\" is not a date written YYYY-MM-DD" },
    { "surg > \"2015-02-29\"", ONC_ERR_DATA, 8, "is not a date" },
    { "surg in (\"2016-02-30\")", ONC_ERR_DATA, 10, "is not a date" },
    { "arm < \"TACE\"", ONC_ERR_DATA, 5, "the factor 'arm' has no order" },
    { "arm + 1", ONC_ERR_DATA, 1, "'arm' is a factor without numeric levels" },
    { "\"abc\"", ONC_ERR_DATA, 1, "text where a value is needed" },
    { "\"abc\" & resp", ONC_ERR_DATA, 1, "text where a value is needed" },
    { "resp == \"TRUE\"", ONC_ERR_DATA, 9, "cannot compare 'resp' (a logical value) with the text" },
    { "age in (\"x\")", ONC_ERR_DATA, 9, "cannot compare 'age' (a number) with the text \"x\"" },
};

/* "at character N" must name the expected position. */
static void check_error(const onc_error *err, onc_status rc, const error_case *ec)
{
    char at[48];

    CHECK(rc == ec->status);
    snprintf(at, sizeof at, "at character %zu", ec->character);
    if (strstr(err->message, at) == NULL || strstr(err->message, ec->message) == NULL) {
        CHECK_STR(err->message, ec->message);
        fprintf(stderr, "  (expected %s)\n", at);
    } else {
        CHECK(1);
    }
}

static void test_errors(const onc_frame *df)
{
    double out[N];
    size_t c;

    for (c = 0; c < sizeof parse_errors / sizeof parse_errors[0]; c++) {
        onc_expr *e = (onc_expr *)1;
        onc_error err;
        onc_status rc = onc_expr_parse(parse_errors[c].text, &e, &err);
        CHECK(e == NULL);
        check_error(&err, rc, &parse_errors[c]);
    }
    for (c = 0; c < sizeof eval_errors / sizeof eval_errors[0]; c++) {
        onc_expr *e = NULL;
        onc_error err;
        onc_status rc = onc_expr_parse(eval_errors[c].text, &e, &err);
        CHECK(rc == ONC_OK);
        if (rc == ONC_OK)
            rc = onc_expr_eval(e, df, out, &err);
        check_error(&err, rc, &eval_errors[c]);
        onc_expr_free(e);
    }
}

/* Caps on nesting and length, and the window shown for long texts. */
static void test_limits(void)
{
    size_t n = ONC_EXPR_MAX_LENGTH + 10, i;
    char *text = malloc(n + 1);
    onc_expr *e = NULL;
    onc_error err;

    /* 300 nested parentheses. */
    for (i = 0; i < 300; i++)
        text[i] = '(';
    text[300] = 'x';
    for (i = 0; i < 300; i++)
        text[301 + i] = ')';
    text[601] = '\0';
    CHECK(onc_expr_parse(text, &e, &err) == ONC_ERR_LIMIT && e == NULL);
    /* 255 parentheses are fine. */
    CHECK(onc_expr_parse(text + 45, &e, &err) == ONC_ERR_PARSE);
    memmove(text, text + 45, strlen(text + 45) + 1);
    text[255 + 1 + 255] = '\0';
    CHECK(onc_expr_parse(text, &e, &err) == ONC_OK);
    onc_expr_free(e);
    /* A chain of 300 additions is 300 deep. */
    for (i = 0; i < 300; i++) {
        text[2 * i] = 'a';
        text[2 * i + 1] = '+';
    }
    text[599] = '\0';
    CHECK(onc_expr_parse(text, &e, &err) == ONC_ERR_LIMIT);
    CHECK(strstr(err.message, "too deep") != NULL);
    /* 300 unary minus signs. */
    memset(text, '-', 300);
    text[300] = 'x';
    text[301] = '\0';
    CHECK(onc_expr_parse(text, &e, &err) == ONC_ERR_LIMIT);
    /* Too long. */
    memset(text, ' ', n);
    text[0] = 'x';
    text[n] = '\0';
    CHECK(onc_expr_parse(text, &e, &err) == ONC_ERR_LIMIT);
    /* A long text is shown as a window with the caret under the position:
    ** 200 spaces, then "x ==" with nothing after it. */
    memset(text, ' ', 200);
    memcpy(text + 200, "x ==", 5);
    CHECK(onc_expr_parse(text, &e, &err) == ONC_ERR_PARSE);
    CHECK(strstr(err.message, "at character 205") != NULL);
    {
        const char *line = strchr(err.message, '\n');
        const char *caret = line != NULL ? strchr(line + 1, '\n') : NULL;
        /* The caret sits under the character after "x ==". */
        CHECK(line != NULL && caret != NULL && strncmp(line + 1, "  ...", 5) == 0);
        if (line != NULL && caret != NULL) {
            size_t col = strlen(caret + 1) - 1;   /* index of '^' in the caret line */
            CHECK(caret[1 + col] == '^');
            CHECK(strncmp(line + 1 + col - 4, "x ==", 4) == 0);
        }
    }
    free(text);
}

/* Helpers for parsers that embed expressions. */
static void test_embedding(void)
{
    static const char *formula = "Surv(time, status == 2) ~ arm";
    static const char *bad = "Surv(time, status == ) ~ x";
    static const struct {
        const char *text;
        size_t length;
        const char *name;
    } names[] = {
        { "abc+1", 3, "abc" }, { "`a b`c", 5, "a b" }, { "`a\\`b`", 6, "a`b" },
        { "1abc", 0, NULL }, { ".5", 0, NULL }, { "._x", 3, "._x" }, { "+", 0, NULL },
    };
    static const struct {
        const char *name, *quoted;
    } quotes[] = {
        { "abc", "abc" }, { "a b", "`a b`" }, { "in", "`in`" }, { "TRUE", "`TRUE`" },
        { ".5x", "`.5x`" }, { "a`b", "`a\\`b`" }, { "x.1_y", "x.1_y" },
    };
    onc_expr *e = NULL;
    onc_error err;
    size_t end = 0, offset = 0, len, k;
    char *name;

    CHECK(onc_expr_parse_at(formula, 11, "formula", &e, &end, &err) == ONC_OK);
    CHECK(end == 22);
    CHECK(onc_expr_offset(e) == 11);
    CHECK_STR(onc_expr_text(e), "status == 2");
    CHECK(onc_expr_n_columns(e) == 1);
    CHECK_STR(onc_expr_column(e, 0, &offset), "status");
    CHECK(offset == 11);
    CHECK(onc_expr_column(e, 1, NULL) == NULL);
    CHECK(onc_expr_bare_column(e) == NULL);
    onc_expr_free(e);

    /* Positions are in the whole text: S1 ... )22 is character 22. */
    CHECK(onc_expr_parse_at(bad, 11, "formula", &e, &end, &err) == ONC_ERR_PARSE);
    CHECK(strncmp(err.message, "formula: syntax error at character 22", 37) == 0);

    CHECK(onc_expr_parse("b + a * b + missing(c)", &e, &err) == ONC_OK);
    CHECK(onc_expr_n_columns(e) == 3);
    CHECK_STR(onc_expr_column(e, 0, &offset), "b");
    CHECK(offset == 0);
    CHECK_STR(onc_expr_column(e, 1, &offset), "a");
    CHECK(offset == 4);
    CHECK_STR(onc_expr_column(e, 2, &offset), "c");
    CHECK(offset == 20);
    onc_expr_free(e);

    CHECK(onc_expr_parse("`vital status`", &e, &err) == ONC_OK);
    CHECK_STR(onc_expr_bare_column(e), "vital status");
    onc_expr_free(e);

    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        CHECK(onc_expr_scan_name(names[k].text, 0, "test", &len, &name, &err) == ONC_OK);
        CHECK(len == names[k].length);
        if (names[k].name != NULL)
            CHECK_STR(name, names[k].name);
        else
            CHECK(name == NULL);
        free(name);
    }
    for (k = 0; k < sizeof quotes / sizeof quotes[0]; k++) {
        char *q = onc_expr_quote_name(quotes[k].name);
        CHECK_STR(q, quotes[k].quoted);
        free(q);
    }
}

/* Many rows: evaluation runs in blocks; the rule is applied by hand. */
static void test_blocks(void)
{
    size_t n = 5000, i;
    double *x = malloc(n * sizeof *x), *out = malloc(n * sizeof *out);
    onc_frame *df = NULL;
    onc_expr *e = NULL;
    onc_error err;

    for (i = 0; i < n; i++)
        x[i] = i % 1000 == 999 ? NA : (double)i;
    CHECK(onc_frame_new(n, &df) == ONC_OK);
    CHECK(onc_frame_add_numeric(df, "x", ONC_COL_NUMBER, x, NULL) == ONC_OK);
    CHECK(onc_expr_parse("x * 2 + 1 > 100 & !(x in (7, 4000)) | missing(x)", &e, &err) == ONC_OK);
    CHECK(onc_expr_eval(e, df, out, &err) == ONC_OK);
    for (i = 0; i < n; i++) {
        /* NA & NA is NA; NA | TRUE is TRUE. */
        double want = isnan(x[i]) ? 1.0 : (2 * x[i] + 1 > 100 && x[i] != 7 && x[i] != 4000);
        if (out[i] != want) {
            CHECK_CLOSE(out[i], want, 0);
            break;
        }
    }
    CHECK(i == n);
    onc_expr_free(e);
    onc_frame_free(df);
    free(x);
    free(out);
}

int main(void)
{
    onc_frame *df;

    harness_set_name("test_expr");
    g = golden_load(GOLDEN);
    df = make_frame();
    test_data();
    if (df != NULL) {
        test_eval(df);
        test_departures_from_r(df);
        test_errors(df);
    }
    test_text();
    test_limits();
    test_embedding();
    test_blocks();
    onc_frame_free(df);
    golden_free(g);
    return harness_finish();
}
