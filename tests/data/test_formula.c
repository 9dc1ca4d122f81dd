/*
** test_formula.c -- formulas: structure, term expansion and order, errors.
**
** Term labels are R's: attr(terms(formula), "term.labels") in R 4.2.2,
** printed with
**   Rscript -e 'f <- function(x) cat(paste(attr(terms(x), "term.labels"),
**                                          collapse = " | "), "\n"); f(y ~ b:a + a)'
** and copied into the table below (the R call is in each comment).
** Positions in the error table are counted by hand in the comments.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oncostat/formula.h"

typedef struct formula_case {
    const char *text;
    onc_response_kind kind;
    const char *response;       /* response texts joined by " ; " */
    const char *terms;          /* term labels joined by " | " */
    const char *strata;         /* joined by " | " */
    const char *cluster;        /* or NULL */
    const char *offset;         /* normalised, or NULL */
    const char *normal;         /* normalised formula */
} formula_case;

static const formula_case cases[] = {
    { "Surv(time, status) ~ arm + age", ONC_RESPONSE_SURV, "time ; status", "arm | age", "",
      NULL, NULL, "Surv(time, status) ~ arm + age" },
    /* R: y ~ arm * age + factor(ecog) + arm:age -> arm | age | factor(ecog) | arm:age */
    { "Surv(time, status == 2) ~ arm * age + factor(ecog) + strata(center) + arm:age + "
      "cluster(id)", ONC_RESPONSE_SURV, "time ; status == 2", "arm | age | factor(ecog) | arm:age",
      "center", "id", NULL,
      "Surv(time, status == 2) ~ arm + age + factor(ecog) + arm:age + strata(center) + "
      "cluster(id)" },
    { "Surv(start, stop, event) ~ arm", ONC_RESPONSE_COUNTING, "start ; stop ; event", "arm", "",
      NULL, NULL, "Surv(start, stop, event) ~ arm" },
    { "~ 1", ONC_RESPONSE_NONE, "", "", "", NULL, NULL, "~ 1" },
    /* R: ~a * b * c -> a | b | c | a:b | a:c | b:c | a:b:c */
    { "~ a*b*c", ONC_RESPONSE_NONE, "", "a | b | c | a:b | a:c | b:c | a:b:c", "", NULL, NULL,
      "~ a + b + c + a:b + a:c + b:c + a:b:c" },
    /* R: y ~ b:a + a -> a | b:a */
    { "y ~ b:a + a", ONC_RESPONSE_VALUE, "y", "a | b:a", "", NULL, NULL, "y ~ a + b:a" },
    /* R: y ~ (a + b):(c + d) -> a:c | a:d | b:c | b:d */
    { "y ~ (a + b):(c + d)", ONC_RESPONSE_VALUE, "y", "a:c | a:d | b:c | b:d", "", NULL, NULL,
      "y ~ a:c + a:d + b:c + b:d" },
    /* R: y ~ (a + b) * c -> a | b | c | a:c | b:c */
    { "y ~ (a + b)*c", ONC_RESPONSE_VALUE, "y", "a | b | c | a:c | b:c", "", NULL, NULL,
      "y ~ a + b + c + a:c + b:c" },
    /* R: y ~ (a + b) * (c + d) -> a | b | c | d | a:c | a:d | b:c | b:d */
    { "y ~ (a + b) * (c + d)", ONC_RESPONSE_VALUE, "y", "a | b | c | d | a:c | a:d | b:c | b:d",
      "", NULL, NULL, "y ~ a + b + c + d + a:c + a:d + b:c + b:d" },
    /* R: y ~ a + a + a:b + b:a -> a | a:b */
    { "y ~ a + a + a:b + b:a", ONC_RESPONSE_VALUE, "y", "a | a:b", "", NULL, NULL, "y ~ a + a:b" },
    /* R: y ~ factor(e) + e + factor(e):e -> factor(e) | e | factor(e):e */
    { "y ~ factor(e) + e + factor(e):e", ONC_RESPONSE_VALUE, "y", "factor(e) | e | factor(e):e",
      "", NULL, NULL, "y ~ factor(e) + e + factor(e):e" },
    /* R: y ~ a:b:c + a * b -> a | b | a:b | a:b:c */
    { "y ~ a:b:c + a*b", ONC_RESPONSE_VALUE, "y", "a | b | a:b | a:b:c", "", NULL, NULL,
      "y ~ a + b + a:b + a:b:c" },
    /* R: y ~ `my var` + factor(`ecog score`) -> `my var` | factor(`ecog score`) */
    { "Surv(t, vital == \"Dead\") ~ `my var` + factor(`ecog score`)", ONC_RESPONSE_SURV,
      "t ; vital == \"Dead\"", "`my var` | factor(`ecog score`)", "", NULL, NULL,
      "Surv(t, vital == \"Dead\") ~ `my var` + factor(`ecog score`)" },
    { "outcome ~ arm + offset(log(pt))", ONC_RESPONSE_VALUE, "outcome", "arm", "", NULL, "log(pt)",
      "outcome ~ arm + offset(log(pt))" },
    { "response %in% c('CR', 'PR') ~ arm", ONC_RESPONSE_VALUE, "response %in% c(\"CR\", \"PR\")",
      "arm", "", NULL, NULL, "response %in% c(\"CR\", \"PR\") ~ arm" },
    { "Surv(t, s) ~ strata(a) + strata(b, a) + x", ONC_RESPONSE_SURV, "t ; s", "x", "a | b",
      NULL, NULL, "Surv(t, s) ~ x + strata(a, b)" },
    { "Surv(t, CNSR == 0) ~ 1 + arm", ONC_RESPONSE_SURV, "t ; CNSR == 0", "arm", "", NULL, NULL,
      "Surv(t, CNSR == 0) ~ arm" },
    { "Surv(days / 30.4375) ~ x", ONC_RESPONSE_SURV, "days / 30.4375", "x", "", NULL, NULL,
      "Surv(days / 30.4375) ~ x" },
    { "Surv(t,s)~x:y", ONC_RESPONSE_SURV, "t ; s", "x:y", "", NULL, NULL, "Surv(t, s) ~ x:y" },
    { "Surv(t, s) ~ strata(center)", ONC_RESPONSE_SURV, "t ; s", "", "center", NULL, NULL,
      "Surv(t, s) ~ strata(center)" },
    { " \n~\ta\n", ONC_RESPONSE_NONE, "", "a", "", NULL, NULL, "~ a" },
    /* Surv is only special when called. */
    { "Surv ~ x", ONC_RESPONSE_VALUE, "Surv", "x", "", NULL, NULL, "Surv ~ x" },
};

/* The variables of term k as a sorted, ':'-joined key (order-free). */
static void term_key(const onc_formula *f, size_t k, char *buf, size_t cap)
{
    const char *names[ONC_FORMULA_MAX_ORDER];
    size_t n = f->terms[k].order, i, j, used = 0;

    for (i = 0; i < n; i++)
        names[i] = f->terms[k].vars[i].name;
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    buf[0] = '\0';
    for (i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s%s", i ? ":" : "",
                                 f->terms[k].vars[i].as_factor ? "factor " : "", names[i]);
}

/* Join strings with a separator into buf. */
static void join(char *buf, size_t cap, const char *sep, const char *s)
{
    size_t used = strlen(buf);

    if (used > 0)
        used += (size_t)snprintf(buf + used, cap - used, "%s", sep);
    if (used < cap)
        snprintf(buf + used, cap - used, "%s", s);
}

static void test_structure(void)
{
    size_t c, k;

    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const formula_case *fc = &cases[c];
        onc_formula *f = NULL, *again = NULL;
        onc_error err;
        char buf[512];
        onc_status rc = onc_formula_parse(fc->text, &f, &err);

        if (rc != ONC_OK)
            fprintf(stderr, "  %s: %s\n", fc->text, err.message);
        CHECK(rc == ONC_OK);
        if (rc != ONC_OK)
            continue;
        CHECK(f->kind == fc->kind);
        buf[0] = '\0';
        for (k = 0; k < f->n_response; k++)
            join(buf, sizeof buf, " ; ", onc_expr_text(f->response[k]));
        CHECK_STR(buf, fc->response);
        buf[0] = '\0';
        for (k = 0; k < f->n_terms; k++)
            join(buf, sizeof buf, " | ", f->terms[k].label);
        CHECK_STR(buf, fc->terms);
        buf[0] = '\0';
        for (k = 0; k < f->n_strata; k++)
            join(buf, sizeof buf, " | ", f->strata[k].name);
        CHECK_STR(buf, fc->strata);
        if (fc->cluster == NULL)
            CHECK(f->cluster == NULL);
        else if (f->cluster == NULL)
            CHECK(f->cluster != NULL);
        else
            CHECK_STR(f->cluster->name, fc->cluster);
        if (fc->offset == NULL)
            CHECK(f->offset == NULL);
        else
            CHECK_STR(onc_expr_text(f->offset), fc->offset);
        CHECK_STR(onc_formula_text(f), fc->normal);
        CHECK_STR(f->source, fc->text);
        /* The normalised text reads back to the same terms.  As in R, the
        ** variables of an interaction may then be named in another order
        ** (`y ~ a + b:a` is read as a + a:b), so terms compare as sets. */
        CHECK(onc_formula_parse(f->text, &again, &err) == ONC_OK);
        if (again != NULL) {
            CHECK(again->n_terms == f->n_terms && again->kind == f->kind &&
                  again->n_strata == f->n_strata);
            for (k = 0; k < f->n_terms && k < again->n_terms; k++) {
                char a[256], b[256];
                term_key(f, k, a, sizeof a);
                term_key(again, k, b, sizeof b);
                CHECK_STR(b, a);
            }
        }
        onc_formula_free(again);
        onc_formula_free(f);
    }
    onc_formula_free(NULL);
    CHECK(onc_formula_text(NULL) == NULL);
}

/* Variables of terms: names, factor() flags, orders and positions. */
static void test_variables(void)
{
    /* Byte offsets: ~24 _25 f26 a27 c28 t29 o30 r31 (32 e33; arm 41, age 45, `my var` 51 */
    static const char *text = "Surv(time, status == 2) ~ factor(ecog) + arm:age + `my var`";
    onc_formula *f = NULL;
    onc_error err;

    CHECK(onc_formula_parse(text, &f, &err) == ONC_OK);
    if (f == NULL)
        return;
    CHECK(f->n_terms == 3 && f->n_response == 2);
    if (f->n_terms == 3) {
        CHECK(f->terms[0].order == 1);
        CHECK_STR(f->terms[0].vars[0].name, "ecog");
        CHECK(f->terms[0].vars[0].as_factor == 1);
        CHECK(f->terms[0].vars[0].offset == 33);
        CHECK_STR(f->terms[1].label, "`my var`");
        CHECK_STR(f->terms[1].vars[0].name, "my var");
        CHECK(f->terms[1].vars[0].offset == 51);
        CHECK(f->terms[2].order == 2);
        CHECK_STR(f->terms[2].vars[0].name, "arm");
        CHECK(f->terms[2].vars[0].as_factor == 0);
        CHECK(f->terms[2].vars[0].offset == 41);
        CHECK_STR(f->terms[2].vars[1].name, "age");
        CHECK(f->terms[2].vars[1].offset == 45);
    }
    CHECK(onc_expr_offset(f->response[1]) == 11);
    CHECK_STR(onc_expr_column(f->response[1], 0, NULL), "status");
    onc_formula_free(f);
}

typedef struct error_case {
    const char *text;
    onc_status status;
    size_t character;
    const char *message;
} error_case;

static const error_case errors[] = {
    /* S1 u2 r3 v4 (5 t6 i7 m8 e9 ,10 _11 s12 ... s17 _18 ~19 */
    { "Surv(time, status ~ arm", ONC_ERR_PARSE, 19,
      "formula: syntax error at character 19: expected ',' or ')'\n"
      "  Surv(time, status ~ arm\n"
      "                    ^" },
    /* ... )18 _19 a20 */
    { "Surv(time, status) arm", ONC_ERR_PARSE, 20, "expected '~'" },
    { "Surv(time, status)", ONC_ERR_PARSE, 19, "expected '~' (a formula reads" },
    /* S1 u2 r3 v4 (5 t6 ,7 _8 s9 )10 _11 ~12, then the end */
    { "Surv(t, s) ~", ONC_ERR_PARSE, 13, "expected a term after '~'" },
    /* ~12 _13 a14 _15 -16 */
    { "Surv(t, s) ~ a - 1", ONC_ERR_PARSE, 16, "removing terms" },
    { "Surv(t, s) ~ 0 + a", ONC_ERR_PARSE, 14, "removing the intercept" },
    { "Surv(t, s) ~ a^2", ONC_ERR_PARSE, 15, "'^' is not supported" },
    { "Surv(t, s) ~ log(a)", ONC_ERR_PARSE, 14, "unsupported function 'log'" },
    { "Surv(t, s) ~ .", ONC_ERR_PARSE, 14, "'.' is not supported" },
    /* s14 t15 r16 a17 t18 a19 (20 a21 )22 :23 */
    { "Surv(t, s) ~ strata(a):b", ONC_ERR_PARSE, 23, "cannot be part of an interaction" },
    { "Surv(t, s) ~ a:strata(b)", ONC_ERR_PARSE, 15, "cannot be part of an interaction" },
    { "Surv(t, s) ~ a * offset(b)", ONC_ERR_PARSE, 16, "cannot be part of an interaction" },
    /* (14 a15 _16 +17 _18 s19 */
    { "Surv(t, s) ~ (a + strata(b))", ONC_ERR_PARSE, 19, "strata() inside parentheses" },
    /* cluster(a) is 14-23, _24 +25 _26 c27 */
    { "Surv(t, s) ~ cluster(a) + cluster(b)", ONC_ERR_PARSE, 27, "second cluster()" },
    { "Surv(t, s) ~ offset(a) + offset(b)", ONC_ERR_PARSE, 26, "second offset()" },
    /* S1 u2 r3 v4 (5 a6 ,7 _8 b9 ,10 _11 c12 ,13 _14 d15 */
    { "Surv(a, b, c, d) ~ x", ONC_ERR_PARSE, 15, "too many Surv() arguments" },
    { "Surv() ~ x", ONC_ERR_PARSE, 6, "expected a value" },
    { "Surv(t, s = 1) ~ x", ONC_ERR_PARSE, 11, "expected ',' or ')'" },
    /* ~1 _2 f3 a4 c5 t6 o7 r8 (9 a10 ,11 */
    { "~ factor(a, b)", ONC_ERR_PARSE, 11, "factor() takes one column name" },
    { "~ factor(1)", ONC_ERR_PARSE, 10, "expected a column name in factor()" },
    { "~ strata()", ONC_ERR_PARSE, 10, "expected a column name in strata()" },
    { "y ~ x ~ z", ONC_ERR_PARSE, 7, "a formula has one '~'" },
    { "Surv(t, s) ~ a b", ONC_ERR_PARSE, 16, "expected '+', ':', '*' or the end of the formula" },
    { "~ Surv(t, s)", ONC_ERR_PARSE, 3, "Surv() belongs on the left of '~'" },
    { "~ 2", ONC_ERR_PARSE, 3, "unexpected number" },
    { "~ (1)", ONC_ERR_PARSE, 4, "the intercept 1 must be a term of its own" },
    { "~ 1:a", ONC_ERR_PARSE, 4, "cannot be part of an interaction" },
    { "~ (a + b", ONC_ERR_PARSE, 9, "expected ')'" },
    { "~ `a", ONC_ERR_PARSE, 3, "unterminated backquoted name" },
    { "Surv(t, s) ~ offset(log(x)", ONC_ERR_PARSE, 27, "expected ')'" },
    { "y + ~ x", ONC_ERR_PARSE, 5, "expected a value" },
    { "", ONC_ERR_PARSE, 1, "expected a value" },
    /* 2^11 - 1 terms */
    { "~ a1*a2*a3*a4*a5*a6*a7*a8*a9*a10*a11", ONC_ERR_LIMIT, 0, "more than 1024 terms" },
    { "~ a1:a2:a3:a4:a5:a6:a7:a8:a9:a10:a11:a12:a13:a14:a15:a16:a17", ONC_ERR_LIMIT, 0,
      "more than 16 variables in one interaction" },
};

static void test_errors(void)
{
    size_t c;
    char *long_text;

    for (c = 0; c < sizeof errors / sizeof errors[0]; c++) {
        const error_case *ec = &errors[c];
        onc_formula *f = (onc_formula *)1;
        onc_error err;
        char at[48];
        onc_status rc = onc_formula_parse(ec->text, &f, &err);

        CHECK(rc == ec->status);
        CHECK(f == NULL);
        snprintf(at, sizeof at, "at character %zu", ec->character);
        if (strstr(err.message, ec->message) == NULL ||
            (ec->character > 0 && strstr(err.message, at) == NULL)) {
            CHECK_STR(err.message, ec->message);
            fprintf(stderr, "  (%s: expected %s)\n", ec->text, at);
        } else {
            CHECK(1);
        }
    }
    long_text = malloc(ONC_EXPR_MAX_LENGTH + 10);
    memset(long_text, ' ', ONC_EXPR_MAX_LENGTH + 9);
    memcpy(long_text, "~ x", 3);
    long_text[ONC_EXPR_MAX_LENGTH + 9] = '\0';
    {
        onc_formula *f = NULL;
        onc_error err;
        CHECK(onc_formula_parse(long_text, &f, &err) == ONC_ERR_LIMIT);
    }
    free(long_text);

    /* 2900 copies of a 10-way product, each expanding to 1023 terms. */
    long_text = malloc(2900 * 22 + 8);
    memcpy(long_text, "~ a*b*c*d*e*f*g*h*i*j", 21);
    for (c = 1; c < 2900; c++)
        memcpy(long_text + 21 + 22 * (c - 1), " + a*b*c*d*e*f*g*h*i*j", 22);
    long_text[21 + 22 * 2899] = '\0';
    {
        onc_formula *f = NULL;
        onc_error err;
        CHECK(onc_formula_parse(long_text, &f, &err) == ONC_ERR_LIMIT);
        CHECK(strstr(err.message, "formula too complex") != NULL);
    }
    free(long_text);
}

int main(void)
{
    harness_set_name("test_formula");
    test_structure();
    test_variables();
    test_errors();
    return harness_finish();
}
