/*
** cox_profile.c -- covariate profiles for `oncostat cox --predict`.
**
** A profile names values of the model's variables; the design-matrix row
** follows the model's coding: a number enters its columns as itself (and
** multiplies interaction columns), a factor level switches on the column
** whose level is that level (joined with ':' across the factors of an
** interaction term), and the reference level switches on none.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cox_profile.h"

#define PROFILE_MAX_VARS 256

typedef struct profile_var {
    const char *name;
    int factor;                 /* used as a factor somewhere in the model */
    int numeric;                /* used as a number somewhere */
    const char *given;          /* value from the spec, or NULL */
    size_t given_len;
    char level[128];            /* the factor level used */
    double value;               /* the number used */
} profile_var;

static int profile_is_factor(const onc_frame *df, const onc_formula_variable *v)
{
    long c = onc_frame_find(df, v->name);

    if (v->as_factor)
        return 1;
    return c >= 0 && (df->cols[c].type == ONC_COL_FACTOR ||
                      df->cols[c].type == ONC_COL_LOGICAL);
}

static int profile_is_logical(const onc_frame *df, const char *name)
{
    long c = onc_frame_find(df, name);
    return c >= 0 && df->cols[c].type == ONC_COL_LOGICAL;
}

/* The main-effect column(s) of a factor variable: its reference and levels. */
static const onc_model_column *profile_main_column(const onc_model *m,
                                                   const char *name, size_t *k0)
{
    size_t k;

    for (k = 0; k < m->p; k++) {
        const onc_model_column *c = &m->cols[k];
        if (strchr(c->term, ':') == NULL && strcmp(c->variable, name) == 0 &&
            c->level != NULL) {
            *k0 = k;
            return c;
        }
    }
    return NULL;
}

/* Mean of numeric column `name` over the rows of the model. */
static double profile_mean(const cli_analysis *a, const char *name)
{
    const onc_model *m = a->model;
    long c = onc_frame_find(a->frame, name);
    double s = 0;
    size_t i;

    if (c < 0 || a->frame->cols[c].num == NULL || m->n == 0)
        return NAN;
    for (i = 0; i < m->n; i++)
        s += a->frame->cols[c].num[m->row[i] - 1];
    return s / (double)m->n;
}

static int profile_set_level(const cli_analysis *a, profile_var *v)
{
    const onc_model *m = a->model;
    size_t k0 = 0, k;
    const onc_model_column *mc = profile_main_column(m, v->name, &k0);
    int logical = profile_is_logical(a->frame, v->name);

    if (v->given == NULL) {
        if (mc == NULL || mc->reference == NULL) {
            fprintf(stderr, "oncostat cox: --predict: give a level of '%s' (it has no "
                            "reference level of its own in the model)\n", v->name);
            return -1;
        }
        snprintf(v->level, sizeof v->level, "%s", mc->reference);
        return 0;
    }
    if (v->given_len >= sizeof v->level) {
        fprintf(stderr, "oncostat cox: --predict: the level of '%s' is too long\n", v->name);
        return -1;
    }
    memcpy(v->level, v->given, v->given_len);
    v->level[v->given_len] = '\0';
    if (logical) {
        if (strcasecmp(v->level, "true") == 0 || strcmp(v->level, "1") == 0 ||
            strcmp(v->level, "T") == 0)
            snprintf(v->level, sizeof v->level, "TRUE");
        else if (strcasecmp(v->level, "false") == 0 || strcmp(v->level, "0") == 0 ||
                 strcmp(v->level, "F") == 0)
            snprintf(v->level, sizeof v->level, "FALSE");
    }
    if (mc == NULL)
        return 0;       /* only in interactions: matched against their columns */
    if (mc->reference != NULL && strcmp(mc->reference, v->level) == 0)
        return 0;
    for (k = k0; k < m->p; k++)
        if (strcmp(m->cols[k].term, mc->term) == 0 && m->cols[k].level != NULL &&
            strcmp(m->cols[k].level, v->level) == 0)
            return 0;
    fprintf(stderr, "oncostat cox: --predict: '%s' has no level '%s' in the model; "
                    "the levels are: %s", v->name, v->level,
            mc->reference != NULL ? mc->reference : "");
    for (k = k0; k < m->p; k++)
        if (strcmp(m->cols[k].term, mc->term) == 0 && m->cols[k].level != NULL)
            fprintf(stderr, "%s%s", k == k0 && mc->reference == NULL ? "" : ", ",
                    m->cols[k].level);
    fputc('\n', stderr);
    return -1;
}

static int profile_set_number(const cli_analysis *a, profile_var *v)
{
    char buf[64], *end;

    if (v->given == NULL) {
        v->value = profile_mean(a, v->name);
        if (!isfinite(v->value)) {
            fprintf(stderr, "oncostat cox: --predict: give a value of '%s'\n", v->name);
            return -1;
        }
        return 0;
    }
    if (v->given_len == 0 || v->given_len >= sizeof buf) {
        fprintf(stderr, "oncostat cox: --predict: '%s' needs a number\n", v->name);
        return -1;
    }
    memcpy(buf, v->given, v->given_len);
    buf[v->given_len] = '\0';
    v->value = strtod(buf, &end);
    if (end == buf || *end != '\0' || !isfinite(v->value)) {
        fprintf(stderr, "oncostat cox: --predict: '%s' needs a number, found '%s'\n",
                v->name, buf);
        return -1;
    }
    return 0;
}

int cli_cox_profile(const cli_analysis *a, const char *spec, double *row,
                    char *label, size_t label_cap)
{
    const onc_formula *f = a->formula;
    const onc_model *m = a->model;
    profile_var vars[PROFILE_MAX_VARS];
    size_t nv = 0, t, k, q, len = 0;
    const char *p = spec;

    /* the variables of the terms, in formula order */
    for (t = 0; t < f->n_terms; t++)
        for (k = 0; k < f->terms[t].order; k++) {
            const onc_formula_variable *fv = &f->terms[t].vars[k];
            for (q = 0; q < nv; q++)
                if (strcmp(vars[q].name, fv->name) == 0)
                    break;
            if (q == nv) {
                if (nv == PROFILE_MAX_VARS) {
                    fprintf(stderr, "oncostat cox: --predict: at most %d variables\n",
                            PROFILE_MAX_VARS);
                    return -1;
                }
                memset(&vars[nv], 0, sizeof vars[nv]);
                vars[nv++].name = fv->name;
            }
            if (profile_is_factor(a->frame, fv))
                vars[q].factor = 1;
            else
                vars[q].numeric = 1;
        }

    /* VARIABLE=VALUE, ... */
    while (*p != '\0') {
        const char *comma = strchr(p, ','), *eq = strchr(p, '=');
        size_t end = comma ? (size_t)(comma - p) : strlen(p);
        if (eq == NULL || (size_t)(eq - p) >= end || eq == p) {
            fprintf(stderr, "oncostat cox: --predict: expected VARIABLE=VALUE[,...], "
                            "found '%.*s'\n", (int)end, p);
            return -1;
        }
        for (q = 0; q < nv; q++)
            if (strlen(vars[q].name) == (size_t)(eq - p) &&
                strncmp(vars[q].name, p, (size_t)(eq - p)) == 0)
                break;
        if (q == nv) {
            fprintf(stderr, "oncostat cox: --predict: '%.*s' is not a variable of the "
                            "model; the variables are:", (int)(eq - p), p);
            for (q = 0; q < nv; q++)
                fprintf(stderr, "%s %s", q ? "," : "", vars[q].name);
            fputc('\n', stderr);
            return -1;
        }
        if (vars[q].given != NULL) {
            fprintf(stderr, "oncostat cox: --predict: '%s' is given twice\n", vars[q].name);
            return -1;
        }
        vars[q].given = eq + 1;
        vars[q].given_len = end - (size_t)(eq + 1 - p);
        p += end;
        if (*p == ',')
            p++;
    }

    for (q = 0; q < nv; q++) {
        if (vars[q].factor && profile_set_level(a, &vars[q]) != 0)
            return -1;
        if (vars[q].numeric && profile_set_number(a, &vars[q]) != 0)
            return -1;
    }

    /* the design-matrix row */
    for (k = 0; k < m->p; k++) {
        const onc_model_column *c = &m->cols[k];
        const onc_formula_term *term = NULL;
        char joined[1024];
        size_t jl = 0;
        double prod = 1;
        int has_factor = 0;

        for (t = 0; t < f->n_terms; t++)
            if (strcmp(f->terms[t].label, c->term) == 0)
                term = &f->terms[t];
        if (term == NULL) {
            fprintf(stderr, "oncostat cox: --predict: cannot place column '%s'\n", c->name);
            return -1;
        }
        joined[0] = '\0';
        for (t = 0; t < term->order; t++) {
            const onc_formula_variable *fv = &term->vars[t];
            for (q = 0; q < nv; q++)
                if (strcmp(vars[q].name, fv->name) == 0)
                    break;
            if (profile_is_factor(a->frame, fv)) {
                jl += (size_t)snprintf(joined + jl, jl < sizeof joined ? sizeof joined - jl : 0,
                                       "%s%s", has_factor ? ":" : "", vars[q].level);
                has_factor = 1;
            } else {
                prod *= vars[q].value;
            }
        }
        if (has_factor)
            row[k] = c->level != NULL && strcmp(joined, c->level) == 0 ? prod : 0;
        else
            row[k] = prod;
    }

    /* the label: every variable with the value used */
    label[0] = '\0';
    for (q = 0; q < nv && len < label_cap; q++) {
        char num[48];
        const char *v;
        if (vars[q].factor) {
            v = vars[q].level;
        } else {
            if (vars[q].given != NULL)
                snprintf(num, sizeof num, "%.*s", (int)vars[q].given_len, vars[q].given);
            else
                snprintf(num, sizeof num, "%.4g", vars[q].value);
            v = num;
        }
        len += (size_t)snprintf(label + len, label_cap - len, "%s%s=%s", q ? ", " : "",
                                vars[q].name, v);
    }
    return 0;
}
