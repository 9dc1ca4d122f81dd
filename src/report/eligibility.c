/*
** eligibility.c -- eligibility criteria applied in order: the patient flow
** of a CONSORT-style diagram (screened -> excluded, by reason -> analysed,
** by arm).
**
** Method.  Criteria are expressions (oncostat/expr.h) evaluated for every
** screened row.  A row is excluded under the FIRST criterion, in plan order,
** that is not TRUE, and counted there only, so the boxes of the diagram add
** up to the number excluded.  R's three-valued logic decides what "not
** TRUE" means: `age >= 18 & ecog <= 1` is FALSE for a 16-year-old whose ECOG
** is unknown (FALSE & NA is FALSE), and missing for an adult whose ECOG is
** unknown.  A missing result is its own reason, "missing value in 'ecog'",
** naming the first column of the criterion that is missing in that row:
** such patients were not shown to be ineligible, and a reader must see
** them rather than have them vanish.
**
** Inputs: the screened frame, n_criteria criteria, one arm code per row.
** Outputs: the onc_flow (counts per reason in plan order with up to
** ONC_EXCLUSION_ROW_CAP row numbers each, the eligible flags, patients
** per arm).  NaN policy: missing values are reasons, never dropped.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oncostat/report.h"
#include "oncostat/expr.h"
#include "core/internal.h"

/* The rows' fate: criterion index and whether it was missing. */
typedef struct flow_mark {
    long criterion;     /* -1: passed all; n_criteria: no arm */
    int missing;
    long column;        /* frame column found missing, or -1 */
} flow_mark;

static onc_status located(onc_error *err, const onc_criterion *c, onc_status st,
                          const char *inner)
{
    char msg[ONC_EXPR_MAX_LENGTH / 32 + 1400];

    snprintf(msg, sizeof msg, "eligibility criterion '%.*s': %s", 256, c->text, inner);
    return onc_error_set(err, st, c->file, 0, c->line, NULL, "%s", msg);
}

/* Add `row` under reason `reason`; reasons are kept in order of creation. */
static onc_status add_reason(onc_flow *f, const char *reason, long criterion, int missing,
                             size_t row)
{
    onc_flow_reason *r = NULL;
    size_t k;

    for (k = 0; k < f->n_reasons; k++)
        if (f->reasons[k].criterion == criterion && f->reasons[k].missing == missing &&
            strcmp(f->reasons[k].reason, reason) == 0) {
            r = &f->reasons[k];
            break;
        }
    if (r == NULL) {
        onc_flow_reason *grown = onc_reallocarray(f->reasons, f->n_reasons + 1, sizeof *grown);
        if (grown == NULL)
            return ONC_ERR_NOMEM;
        f->reasons = grown;
        r = &f->reasons[f->n_reasons];
        memset(r, 0, sizeof *r);
        r->reason = onc_strdup(reason);
        if (r->reason == NULL)
            return ONC_ERR_NOMEM;
        r->criterion = criterion;
        r->missing = missing;
        f->n_reasons++;
    }
    if (r->n_rows < ONC_EXCLUSION_ROW_CAP)
        r->rows[r->n_rows++] = row;
    r->count++;
    return ONC_OK;
}

onc_status onc_eligibility_apply(const onc_frame *df, const onc_criterion *criteria,
                                 size_t n_criteria, const int32_t *arm,
                                 size_t n_arms, const char *arm_column,
                                 onc_flow **out, onc_error *err)
{
    onc_flow *f = NULL;
    flow_mark *mark = NULL;
    double *value = NULL;
    onc_expr *e = NULL;
    onc_status st = ONC_OK;
    size_t n = df->n_rows, i, k, remaining = n;
    char reason[512];

    *out = NULL;
    onc_error_clear(err);
    f = calloc(1, sizeof *f);
    if (f == NULL)
        return ONC_ERR_NOMEM;
    f->n_screened = n;
    f->n_arms = n_arms;
    f->eligible = calloc(n ? n : 1, 1);
    f->arm_n = onc_callocarray(n_arms ? n_arms : 1, sizeof *f->arm_n);
    f->criterion_excluded = onc_callocarray(n_criteria ? n_criteria : 1, sizeof *f->criterion_excluded);
    mark = onc_mallocarray(n ? n : 1, sizeof *mark);
    value = onc_mallocarray(n ? n : 1, sizeof *value);
    if (f->eligible == NULL || f->arm_n == NULL || f->criterion_excluded == NULL ||
        mark == NULL || value == NULL) {
        st = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        mark[i].criterion = -1;
        mark[i].missing = 0;
        mark[i].column = -1;
    }

    for (k = 0; k < n_criteria; k++) {
        const onc_criterion *c = &criteria[k];
        onc_error inner;
        size_t n_cols, before = remaining;

        onc_error_clear(&inner);
        st = onc_expr_parse(c->text, &e, &inner);
        if (st == ONC_OK)
            st = onc_expr_eval(e, df, value, &inner);
        if (st != ONC_OK) {
            if (st != ONC_ERR_NOMEM)
                st = located(err, c, st, inner.message);
            goto cleanup;
        }
        n_cols = onc_expr_n_columns(e);
        for (i = 0; i < n; i++) {
            if (mark[i].criterion >= 0)
                continue;
            if (isnan(value[i])) {
                size_t j;
                mark[i].criterion = (long)k;
                mark[i].missing = 1;
                for (j = 0; j < n_cols; j++) {
                    long col = onc_frame_find(df, onc_expr_column(e, j, NULL));
                    if (col >= 0 && onc_column_is_missing(&df->cols[col], i)) {
                        mark[i].column = col;
                        break;
                    }
                }
                remaining--;
            } else if (value[i] == 0) {
                mark[i].criterion = (long)k;
                remaining--;
            }
        }
        f->criterion_excluded[k] = before - remaining;
        onc_expr_free(e);
        e = NULL;
        if (remaining == 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "no patient is left after this criterion (%zu of %zu "
                     "screened excluded by it)", before, n);
            st = located(err, c, ONC_ERR_DATA, msg);
            goto cleanup;
        }
    }
    for (i = 0; i < n; i++) {
        if (mark[i].criterion >= 0)
            continue;
        if (arm[i] < 0 || (size_t)arm[i] >= n_arms) {
            mark[i].criterion = (long)n_criteria;
            remaining--;
        }
    }

    /* Reasons in plan order: criterion by criterion, "not met" first. */
    for (k = 0; k <= n_criteria; k++) {
        int pass;
        for (pass = 0; pass < 2; pass++) {
            for (i = 0; i < n; i++) {
                if (mark[i].criterion != (long)k || mark[i].missing != pass)
                    continue;
                if (k == n_criteria)
                    snprintf(reason, sizeof reason, "no treatment arm ('%s' missing)",
                             arm_column ? arm_column : "arm");
                else if (!pass)
                    snprintf(reason, sizeof reason, "%s", criteria[k].reason);
                else if (mark[i].column >= 0)
                    snprintf(reason, sizeof reason, "missing value in '%s'",
                             df->cols[mark[i].column].name);
                else
                    snprintf(reason, sizeof reason, "could not be assessed: %s", criteria[k].reason);
                if ((st = add_reason(f, reason, k == n_criteria ? -1 : (long)k, pass, i + 1)) != ONC_OK)
                    goto cleanup;
                f->n_excluded++;
            }
        }
    }
    for (i = 0; i < n; i++) {
        if (mark[i].criterion >= 0)
            continue;
        f->eligible[i] = 1;
        f->n_eligible++;
        f->arm_n[arm[i]]++;
    }
    if (f->n_eligible == 0) {
        st = onc_error_set(err, ONC_ERR_DATA, NULL, 0, 0, arm_column,
                           "no eligible patient has a treatment arm");
        goto cleanup;
    }
cleanup:
    onc_expr_free(e);
    free(mark);
    free(value);
    if (st != ONC_OK) {
        onc_flow_free(f);
        return st;
    }
    *out = f;
    return ONC_OK;
}

void onc_flow_free(onc_flow *f)
{
    size_t k;

    if (f == NULL)
        return;
    for (k = 0; k < f->n_reasons; k++)
        free(f->reasons[k].reason);
    free(f->reasons);
    free(f->eligible);
    free(f->arm_n);
    free(f->criterion_excluded);
    free(f);
}
