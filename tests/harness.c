/*
** harness.c -- see harness.h.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int n_pass, n_fail;
static const char *test_name = "tests";

void harness_set_name(const char *name) { test_name = name; }

static void fail(const char *file, int line, const char *what)
{
    n_fail++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
}

void harness_check(int ok, const char *expr, const char *file, int line)
{
    if (ok)
        n_pass++;
    else
        fail(file, line, expr);
}

static int same_special(double a, double b, int *decided)
{
    *decided = 1;
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b))
        return a == b;
    *decided = 0;
    return 0;
}

void harness_close(double a, double b, double tol, const char *expr,
                   const char *file, int line)
{
    int decided, ok = same_special(a, b, &decided);
    char msg[512];

    if (!decided)
        ok = fabs(a - b) <= tol * fmax(1.0, fabs(b));
    if (ok) {
        n_pass++;
        return;
    }
    snprintf(msg, sizeof msg, "%s: got %.17g, expected %.17g (tol %g)", expr, a, b, tol);
    fail(file, line, msg);
}

void harness_rel(double a, double b, double tol, const char *expr,
                 const char *file, int line)
{
    int decided, ok = same_special(a, b, &decided);
    char msg[512];

    if (!decided)
        ok = b == 0 ? fabs(a) <= tol : fabs(a - b) <= tol * fabs(b);
    if (ok) {
        n_pass++;
        return;
    }
    snprintf(msg, sizeof msg, "%s: got %.17g, expected %.17g (rel tol %g)", expr, a, b, tol);
    fail(file, line, msg);
}

void harness_str(const char *a, const char *b, const char *expr,
                 const char *file, int line)
{
    char msg[1024];

    if (a != NULL && b != NULL && strcmp(a, b) == 0) {
        n_pass++;
        return;
    }
    snprintf(msg, sizeof msg, "%s: got \"%s\", expected \"%s\"", expr,
             a ? a : "(null)", b ? b : "(null)");
    fail(file, line, msg);
}

int harness_finish(void)
{
    printf("%s: %d passed, %d failed\n", test_name, n_pass, n_fail);
    return n_fail == 0 ? 0 : 1;
}

/* ---- golden files ---- */

struct golden_entry {
    char *key;
    double *v;
    size_t n;
};

struct golden {
    struct golden_entry *e;
    size_t n;
    char *path;
};

static double parse_value(const char *tok)
{
    if (strcmp(tok, "NA") == 0 || strcmp(tok, "NaN") == 0)
        return NAN;
    if (strcmp(tok, "Inf") == 0)
        return INFINITY;
    if (strcmp(tok, "-Inf") == 0)
        return -INFINITY;
    return strtod(tok, NULL);
}

golden *golden_load(const char *path)
{
    FILE *fp = fopen(path, "r");
    golden *g;
    char *line = NULL;
    size_t cap = 0;

    if (fp == NULL) {
        fprintf(stderr, "FAIL cannot open golden file %s\n", path);
        exit(1);
    }
    g = calloc(1, sizeof *g);
    g->path = strdup(path);
    while (getline(&line, &cap, fp) > 0) {
        char *save = NULL, *tok;
        struct golden_entry ent = {0};
        size_t vcap = 0;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        tok = strtok_r(line, " \t\r\n", &save);
        if (tok == NULL)
            continue;
        ent.key = strdup(tok);
        while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
            if (ent.n == vcap) {
                vcap = vcap ? vcap * 2 : 8;
                ent.v = realloc(ent.v, vcap * sizeof *ent.v);
            }
            ent.v[ent.n++] = parse_value(tok);
        }
        g->e = realloc(g->e, (g->n + 1) * sizeof *g->e);
        g->e[g->n++] = ent;
    }
    free(line);
    fclose(fp);
    return g;
}

int golden_has(golden *g, const char *key)
{
    size_t i;

    for (i = 0; i < g->n; i++)
        if (strcmp(g->e[i].key, key) == 0)
            return 1;
    return 0;
}

const double *golden_get(golden *g, const char *key, size_t *n)
{
    size_t i;
    char msg[512];

    for (i = 0; i < g->n; i++) {
        if (strcmp(g->e[i].key, key) == 0) {
            *n = g->e[i].n;
            return g->e[i].v;
        }
    }
    *n = 0;
    snprintf(msg, sizeof msg, "golden key '%s' missing from %s", key, g->path);
    fail(__FILE__, __LINE__, msg);
    return NULL;
}

void golden_free(golden *g)
{
    size_t i;

    if (g == NULL)
        return;
    for (i = 0; i < g->n; i++) {
        free(g->e[i].key);
        free(g->e[i].v);
    }
    free(g->e);
    free(g->path);
    free(g);
}
